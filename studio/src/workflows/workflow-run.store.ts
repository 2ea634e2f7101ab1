import { Injectable, computed, signal } from '@angular/core';
import type { Issue, SocketEventMap } from '../core/api-types';
import type { CatalogueEntry } from './workflow-graph';

export type NodeRunStatus = 'queued' | 'running' | 'cached' | 'done' | 'failed';

export interface NodeRun {
  readonly status: NodeRunStatus;
  readonly step?: number;
  readonly total?: number;
  readonly preview?: string;
  readonly images: readonly string[];
  /** The node's outputs: one record (from its event) or one per iteration (from the queue item's results). */
  readonly outputs?: unknown;
  readonly error?: string;
}

type RunEvent =
  | { readonly name: 'invocation_started'; readonly payload: SocketEventMap['invocation_started'] }
  | { readonly name: 'invocation_progress'; readonly payload: SocketEventMap['invocation_progress'] }
  | { readonly name: 'invocation_complete'; readonly payload: SocketEventMap['invocation_complete'] }
  | { readonly name: 'invocation_cached'; readonly payload: SocketEventMap['invocation_cached'] }
  | { readonly name: 'invocation_error'; readonly payload: SocketEventMap['invocation_error'] };

const BUFFERED_BATCHES = 20;

/**
 * What the canvas shows on top of the graph, per graph node id: the installed catalogue, the
 * last validation's issues and the current run's status. One per Workflows page (provided there),
 * read by the node components the Rete renderer creates.
 */
@Injectable()
export class WorkflowRunStore {
  readonly catalogue = signal<ReadonlyMap<string, CatalogueEntry>>(new Map());
  readonly issues = signal<Readonly<Record<string, readonly Issue[]>>>({});
  readonly runs = signal<Readonly<Record<string, NodeRun>>>({});
  readonly batchId = signal<string | null>(null);
  /** Events of batches not yet known: a fast run may finish before enqueue_batch answers. */
  private readonly early = new Map<string, RunEvent[]>();

  readonly running = computed(() => Object.values(this.runs()).some((run) => run.status === 'queued' || run.status === 'running'));

  start(batchId: string, nodeIds: readonly string[]): void {
    this.batchId.set(batchId);
    this.runs.set(Object.fromEntries(nodeIds.map((id) => [id, { status: 'queued', images: [] } satisfies NodeRun])));
    for (const event of this.early.get(batchId) ?? []) this.apply(event);
    this.early.clear();
  }

  clearRun(): void {
    this.batchId.set(null);
    this.runs.set({});
  }

  /** Applies one socket event, if it belongs to the current run. */
  handle(event: RunEvent): void {
    const current = this.batchId();
    if (event.payload.batchId !== current) {
      this.buffer(event);
      return;
    }
    this.apply(event);
  }

  /**
   * A finished queue item's results (`results.outputs[nodeId]`, a list per node) for the current
   * run: they replace what the events said, which may have been left out or cut short.
   */
  applyResults(batchId: string, results: unknown): void {
    if (batchId !== this.batchId()) return;
    const outputs = (results as { outputs?: Record<string, unknown> } | null)?.outputs;
    if (typeof outputs !== 'object' || outputs === null) return;
    this.runs.update((runs) => {
      const next = { ...runs };
      for (const [nodeId, value] of Object.entries(outputs)) {
        const run = next[nodeId];
        if (run && run.status !== 'failed') next[nodeId] = { ...run, status: run.status === 'cached' ? 'cached' : 'done', images: imageNames(value), outputs: value };
      }
      return next;
    });
  }

  private buffer(event: RunEvent): void {
    const list = this.early.get(event.payload.batchId) ?? [];
    list.push(event);
    this.early.set(event.payload.batchId, list);
    if (this.early.size > BUFFERED_BATCHES) this.early.delete(this.early.keys().next().value!);
  }

  private apply(event: RunEvent): void {
    const nodeId = event.payload.nodeId;
    const before = this.runs()[nodeId] ?? { status: 'queued', images: [] };
    let next: NodeRun;
    switch (event.name) {
      case 'invocation_started':
        next = { status: 'running', images: [] };
        break;
      case 'invocation_progress': {
        const { step, total, preview } = event.payload;
        next = { ...before, status: 'running', ...(step !== undefined ? { step } : {}), ...(total !== undefined ? { total } : {}), ...(preview ? { preview: preview.dataUrl } : {}) };
        break;
      }
      case 'invocation_complete':
        next = { status: 'done', images: imageNames(event.payload.outputs), ...withOutputs(event.payload.outputs), ...(before.preview ? { preview: before.preview } : {}) };
        break;
      case 'invocation_cached':
        next = { status: 'cached', images: imageNames(event.payload.outputs), ...withOutputs(event.payload.outputs) };
        break;
      case 'invocation_error':
        next = { status: 'failed', images: [], error: event.payload.error?.message ?? 'the node failed' };
        break;
    }
    this.runs.update((runs) => ({ ...runs, [nodeId]: next }));
  }
}

function withOutputs(outputs: unknown): { outputs?: unknown } {
  return outputs === undefined ? {} : { outputs };
}

/** Image names anywhere in a node's outputs (`{ imageName }`, alone or in lists). */
export function imageNames(outputs: unknown): string[] {
  const names: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) return value.forEach((item) => visit(item, depth + 1));
    const record = value as Record<string, unknown>;
    if (typeof record['imageName'] === 'string') names.push(record['imageName']);
    else Object.values(record).forEach((item) => visit(item, depth + 1));
  };
  visit(outputs, 0);
  return names;
}
