/**
 * What the queue's routes answer, as the studio and API clients read them. Types only, so the
 * studio imports them as they are (CONVENTIONS §17) without pulling in any server code.
 */
import type { QueueItem } from './queue-store';

export interface EnqueueResult {
  readonly queueId: string;
  readonly batchId: string;
  readonly enqueued: number;
  readonly priority: number;
  /** The items made, in order. */
  readonly itemIds: readonly string[];
}

/** An item as `GET /queue/:queueId/i/:itemId` and the lists show it: a pending one says why it waits. */
export type QueueItemView = QueueItem & { readonly waitingReason?: string };
