/**
 * Where one queue item's time goes, seen as a client sees it: the enqueue request over HTTP, then
 * the item's events on the user's socket (as the studio receives them). Stages, in order:
 *   enqueue   POST enqueue_batch sent → answered
 *   pickup    answered → `in_progress` (a worker took the job and claimed the item)
 *   start     `in_progress` → first node started (the graph read and prepared)
 *   nodes     each node's own time (`durationMs` of its complete event), summed
 *   between   the rest of the graph's span: the engine and the events between nodes
 *   finish    last node done → `completed` (the item's results written)
 * `total` is from the request to the `completed` event; the stages add up to it.
 */
import { io, type Socket } from 'socket.io-client';
import type { Graph } from '../../engine/graph/graph';
import type { QueueEventMap } from '../../services/queue/queue-events';
import type { BenchApi } from './bench-api-client';

export const STAGES = ['enqueue', 'pickup', 'start', 'nodes', 'between', 'finish'] as const;
export type Stage = (typeof STAGES)[number];
export type ItemStages = Record<Stage | 'total', number> & { readonly perNode: Readonly<Record<string, number>> };

interface Trace {
  inProgressAt?: number;
  firstStartAt?: number;
  lastCompleteAt?: number;
  nodeMs: number;
  readonly perNode: Record<string, number>;
  done: (at: number, failure?: string) => void;
}

export class StageTracer {
  private readonly traces = new Map<string, Trace>();
  /** Events of an item that arrive before its enqueue answer names its batch. */
  private readonly early = new Map<string, { name: string; at: number; payload: Record<string, unknown> }[]>();

  private constructor(
    private readonly api: BenchApi,
    private readonly socket: Socket,
  ) {
    const on = <K extends keyof QueueEventMap>(name: K) =>
      socket.on(name as string, (payload: QueueEventMap[K]) => this.record(name, performance.now(), payload as unknown as Record<string, unknown>));
    on('queue_item_status_changed');
    on('invocation_started');
    on('invocation_complete');
    on('invocation_cached');
  }

  /** Connects to the platform's socket as the bench user. */
  static async connect(api: BenchApi): Promise<StageTracer> {
    const socket = io(new URL(api.url).origin, { path: '/api/v1/socket.io', auth: { token: api.token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new StageTracer(api, socket);
  }

  /** Enqueues `graph` as a one-item batch and resolves with its stages once it completed. */
  async run(queueId: string, graph: Graph): Promise<ItemStages> {
    const sent = performance.now();
    let resolveDone!: (at: number) => void;
    let rejectDone!: (error: Error) => void;
    const finished = new Promise<number>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    const trace: Trace = { nodeMs: 0, perNode: {}, done: (at, failure) => (failure ? rejectDone(new Error(failure)) : resolveDone(at)) };
    const { batchId } = await this.api.enqueue(queueId, graph);
    const answered = performance.now();
    this.traces.set(batchId, trace);
    for (const event of this.early.get(batchId) ?? []) this.record(event.name, event.at, event.payload);
    this.early.delete(batchId);
    const completed = await finished;
    this.traces.delete(batchId);
    const inProgress = trace.inProgressAt ?? answered;
    const firstStart = trace.firstStartAt ?? inProgress;
    const lastComplete = trace.lastCompleteAt ?? firstStart;
    return {
      enqueue: answered - sent,
      pickup: inProgress - answered,
      start: firstStart - inProgress,
      nodes: trace.nodeMs,
      between: lastComplete - firstStart - trace.nodeMs,
      finish: completed - lastComplete,
      total: completed - sent,
      perNode: trace.perNode,
    };
  }

  close(): void {
    this.socket.close();
  }

  private record(name: string, at: number, payload: Record<string, unknown>): void {
    const batchId = payload['batchId'] as string;
    const trace = this.traces.get(batchId);
    if (!trace) {
      const list = this.early.get(batchId) ?? [];
      list.push({ name, at, payload });
      this.early.set(batchId, list);
      return;
    }
    if (name === 'invocation_started' || name === 'invocation_cached') trace.firstStartAt ??= at;
    if (name === 'invocation_complete' || name === 'invocation_cached') {
      trace.lastCompleteAt = at;
      const ms = (payload['durationMs'] as number | undefined) ?? 0;
      trace.nodeMs += ms;
      const nodeId = payload['nodeId'] as string;
      trace.perNode[nodeId] = (trace.perNode[nodeId] ?? 0) + ms;
    }
    if (name !== 'queue_item_status_changed') return;
    const status = payload['status'] as string;
    if (status === 'in_progress') trace.inProgressAt = at;
    if (status === 'completed') trace.done(at);
    if (status === 'failed' || status === 'canceled') trace.done(at, `bench item ${String(payload['itemId'])} ${status}: ${JSON.stringify(payload['error'] ?? null)}`);
  }
}

/** The median of each stage over several items. */
export function medianStages(samples: readonly ItemStages[]): ItemStages {
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const stages = Object.fromEntries([...STAGES, 'total'].map((stage) => [stage, median(samples.map((sample) => sample[stage as Stage | 'total']))]));
  const nodeIds = [...new Set(samples.flatMap((sample) => Object.keys(sample.perNode)))];
  const perNode = Object.fromEntries(nodeIds.map((nodeId) => [nodeId, median(samples.map((sample) => sample.perNode[nodeId] ?? 0))]));
  return { ...stages, perNode } as ItemStages;
}

/** One line per stage: `name  ms` with the share of the total. */
export function formatStages(stages: ItemStages, indent = '   '): string {
  return [...STAGES, 'total']
    .map((stage) => {
      const ms = stages[stage as Stage | 'total'];
      const line = `${indent}${stage.padEnd(8)} ${ms.toFixed(2).padStart(8)} ms${stage === 'total' ? '' : `  ${((ms / stages.total) * 100).toFixed(0).padStart(3)}%`}`;
      if (stage !== 'nodes') return line;
      const nodes = Object.entries(stages.perNode).map(([nodeId, nodeMs]) => `${indent}  ${nodeId.padEnd(12)} ${nodeMs.toFixed(2).padStart(6)} ms`);
      return [line, ...nodes].join('\n');
    })
    .join('\n');
}
