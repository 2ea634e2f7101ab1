/**
 * How many queue items there are in each status, across every owner and queue: one grouped count
 * at scrape time, so the gauges are never stale and the queue needs no bookkeeping for them.
 */
import type { DataSource } from 'typeorm';
import { ITEM_STATUSES, type ItemStatus } from '../queue/queue-store';

export type StatusTotals = Readonly<Record<ItemStatus, number>>;

export interface QueueStatusSource {
  countByStatus(): Promise<StatusTotals>;
}

export class QueueStatusRepository implements QueueStatusSource {
  constructor(private readonly dataSource: DataSource) {}

  async countByStatus(): Promise<StatusTotals> {
    const rows = (await this.dataSource.query(`SELECT status, count(*) AS count FROM queue_items GROUP BY status`)) as { status: string; count: string }[];
    const totals = Object.fromEntries(ITEM_STATUSES.map((status) => [status, 0])) as Record<ItemStatus, number>;
    for (const row of rows) {
      if ((ITEM_STATUSES as readonly string[]).includes(row.status)) totals[row.status as ItemStatus] = Number(row.count);
    }
    return totals;
  }
}
