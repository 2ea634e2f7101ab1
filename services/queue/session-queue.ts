/**
 * The session queue, after InvokeAI's: a batch (graph, data, runs) becomes one queue item per
 * session, stored in PostgreSQL and handed to workers through the job transport with a priority
 * that keeps dequeueing fair across users. Cancel, retry, prune and counts work on one owner's
 * items only.
 */
import { applyFieldValues, checkBatch, expandBatch, type Batch } from '../../engine/batch/expand-batch';
import { prepareGraph } from '../../engine/graph/validate-graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { NotFoundError } from '../platform/service-errors';
import { jobPriority, type JobTransport } from './job-transport';
import type { QueueEventSink } from './queue-events';
import type { ItemFilter, ItemSelection, Page, QueueItem, QueueStore, StatusCounts } from './queue-store';

export interface EnqueueInput {
  readonly batch: Batch;
  readonly priority?: number;
  readonly origin?: string;
  readonly destination?: string;
}

export interface EnqueueResult {
  readonly queueId: string;
  readonly batchId: string;
  readonly enqueued: number;
  readonly priority: number;
}

export interface SessionQueueOptions {
  readonly store: QueueStore;
  readonly transport: JobTransport;
  readonly registry: NodeRegistry;
  readonly events: QueueEventSink;
  readonly maxBatchItems: number;
  /** Tells the workers to stop items that were running when they were canceled. */
  readonly interrupt: (itemIds: readonly string[]) => void;
}

export class SessionQueue {
  constructor(private readonly options: SessionQueueOptions) {}

  async enqueueBatch(ownerId: string, queueId: string, input: EnqueueInput): Promise<EnqueueResult> {
    const { store, transport, registry, events, maxBatchItems } = this.options;
    const prepared = prepareGraph(input.batch.graph, registry);
    checkBatch(input.batch, prepared, maxBatchItems);
    const sessions = [...expandBatch(input.batch)];
    // Field values must still make a valid graph (e.g. values within each input's bounds).
    if (sessions.length > 0) prepareGraph(applyFieldValues(input.batch.graph, sessions[0]!), registry);
    const priority = input.priority ?? 0;
    const rank = await store.pendingCount(ownerId, queueId);
    const { batchId, itemIds } = await store.createBatch(
      {
        ownerId,
        queueId,
        graph: input.batch.graph,
        data: input.batch.data ?? null,
        runs: input.batch.runs ?? 1,
        priority,
        origin: input.origin ?? null,
        destination: input.destination ?? null,
      },
      sessions,
    );
    await transport.add(itemIds.map((itemId, index) => ({ itemId, priority: jobPriority(priority, rank + index) })));
    events.emit(ownerId, 'batch_enqueued', { queueId, batchId, enqueued: itemIds.length, priority });
    return { queueId, batchId, enqueued: itemIds.length, priority };
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
    await transport.add(items.map((item, index) => ({ itemId: item.id, priority: jobPriority(item.priority, rank + index) })));
    for (const item of items) events.emit(ownerId, 'queue_item_status_changed', { queueId, itemId: item.id, batchId: item.batchId, status: 'pending' });
    return { retried: items.map((item) => item.id) };
  }

  /**
   * Hands every pending item to the job transport again, fairly ranked per owner. Safe to repeat:
   * an item that still has a job is not added twice. Run at start-up, so work enqueued just
   * before a crash is not lost.
   */
  async requeuePending(): Promise<number> {
    const pending = await this.options.store.pendingItems();
    const ranks = new Map<string, number>();
    const jobs = pending.map((item) => {
      const key = `${item.ownerId}/${item.queueId}`;
      const rank = ranks.get(key) ?? 0;
      ranks.set(key, rank + 1);
      return { itemId: item.id, priority: jobPriority(item.priority, rank) };
    });
    await this.options.transport.add(jobs);
    return jobs.length;
  }

  async prune(ownerId: string, queueId: string): Promise<{ deleted: number }> {
    return { deleted: await this.options.store.prune(ownerId, queueId) };
  }
}
