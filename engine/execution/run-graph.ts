/**
 * Runs a graph to the end with the engine's execution state: validates it, then invokes ready
 * nodes (in dependency order, `concurrency` at a time), emitting typed events.
 */
import type { ErrorInfo } from '../errors';
import type { Graph } from '../graph/graph';
import type { ContextHost } from '../node-context';
import type { NodeRegistry } from '../registry/node-registry';
import type { EngineEvent } from './engine-events';
import type { InvocationCache } from './invocation-cache';

export interface RunOptions {
  readonly registry: NodeRegistry;
  readonly host: ContextHost;
  readonly sessionId?: string;
  readonly signal?: AbortSignal;
  /** Shared across runs to reuse results; none by default. */
  readonly cache?: InvocationCache;
  readonly onEvent?: (event: EngineEvent) => void;
  /** How many invocations may run at once; 1 (in order) by default. */
  readonly concurrency?: number;
}

export type NodeRunStatus = 'completed' | 'skipped' | 'failed' | 'canceled' | 'pending';

export interface RunResult {
  readonly status: 'completed' | 'failed' | 'canceled';
  readonly error?: ErrorInfo;
  /** The outputs of every run of a node, in iteration order (one entry outside iterations). */
  outputsOf(nodeId: string): Readonly<Record<string, unknown>>[];
  nodeStatus(nodeId: string): NodeRunStatus;
}

export async function runGraph(_graph: Graph, _options: RunOptions): Promise<RunResult> {
  throw new Error('not implemented yet');
}
