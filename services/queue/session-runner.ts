/**
 * The worker side of the queue: takes an item, runs its graph with the engine and the loaded
 * packs, streams the engine's events to the owner, and records how the item ended. An item
 * whose worker incarnation died is taken again by another (or by the same node id restarted); the
 * new attempt first discards what the dead one saved; after `maxAttempts` it fails with the reason.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { applyFieldValues } from '../../engine/batch/expand-batch';
import { PinkseaError, toErrorInfo, type ErrorInfo } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import type { InvocationCache } from '../../engine/execution/invocation-cache';
import { runGraph } from '../../engine/execution/run-graph';
import type { ContextHost } from '../../engine/node-context';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { ItemWriteBatcher } from './item-write-batcher';
import type { JobOutcome } from './job-transport';
import { ownerInvocationCache } from './owner-invocation-cache';
import type { QueueEventSink } from './queue-events';
import type { ClaimedItem, QueueStore, RunnableItem, UnfinishedItem, WorkerIncarnation } from './queue-store';

/** A run's context backing; `settle` makes what its results name outlast the run (held working images). */
export interface RunHost extends ContextHost {
  settle?(results: unknown): Promise<void>;
}

export interface SessionRunnerOptions {
  readonly store: QueueStore;
  readonly registry: NodeRegistry;
  readonly events: QueueEventSink;
  /** The context backing for one item's nodes (its owner's images, the worker's models). */
  readonly hostFor: (item: RunnableItem) => RunHost;
  readonly workerName: string;
  /** This life of the worker (the broker's instance id, new at every start); a fresh id when not given. */
  readonly instanceId?: string;
  readonly maxAttempts?: number;
  /** Incarnations of the workers up now (broker instance ids): an item in progress on one of them is not taken from it. */
  readonly liveInstances?: () => readonly string[];
  /**
   * Undoes what earlier attempts of the item's run left (the images they saved), before a new
   * attempt of an item whose last one did not finish runs: a retried item's effects happen once.
   */
  readonly discardEarlierAttempts?: (item: ClaimedItem) => Promise<unknown>;
  /** This worker's invocation cache: a step with the same inputs as before reuses its outputs. */
  readonly cache?: InvocationCache;
}

/** Items of a chunk claimed in one statement at most. */
const MAX_CLAIM_AHEAD = 16;
/** Interrupts remembered for items not running here (yet). */
const MAX_CANCELED_AHEAD = 1000;
/** A window of items must take under this share of the chunk's budget for the next to be larger. */
const CLAIM_AHEAD_SHARE = 20;

/** Batch graphs a worker keeps: one batch's items share their graph, so it is read once. */
const GRAPH_CACHE_SIZE = 64;

export class SessionRunner {
  private readonly running = new Map<string, AbortController>();
  /** When items not running here were interrupted: one claimed ahead in a chunk before that is skipped. */
  private readonly canceledAhead = new Map<string, number>();
  private readonly graphs = new LRUCache<string, Graph>({ max: GRAPH_CACHE_SIZE });
  /** Claims and finishes of the items running here, sharing round trips. */
  private readonly writes: ItemWriteBatcher;
  readonly incarnation: WorkerIncarnation;

  constructor(private readonly options: SessionRunnerOptions) {
    this.incarnation = { nodeId: options.workerName, instanceId: options.instanceId ?? randomUUID() };
    this.writes = new ItemWriteBatcher({
      store: options.store,
      worker: this.incarnation,
      liveInstances: () => options.liveInstances?.() ?? [],
      knownBatches: () => [...this.graphs.keys()],
    });
  }

  /** Items running here now. */
  get active(): readonly string[] {
    return [...this.running.keys()];
  }

  /** Stops an item running here, between nodes (long nodes see the signal too), or one claimed ahead before it starts. */
  interrupt(itemId: string): void {
    const running = this.running.get(itemId);
    if (running) return running.abort();
    this.canceledAhead.set(itemId, performance.now());
    // Remembered for items claimed ahead; most interrupts name items running elsewhere.
    if (this.canceledAhead.size > MAX_CANCELED_AHEAD) this.canceledAhead.delete(this.canceledAhead.keys().next().value!);
  }

  /**
   * Items this worker's node id held in an earlier life (it was killed and came back under the same
   * name): nothing runs them now, so they are handed out again.
   */
  heldInFormerLives(): Promise<UnfinishedItem[]> {
    return this.options.store.heldInFormerLives(this.incarnation);
  }

  /**
   * Runs the item of a job. `later` when another live worker incarnation runs it: that one may be
   * alive, or dead and not yet noticed, so the job comes back and takes the item once that
   * incarnation is gone, or finds it done.
   */
  async process(itemId: string): Promise<JobOutcome> {
    // A second job for an item (routed to this worker and requeued to the pool after a restart, say).
    if (this.running.has(itemId)) return 'done';
    const claimed = await this.writes.claim(itemId);
    if (!claimed) return this.refused(itemId);
    await (await this.start(claimed)).recorded;
    return 'done';
  }

  /**
   * Runs a chunk's items (consecutive items of one batch) in order, until `budgetMs` has passed;
   * returns those that were busy on a live worker (`later`) and those not started (`unstarted`).
   * While items prove quick, the next ones are claimed ahead, several in one statement, and each
   * item's end is recorded in the statement that claims the next: a chunk of cheap items costs a
   * few round trips, not two per item. Every item started is recorded before this resolves.
   */
  async processChunk(itemIds: readonly string[], budgetMs: number): Promise<{ later: string[]; unstarted: string[] }> {
    const began = performance.now();
    const later: string[] = [];
    const recorded: Promise<void>[] = [];
    let window = 1;
    let next = 0;
    // Claimed in this window and not started yet: released if the chunk stops short.
    const waiting = new Set<string>();
    try {
      while (next < itemIds.length && (next === 0 || performance.now() - began < budgetMs)) {
        const ids = itemIds.slice(next, next + window);
        next += ids.length;
        const windowBegan = performance.now();
        const claims = ids.map((id) => (this.running.has(id) ? Promise.resolve(undefined) : this.writes.claim(id)));
        for (const [index, id] of ids.entries()) {
          const claimed = await claims[index]!;
          if (!claimed) {
            if (!this.running.has(id) && (await this.refused(id)) === 'later') later.push(id);
            continue;
          }
          for (const ahead of ids.slice(index + 1)) waiting.add(ahead);
          waiting.delete(id);
          // Canceled after its claim, before its turn: the cancel already ended it.
          const canceledAt = this.canceledAhead.get(id);
          this.canceledAhead.delete(id);
          if (canceledAt !== undefined && canceledAt >= windowBegan) continue;
          recorded.push((await this.start(claimed)).recorded);
        }
        waiting.clear();
        // Claim more at once only while a whole window of items takes a small part of the budget.
        window = performance.now() - windowBegan < budgetMs / CLAIM_AHEAD_SHARE ? Math.min(window * 2, MAX_CLAIM_AHEAD) : 1;
      }
    } catch (error) {
      // Items claimed ahead that will not run now go back to pending for the job's retry.
      await Promise.all([...waiting].map((id) => this.options.store.release(id, this.incarnation).catch(() => undefined)));
      throw error;
    } finally {
      await Promise.allSettled(recorded);
    }
    // A failure to record any of them fails the job (retried: the ones recorded are not run again).
    for (const result of await Promise.allSettled(recorded)) if (result.status === 'rejected') throw result.reason;
    return { later, unstarted: itemIds.slice(next) };
  }

  /** An item whose claim was refused: `later` when another live incarnation runs it, else `done` (canceled or finished meanwhile). */
  private async refused(itemId: string): Promise<JobOutcome> {
    const live = (this.options.liveInstances?.() ?? []).filter((id) => id !== this.incarnation.instanceId);
    const state = await this.options.store.itemState(itemId);
    const busy = state?.status === 'in_progress' && state.workerInstance !== null && live.includes(state.workerInstance);
    return busy ? 'later' : 'done';
  }

  /**
   * Runs a claimed item; resolves once its graph ran, with `recorded`, which resolves once its end
   * is stored. If it cannot be run or recorded (the database went away, say), holding it while
   * nothing runs it would keep every other worker away: it goes back to pending for the job's retry.
   */
  private async start(claimed: ClaimedItem): Promise<{ recorded: Promise<void> }> {
    const { store } = this.options;
    // Marked at once, so a second job for it reaching this worker meanwhile does not claim it too.
    const controller = new AbortController();
    this.running.set(claimed.id, controller);
    const failed = async (error: unknown): Promise<never> => {
      this.running.delete(claimed.id);
      await store.release(claimed.id, this.incarnation).catch(() => undefined);
      throw error;
    };
    try {
      const { recorded } = await this.run(claimed, controller.signal);
      return { recorded: recorded.then(() => void this.running.delete(claimed.id), failed) };
    } catch (error) {
      return failed(error);
    }
  }

  /** Runs the item's graph; `recorded` resolves once how it ended is stored and announced. */
  private async run(claimed: ClaimedItem, signal: AbortSignal): Promise<{ recorded: Promise<void> }> {
    const { store, events } = this.options;
    if (claimed.attempts > 1) await this.options.discardEarlierAttempts?.(claimed);
    const item: RunnableItem = { ...claimed, graph: await this.graphOf(claimed) };
    const ref = { queueId: item.queueId, itemId: item.id, batchId: item.batchId };
    const maxAttempts = this.options.maxAttempts ?? 3;
    if (item.attempts > maxAttempts) {
      const error: ErrorInfo = {
        code: 'worker_lost',
        kind: 'transient',
        message: `The item was interrupted ${maxAttempts === 1 ? 'once' : `${maxAttempts} times`} (its worker stopped or was killed); it was not run again`,
      };
      const recorded = this.writes.finish({ itemId: item.id, status: 'failed', outcome: { error } }).then((finished) => {
        if (finished) events.emit(item.ownerId, 'queue_item_status_changed', { ...ref, status: 'failed', error });
      });
      return { recorded };
    }
    events.emit(item.ownerId, 'queue_item_status_changed', { ...ref, status: 'in_progress' });

    let status: 'completed' | 'failed' | 'canceled';
    let outcome: { results?: unknown; error?: ErrorInfo; acceleratorSeconds?: number };
    // Time of the steps whose nodes need a GPU: what billing charges (1 credit = 1 GPU-second).
    let gpuMs = 0;
    const host = this.options.hostFor(item);
    try {
      const graph = applyFieldValues(item.graph, item.fieldValues);
      const result = await runGraph(graph, {
        registry: this.options.registry,
        host,
        sessionId: item.id,
        signal,
        ...(this.options.cache ? { cache: ownerInvocationCache(this.options.cache, item.ownerId) } : {}),
        onEvent: (event) => {
          if (event.name === 'invocation_complete' && this.needsGpu(event.payload.type, event.payload.version)) gpuMs += event.payload.durationMs;
          // A step's event is built only for an owner someone watches: a graph of thousands of steps run by an API client makes no garbage.
          if (events.wants?.(item.ownerId, event.name) ?? true) events.emit(item.ownerId, event.name, { ...ref, ...event.payload } as never);
        },
      });
      status = result.status;
      const sources = new Set(graph.edges.map((edge) => edge.source.nodeId));
      const leaves = graph.nodes.filter((node) => !sources.has(node.id));
      outcome = {
        results: { outputs: Object.fromEntries(leaves.map((node) => [node.id, result.outputsOf(node.id)])) },
        ...(result.error ? { error: result.error } : {}),
      };
    } catch (error) {
      // The graph no longer validates (a pack was unloaded since it was queued), or a bug.
      status = 'failed';
      outcome = { error: toErrorInfo(error) };
    }
    // Outside the try: failing to record them is the platform's fault, retried, not the graph's.
    if (outcome.results !== undefined) await host.settle?.(outcome.results);
    const acceleratorSeconds = gpuMs / 1000;
    const recorded = this.writes.finish({ itemId: item.id, status, outcome: { ...outcome, acceleratorSeconds } }).then(async (finished) => {
      if (finished) {
        events.emit(item.ownerId, 'queue_item_status_changed', { ...ref, status, ...(outcome.error ? { error: outcome.error } : {}) });
      } else if (acceleratorSeconds > 0) {
        // Canceled while it ran: the GPU time it used still counts.
        await store.recordAcceleratorSeconds(item.id, acceleratorSeconds);
      }
    });
    return { recorded };
  }

  private needsGpu(type: string, version: string): boolean {
    const found = this.options.registry.lookup(type, version);
    return found.ok && found.definition.needs.gpu;
  }

  /** The item's batch graph: from the claim, from this worker's cache, or read (a claim that raced a cache eviction). */
  private async graphOf(item: ClaimedItem): Promise<Graph> {
    const graph = item.graph ?? this.graphs.get(item.batchId) ?? (await this.options.store.batchGraph(item.batchId));
    if (!graph) throw new PinkseaError('batch_not_found', `The batch ${item.batchId} of a claimed item is gone`, 'transient');
    this.graphs.set(item.batchId, graph);
    return graph;
  }
}
