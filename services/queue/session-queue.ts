/**
 * The session queue, after InvokeAI's: a batch (graph, data, runs) becomes one queue item per
 * session, stored in PostgreSQL and handed to workers through the job transport with a priority
 * that keeps dequeueing fair across users. Items go to the pool of their owner's plan, and to the
 * worker of that pool that already holds their models when there is one with room (item-router).
 * Cancel, retry, prune and counts work on one owner's items only.
 */
import { expandBatch, type Batch } from '../../engine/batch/expand-batch';
import { validateBatch } from '../../engine/batch/validate-batch';
import type { GraphLimits } from '../../engine/graph/graph-shape';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { NotFoundError } from '../kernel/service-errors';
import { ItemRouter, type WorkerView } from './item-router';
import { chunkItems, jobPriority, type ItemJob, type JobTransport } from './job-transport';
import type { QueueEventSink } from './queue-events';
import type { ItemFilter, ItemSelection, Page, QueueItem, QueueStore, StatusCounts, UnfinishedItem } from './queue-store';
import type { EnqueueResult } from './queue-views';

export interface EnqueueInput {
  readonly batch: Batch;
  readonly priority?: number;
  readonly origin?: string;
  /** Record every working image of its runs, for a client that shows each step's output; only results' images otherwise. */
  readonly keepIntermediates?: boolean;
  readonly destination?: string;
}

export interface SessionQueueOptions {
  readonly store: QueueStore;
  readonly transport: JobTransport;
  readonly registry: NodeRegistry;
  readonly events: QueueEventSink;
  readonly maxBatchItems: number;
  /** Most nodes and edges an enqueued graph may have. */
  readonly graphLimits?: GraphLimits;
  /** Tells the workers to stop items that were running when they were canceled. */
  readonly interrupt: (itemIds: readonly string[]) => void;
  /** The worker pool of an owner's plan; the basic pool when not given. */
  readonly poolOf?: (ownerId: string, plan?: string) => Promise<string>;
  /** The workers up now, with the models they hold: given, items are routed to holders. */
  readonly workers?: () => readonly WorkerView[];
}

export class SessionQueue {
  private readonly router: ItemRouter;

  constructor(private readonly options: SessionQueueOptions) {
    this.router = new ItemRouter({ transport: options.transport, registry: options.registry, ...(options.workers ? { workers: options.workers } : {}) });
  }

  /** `plan` is the owner's plan when the caller already knows it (the authenticated request), saving a lookup. */
  async enqueueBatch(ownerId: string, queueId: string, input: EnqueueInput, plan?: string): Promise<EnqueueResult> {
    const { store, transport, registry, events, maxBatchItems, graphLimits } = this.options;
    validateBatch(input.batch, registry, { ...graphLimits, maxItems: maxBatchItems });
    const sessions = [...expandBatch(input.batch)];
    const priority = input.priority ?? 0;
    const pool = (await this.options.poolOf?.(ownerId, plan)) ?? 'basic';
    // Routing needs no ids: it asks the job transport for the holders' backlogs while the batch is stored.
    const [{ batchId, itemIds, rank }, queues] = await Promise.all([
      store.createBatch(
        {
          ownerId,
          queueId,
          graph: input.batch.graph,
          data: input.batch.data ?? null,
          runs: input.batch.runs ?? 1,
          priority,
          origin: input.origin ?? null,
          keepIntermediates: input.keepIntermediates ?? false,
          destination: input.destination ?? null,
          pool,
        },
        sessions,
      ),
      this.router.queuesFor(pool, input.batch.graph, sessions),
    ]);
    await transport.add(jobsOf(itemIds, queues, (index) => jobPriority(priority, rank + index)));
    events.emit(ownerId, 'batch_enqueued', { queueId, batchId, enqueued: itemIds.length, priority });
    return { queueId, batchId, enqueued: itemIds.length, priority, itemIds };
  }

  list(ownerId: string, queueId: string, filter: ItemFilter, limit: number, offset: number): Promise<Page<QueueItem>> {
    return this.options.store.listItems(ownerId, queueId, filter, limit, offset);
  }

  async get(ownerId: string, itemId: string): Promise<QueueItem> {
    const item = await this.options.store.getItem(ownerId, itemId);
    if (!item) throw new NotFoundError('queue item', itemId);
    return item;
  }

  counts(ownerId: string, queueId: string, batchId?: string): Promise<StatusCounts> {
    return this.options.store.statusCounts(ownerId, queueId, batchId);
  }

  async cancel(ownerId: string, queueId: string, selection: ItemSelection): Promise<{ canceled: number }> {
    if (selection.kind === 'item') await this.get(ownerId, selection.itemId);
    const canceled = await this.options.store.cancel(ownerId, queueId, selection);
    // Nothing canceled: a batch of the caller's that has finished, or none of theirs (404, as for an item).
    if (selection.kind === 'batch' && canceled.length === 0 && (await this.options.store.statusCounts(ownerId, queueId, selection.batchId)).total === 0) {
      throw new NotFoundError('batch', selection.batchId);
    }
    const running = canceled.filter((item) => item.wasRunning).map((item) => item.id);
    if (running.length > 0) this.options.interrupt(running);
    for (const item of canceled) {
      this.options.events.emit(ownerId, 'queue_item_status_changed', { queueId, itemId: item.id, batchId: item.batchId, status: 'canceled' });
    }
    return { canceled: canceled.length };
  }

  async retry(ownerId: string, queueId: string, itemIds: readonly string[]): Promise<{ retried: string[] }> {
    const { store, transport, events } = this.options;
    const items = await store.retry(ownerId, queueId, itemIds);
    const rank = (await store.pendingCount(ownerId, queueId)) - items.length;
    await transport.add(items.map((item, index) => ({ itemIds: [item.id], priority: jobPriority(item.priority, rank + index), queue: transport.poolQueue(item.pool) })));
    for (const item of items) events.emit(ownerId, 'queue_item_status_changed', { queueId, itemId: item.id, batchId: item.batchId, status: 'pending' });
    return { retried: items.map((item) => item.id) };
  }

  /**
   * Hands every pending item to the job transport again, fairly ranked per owner. Safe to repeat:
   * an item that still has a job is not added twice. Run at start-up, so work enqueued just
   * before a crash is not lost.
   */
  async requeuePending(): Promise<number> {
    return this.requeue(await this.options.store.pendingItems());
  }

  /**
   * Hands items whose worker is gone (in progress on none of `liveWorkers` for `idleMs`) to their
   * pool again: a safety net for a worker that died with items on its own queue while no api node
   * saw it leave. A worker that is in fact alive keeps its item (the claim refuses the copy).
   */
  async requeueOrphans(liveWorkers: readonly string[], idleMs: number): Promise<number> {
    return this.requeue(await this.options.store.orphanedItems(liveWorkers, idleMs));
  }

  /** A worker left: the items routed to it go back to its pool's queue. */
  releaseWorkerQueue(nodeId: string, pool: string): Promise<number> {
    const { transport } = this.options;
    return transport.moveJobs(transport.workerQueue(nodeId), transport.poolQueue(pool));
  }

  private async requeue(items: readonly UnfinishedItem[]): Promise<number> {
    const { transport } = this.options;
    const ranks = new Map<string, number>();
    const jobs = items.map((item) => {
      const key = `${item.ownerId}/${item.queueId}`;
      const rank = ranks.get(key) ?? 0;
      ranks.set(key, rank + 1);
      return { itemIds: [item.id], priority: jobPriority(item.priority, rank), queue: transport.poolQueue(item.pool) };
    });
    await transport.add(jobs);
    return jobs.length;
  }

  async prune(ownerId: string, queueId: string): Promise<{ deleted: number }> {
    return { deleted: await this.options.store.prune(ownerId, queueId) };
  }
}

/**
 * A batch's items as jobs: chunks of consecutive items (chunkItems), cut where the queue changes
 * (an item routed to a worker's own queue), each with the priority of its first item's rank.
 */
function jobsOf(itemIds: readonly string[], queues: readonly string[], priorityAt: (index: number) => number): ItemJob[] {
  const jobs: ItemJob[] = [];
  for (const { start, length } of chunkItems(itemIds.length)) {
    let from = start;
    for (let index = start + 1; index <= start + length; index++) {
      if (index < start + length && queues[index] === queues[from]) continue;
      jobs.push({ itemIds: itemIds.slice(from, index), priority: priorityAt(from), queue: queues[from]! });
      from = index;
    }
  }
  return jobs;
}
