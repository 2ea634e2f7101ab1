import type { ItemStatus, QueueItemView } from '../core/api-types';

export const STATUS_LABELS: Readonly<Record<ItemStatus, string>> = {
  pending: 'Queued',
  in_progress: 'Running',
  completed: 'Done',
  failed: 'Failed',
  canceled: 'Canceled',
};

/** "0.4 s", "12 s", "3 min 5 s": how long an item waited or ran. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

/** The run time of a finished or running item, else how long it has been waiting. */
export function itemTiming(item: Pick<QueueItemView, 'createdAt' | 'startedAt' | 'completedAt' | 'status'>, now: number): string {
  const created = Date.parse(item.createdAt);
  if (!item.startedAt) return item.status === 'pending' ? `waiting ${formatDuration(now - created)}` : '–';
  const started = Date.parse(item.startedAt);
  const ended = item.completedAt ? Date.parse(item.completedAt) : now;
  return `${item.completedAt ? 'ran' : 'running'} ${formatDuration(ended - started)}`;
}

export function canCancel(status: ItemStatus): boolean {
  return status === 'pending' || status === 'in_progress';
}

export function canRetry(status: ItemStatus): boolean {
  return status === 'failed' || status === 'canceled';
}

/** A status event applied to the list: only the item's status (and error) change. */
export function withStatus(items: readonly QueueItemView[], itemId: string, status: ItemStatus, error?: QueueItemView['error']): QueueItemView[] | null {
  const index = items.findIndex((item) => item.id === itemId);
  if (index < 0) return null;
  const next = [...items];
  next[index] = { ...items[index]!, status, ...(error !== undefined ? { error } : {}) };
  return next;
}
