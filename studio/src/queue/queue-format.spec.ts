import type { QueueItemView } from '../core/api-types';
import { canCancel, canRetry, formatDuration, itemTiming, withStatus } from './queue-format';

/** A pending queue item as the API sends it, for specs to override what they test. */
export function queueItem(id: string, batchId: string): QueueItemView {
  return {
    id,
    batchId,
    ownerId: 'user-1',
    queueId: 'default',
    status: 'pending',
    priority: 0,
    fieldValues: [],
    results: null,
    error: null,
    attempts: 0,
    worker: null,
    pool: 'basic',
    acceleratorSeconds: 0,
    createdAt: new Date().toISOString(),
    startedAt: null,
    completedAt: null,
  };
}

describe('queue formatting', () => {
  it('formats durations for people', () => {
    expect(formatDuration(420)).toBe('0.4 s');
    expect(formatDuration(12_300)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(-1)).toBe('–');
  });

  it('says how long an item waited or ran', () => {
    const base = { createdAt: '2026-01-01T00:00:00Z', startedAt: null, completedAt: null };
    const now = Date.parse('2026-01-01T00:00:05Z');
    expect(itemTiming({ ...base, status: 'pending' }, now)).toBe('waiting 5.0 s');
    expect(itemTiming({ ...base, status: 'completed', startedAt: '2026-01-01T00:00:01Z', completedAt: '2026-01-01T00:00:03Z' }, now)).toBe('ran 2.0 s');
    expect(itemTiming({ ...base, status: 'in_progress', startedAt: '2026-01-01T00:00:04Z' }, now)).toBe('running 1.0 s');
  });

  it('offers cancel while an item can still stop, and retry once it has', () => {
    expect(canCancel('pending')).toBeTrue();
    expect(canCancel('completed')).toBeFalse();
    expect(canRetry('failed')).toBeTrue();
    expect(canRetry('in_progress')).toBeFalse();
  });

  it('applies a status event to the one item it names', () => {
    const item = queueItem('1', 'b');
    expect(withStatus([item], '1', 'canceled')?.[0]?.status).toBe('canceled');
    expect(withStatus([item], '2', 'canceled')).toBeNull();
  });
});
