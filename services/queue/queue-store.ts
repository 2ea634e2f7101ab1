/**
 * What the session queue keeps in PostgreSQL, by use case. PostgreSQL is the source of truth for
 * every item's status; the job queue only carries item ids to workers.
 */
import type { ErrorInfo } from '../../engine/errors';
import type { FieldValue } from '../../engine/batch/expand-batch';
import type { Graph } from '../../engine/graph/graph';

/** Item ids are bigserial numbers; anything else names no item (and must not reach the SQL cast). */
export const ITEM_ID_PATTERN = /^\d{1,18}$/;

export const ITEM_STATUSES = ['pending', 'in_progress', 'completed', 'failed', 'canceled'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface NewBatch {
  readonly ownerId: string;
  readonly queueId: string;
  readonly graph: Graph;
  readonly data: unknown;
  readonly runs: number;
  readonly priority: number;
  readonly origin: string | null;
  readonly destination: string | null;
  /** The worker pool its owner's plan runs on. */
  readonly pool: string;
  /** Whether its runs record every working image (the studio's editor shows them), not only results. */
  readonly keepIntermediates: boolean;
}

export interface QueueItem {
  readonly id: string;
  readonly batchId: string;
  readonly ownerId: string;
  readonly queueId: string;
  readonly status: ItemStatus;
  readonly priority: number;
  readonly fieldValues: readonly FieldValue[];
  readonly results: unknown;
  readonly error: ErrorInfo | null;
  readonly attempts: number;
  readonly worker: string | null;
  /** The worker pool that runs it. */
  readonly pool: string;
  /** Seconds the item's GPU-needing steps ran (its last attempt), for billing. */
  readonly acceleratorSeconds: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** An item a worker has taken, with its batch's routing. */
export interface ClaimedItem extends QueueItem {
  readonly origin: string | null;
  readonly destination: string | null;
  /** The batch's graph, unless the claim named the batch as one the worker already holds. */
  readonly graph?: Graph;
  /** Whether its run records every working image, or keeps them in memory and records only those its results name. */
  readonly keepIntermediates: boolean;
}

/** An item with what a worker needs to run it. */
export interface RunnableItem extends ClaimedItem {
  readonly graph: Graph;
}

export interface ItemFilter {
  readonly status?: ItemStatus;
  readonly batchId?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** Which items a cancel, retry or clear applies to; always within one owner's queue. */
export type ItemSelection =
  | { readonly kind: 'item'; readonly itemId: string }
  | { readonly kind: 'batch'; readonly batchId: string }
  | { readonly kind: 'all' };

/**
 * One life of a worker process: its node id, which a restart keeps, and its broker's instance id,
 * new at every start. An item belongs to the incarnation that claimed it; once that incarnation
 * is gone, the item is free, even if the same node id is back.
 */
export interface WorkerIncarnation {
  readonly nodeId: string;
  readonly instanceId: string;
}

/** A stored batch: its items in order, and how many of the owner's items were pending before it. */
export interface CreatedBatch {
  readonly batchId: string;
  readonly itemIds: string[];
  readonly rank: number;
}

/** What the job transport needs to hand an item to a worker again. */
export interface UnfinishedItem {
  readonly id: string;
  readonly ownerId: string;
  readonly queueId: string;
  readonly priority: number;
  readonly pool: string;
}

/** How an item ended, as a worker records it. */
export interface ItemFinish {
  readonly itemId: string;
  readonly status: 'completed' | 'failed' | 'canceled';
  readonly outcome: { readonly results?: unknown; readonly error?: ErrorInfo; readonly acceleratorSeconds?: number };
}

/** Claims and finishes a worker sends in one round trip, and what became of them. */
export interface ItemWrites {
  readonly claims: readonly string[];
  readonly finishes: readonly ItemFinish[];
}

export interface ItemWriteResults {
  /** The items claimed, by id; a claim refused (canceled, done, busy on a live worker) is absent. */
  readonly claimed: ReadonlyMap<string, ClaimedItem>;
  /** The items finished; a finish of an item no longer in progress (canceled meanwhile) is absent. */
  readonly finished: ReadonlySet<string>;
}

export type StatusCounts = Readonly<Record<ItemStatus, number>> & { readonly total: number };

export interface QueueStore {
  /** Stores a batch and its items in one transaction; ids in expansion order. */
  createBatch(batch: NewBatch, sessions: readonly (readonly FieldValue[])[]): Promise<CreatedBatch>;
  /** How many items of the owner wait in this queue: the rank new items start after. */
  pendingCount(ownerId: string, queueId: string): Promise<number>;
  getItem(ownerId: string, itemId: string): Promise<QueueItem | undefined>;
  listItems(ownerId: string, queueId: string, filter: ItemFilter, limit: number, offset: number): Promise<Page<QueueItem>>;
  statusCounts(ownerId: string, queueId: string, batchId?: string): Promise<StatusCounts>;
  /**
   * Takes an item for a worker incarnation: pending (or in progress on an incarnation that is gone)
   * becomes in_progress with one more attempt; `startedAt` stays that of the run's first attempt.
   * Undefined when it is not runnable any more (canceled, done) or runs on one of `liveInstances`
   * (broker instance ids: another job for it reached this worker).
   */
  claim(itemId: string, worker: WorkerIncarnation, liveInstances?: readonly string[], knownBatches?: readonly string[]): Promise<ClaimedItem | undefined>;
  /**
   * Several claims (as `claim`) and finishes (as `finish`) in one statement: a busy worker's
   * items share their round trips. The claims and finishes name distinct items.
   */
  writeItems(writes: ItemWrites, worker: WorkerIncarnation, liveInstances?: readonly string[], knownBatches?: readonly string[]): Promise<ItemWriteResults>;
  /** Status, worker and worker incarnation of an item, whoever owns it (for workers). */
  itemState(itemId: string): Promise<{ status: ItemStatus; worker: string | null; workerInstance: string | null } | undefined>;
  /** Puts an item this incarnation took but could not run or record back to pending; whether it did. */
  release(itemId: string, worker: WorkerIncarnation): Promise<boolean>;
  /** Items in progress on this node id under another incarnation: a restarted worker's former life. */
  heldInFormerLives(worker: WorkerIncarnation): Promise<UnfinishedItem[]>;
  /** The graph of a batch (the same for all its items, so workers may keep it). */
  batchGraph(batchId: string): Promise<Graph | undefined>;
  /** Ends an in-progress item; false when it was no longer in progress (e.g. canceled meanwhile). */
  finish(
    itemId: string,
    status: 'completed' | 'failed' | 'canceled',
    outcome: { results?: unknown; error?: ErrorInfo; acceleratorSeconds?: number },
  ): Promise<boolean>;
  /** Records the GPU time of an item canceled while it ran (its finish no longer applies). */
  recordAcceleratorSeconds(itemId: string, seconds: number): Promise<void>;
  /** Cancels the selected items that have not finished; returns them with their former status. */
  cancel(ownerId: string, queueId: string, selection: ItemSelection): Promise<{ id: string; batchId: string; wasRunning: boolean }[]>;
  /** Puts failed or canceled items back to pending; returns them. */
  retry(ownerId: string, queueId: string, itemIds: readonly string[]): Promise<QueueItem[]>;
  /** Every pending item, oldest first, to hand to the job transport again after a restart. */
  pendingItems(queueId?: string): Promise<UnfinishedItem[]>;
  /** Items in progress on none of `liveInstances` for at least `idleMs`: their worker incarnation is gone. */
  orphanedItems(liveInstances: readonly string[], idleMs: number): Promise<UnfinishedItem[]>;
  /** Deletes the owner's finished items (completed, failed, canceled); returns how many. */
  prune(ownerId: string, queueId: string): Promise<number>;
}
