/**
 * Runs an automation's graph where it was received (an inline run): the trigger's payload goes
 * into the trigger node's hidden input, the engine runs the graph, and the run comes back as what
 * its record keeps: each node's status, timing, inputs and outputs (summarised), the respond
 * node's choice, and the error with its node. Used by the inline run threads; nothing here
 * touches the database.
 */
import { applyFieldValues } from '../../engine/batch/expand-batch';
import { toErrorInfo, type ErrorInfo } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { ContextHost } from '../../engine/node-context';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import type { RunNodeSummary, RunOutput } from './automation-records';
import { PAYLOAD_INPUT, RESPOND_TYPE } from './automation-triggers';

/** How much of a node's inputs or outputs a run record keeps, as JSON. */
export const NODE_VALUE_CAP = 2048;

export interface AutomationGraphRun {
  readonly graph: Graph;
  readonly triggerNodeId: string | null;
  readonly payload: unknown;
  readonly registry: NodeRegistry;
  readonly host: ContextHost;
  readonly signal?: AbortSignal;
}

export interface AutomationGraphResult {
  readonly status: 'succeeded' | 'failed' | 'canceled';
  readonly error: ErrorInfo | null;
  readonly nodes: RunNodeSummary[];
  readonly output: RunOutput | null;
}

export async function runAutomationGraph(run: AutomationGraphRun): Promise<AutomationGraphResult> {
  const graph = run.triggerNodeId ? applyFieldValues(run.graph, [{ nodeId: run.triggerNodeId, field: PAYLOAD_INPUT, value: run.payload }]) : run.graph;
  const origin = performance.now();
  const started = new Map<string, number>();
  let result: RunResult;
  try {
    result = await runGraph(graph, {
      registry: run.registry,
      host: run.host,
      ...(run.signal ? { signal: run.signal } : {}),
      // The thread serves nothing else: no need to give its event loop a turn between nodes.
      yieldAfterMs: 0,
      onEvent: (event) => {
        if (event.name === 'invocation_started' && !started.has(event.payload.nodeId)) started.set(event.payload.nodeId, performance.now() - origin);
      },
    });
  } catch (error) {
    // A graph the engine refuses to prepare (it changed under a published version's packs).
    return { status: 'failed', error: toErrorInfo(error), nodes: [], output: null };
  }
  const nodes = run.graph.nodes.map((node): RunNodeSummary => {
    const runs = result.runsOf(node.id);
    const outputs = result.outputsOf(node.id);
    const failed = runs.find((entry) => entry.error);
    const durationMs = runs.reduce((sum, entry) => sum + entry.durationMs, 0);
    const startedMs = started.get(node.id);
    return {
      nodeId: node.id,
      type: node.type,
      ...(node.label ? { label: node.label } : {}),
      status: result.nodeStatus(node.id),
      ...(startedMs !== undefined ? { startedMs: round(startedMs), durationMs: round(durationMs) } : {}),
      ...(runs.some((entry) => entry.cached) ? { cached: true } : {}),
      ...(outputs.length > 0 ? { outputs: capped(outputs.length === 1 ? outputs[0] : outputs) } : {}),
      ...(failed?.error ? { error: failed.error } : {}),
    };
  });
  const status = result.status === 'completed' ? 'succeeded' : result.status;
  return { status, error: result.error ?? null, nodes, output: status === 'succeeded' ? respondOutput(run.graph, result) : null };
}

/** What the graph's respond node chose (the first that ran), if it has one. */
function respondOutput(graph: Graph, result: RunResult): RunOutput | null {
  for (const node of graph.nodes) {
    if (node.type !== RESPOND_TYPE) continue;
    const response = result.outputsOf(node.id)[0]?.['response'] as { status?: number; body?: unknown; image?: { imageName: string } | null } | undefined;
    if (!response) continue;
    return { status: response.status ?? 200, body: response.body ?? null, image: response.image ? { imageName: response.image.imageName, kept: false } : null };
  }
  return null;
}

/** The value, or a note of its size and start when its JSON is longer than the cap. */
export function capped(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return { truncated: true, note: 'not representable as JSON' };
  }
  if (text === undefined || text.length <= NODE_VALUE_CAP) return value;
  return { truncated: true, bytes: text.length, preview: text.slice(0, NODE_VALUE_CAP) };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
