/**
 * The session queue in PostgreSQL, through TypeORM's connection. Status changes are single
 * conditional UPDATEs, so two workers or a worker and a cancel never both win.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { ErrorInfo } from '../../engine/errors';
import type { FieldValue } from '../../engine/batch/expand-batch';
import type { Graph } from '../../engine/graph/graph';
import {
  ITEM_ID_PATTERN,
  ITEM_STATUSES,
  type ItemFilter,
  type ItemSelection,
  type NewBatch,
  type Page,
  type QueueItem,
  type QueueStore,
  type ClaimedItem,
  type CreatedBatch,
  type ItemWriteResults,
  type ItemWrites,
  type StatusCounts,
  type UnfinishedItem,
  type WorkerIncarnation,
} from './queue-store';

const ITEM_COLUMNS = `i.id, i.batch_id, i.owner_id, i.queue_id, i.status, i.priority, i.field_values, i.results, i.error,
  i.attempts, i.worker, i.pool, i.accelerator_seconds, i.created_at, i.started_at, i.completed_at`;

/**
 * Finishes, then claims, in one statement. Finishing needs the item in progress (a cancel
 * meanwhile wins). A claim takes a pending item, or one in progress on an incarnation that is
 * gone; started_at is kept across attempts (retry() clears it): it marks the start of the run,
 * whose earlier attempts' images a new attempt discards. A claimed item's batch graph comes back
 * too, unless the worker already holds it. One row per claimed item (or one row of nulls), each
 * carrying the ids finished.
 */
const WRITE_ITEMS_SQL = `
  WITH finished AS (
    UPDATE queue_items i SET status = f.status, results = f.results, error = f.error, accelerator_seconds = f.seconds,
      completed_at = now(), updated_at = now()
    FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::jsonb[], $5::float8[]) AS f(id, status, results, error, seconds)
    WHERE i.id = f.id AND i.status = 'in_progress'
    RETURNING i.id
  ), claimed AS (
    UPDATE queue_items i SET status = 'in_progress', attempts = i.attempts + 1, worker = $7, worker_instance = $8,
      started_at = coalesce(i.started_at, now()), updated_at = now()
    FROM queue_batches b
    WHERE i.id = ANY($6::bigint[]) AND b.id = i.batch_id
      AND (i.status = 'pending' OR (i.status = 'in_progress' AND NOT (coalesce(i.worker_instance, '') = ANY($9::text[]))))
    RETURNING ${ITEM_COLUMNS}, b.origin, b.destination, b.keep_intermediates,
      CASE WHEN b.id::text = ANY($10::text[]) THEN NULL ELSE b.graph END AS graph
  )
  SELECT c.*, f.ids AS finished_ids FROM (SELECT coalesce(array_agg(id), '{}') AS ids FROM finished) f LEFT JOIN claimed c ON true`;

interface ItemRow {
  id: string;
  batch_id: string;
  owner_id: string;
  queue_id: string;
  status: QueueItem['status'];
  priority: number;
  field_values: FieldValue[];
  results: unknown;
  error: ErrorInfo | null;
  attempts: number;
  worker: string | null;
  pool: string;
  accelerator_seconds: number;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  origin?: string | null;
  destination?: string | null;
  graph?: Graph | null;
  keep_intermediates?: boolean;
}

export class QueueRepository implements QueueStore {
  constructor(private readonly dataSource: DataSource) {}

  async createBatch(batch: NewBatch, sessions: readonly (readonly FieldValue[])[]): Promise<CreatedBatch> {
    // One statement (one round trip, atomic without a transaction): the owner's pending count
    // before it (the fairness rank of its first item), the batch and its items.
    const [row] = (await this.dataSource.query(
      `WITH pending AS (
         SELECT count(*)::int AS count FROM queue_items WHERE owner_id = $1 AND queue_id = $2 AND status = 'pending'
       ), batch AS (
         INSERT INTO queue_batches (owner_id, queue_id, graph, data, runs, priority, origin, destination, item_count, keep_intermediates)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $12) RETURNING id
       ), items AS (
         INSERT INTO queue_items (batch_id, owner_id, queue_id, priority, pool, field_values)
         SELECT batch.id, $1, $2, $6, $10, t.values FROM batch, unnest($11::jsonb[]) WITH ORDINALITY AS t(values, n) ORDER BY n
         RETURNING id
       )
       SELECT (SELECT id FROM batch) AS batch_id, (SELECT count FROM pending) AS rank,
              coalesce((SELECT array_agg(id ORDER BY id) FROM items), '{}') AS item_ids`,
      [
        batch.ownerId,
        batch.queueId,
        JSON.stringify(batch.graph),
        JSON.stringify(batch.data ?? null),
        batch.runs,
        batch.priority,
        batch.origin,
        batch.destination,
        sessions.length,
        batch.pool,
        sessions.map((values) => JSON.stringify(values)),
        batch.keepIntermediates,
      ],
    )) as { batch_id: string; rank: number; item_ids: (string | number)[] }[];
    return { batchId: row!.batch_id, itemIds: row!.item_ids.map(String), rank: row!.rank };
  }

  async pendingCount(ownerId: string, queueId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM queue_items WHERE owner_id = $1 AND queue_id = $2 AND status = 'pending'`,
      [ownerId, queueId],
    )) as { count: number }[];
    return row!.count;
  }

  async getItem(ownerId: string, itemId: string): Promise<QueueItem | undefined> {
    if (!ITEM_ID_PATTERN.test(itemId)) return undefined;
    const rows = (await this.dataSource.query(`SELECT ${ITEM_COLUMNS} FROM queue_items i WHERE i.id = $1 AND i.owner_id = $2`, [itemId, ownerId])) as ItemRow[];
    return rows[0] && toItem(rows[0]);
  }

  async listItems(ownerId: string, queueId: string, filter: ItemFilter, limit: number, offset: number): Promise<Page<QueueItem>> {
    const where = ['i.owner_id = $1', 'i.queue_id = $2'];
    const params: unknown[] = [ownerId, queueId];
    if (filter.status) where.push(`i.status = $${params.push(filter.status)}`);
    if (filter.batchId) where.push(`i.batch_id = $${params.push(filter.batchId)}`);
    const rows = (await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS}, count(*) OVER ()::int AS total FROM queue_items i WHERE ${where.join(' AND ')}
       ORDER BY i.id LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`,
      params,
    )) as (ItemRow & { total: number })[];
    const total = rows[0]?.total ?? (offset > 0 ? await this.countWhere(where, params.slice(0, -2)) : 0);
    return { items: rows.map(toItem), total, limit, offset };
  }

  async statusCounts(ownerId: string, queueId: string, batchId?: string): Promise<StatusCounts> {
    const params: unknown[] = [ownerId, queueId];
    const batch = batchId ? ` AND batch_id = $${params.push(batchId)}` : '';
    const rows = (await this.dataSource.query(
      `SELECT status, count(*)::int AS count FROM queue_items WHERE owner_id = $1 AND queue_id = $2${batch} GROUP BY status`,
      params,
    )) as { status: QueueItem['status']; count: number }[];
    const counts = Object.fromEntries(ITEM_STATUSES.map((status) => [status, 0])) as Record<QueueItem['status'], number>;
    for (const row of rows) counts[row.status] = row.count;
    return { ...counts, total: rows.reduce((sum, row) => sum + row.count, 0) };
  }

  async claim(itemId: string, worker: WorkerIncarnation, liveInstances: readonly string[] = [], knownBatches: readonly string[] = []): Promise<ClaimedItem | undefined> {
    return (await this.writeItems({ claims: [itemId], finishes: [] }, worker, liveInstances, knownBatches)).claimed.get(itemId);
  }

  async writeItems(writes: ItemWrites, worker: WorkerIncarnation, liveInstances: readonly string[] = [], knownBatches: readonly string[] = []): Promise<ItemWriteResults> {
    const claims = writes.claims.filter((id) => ITEM_ID_PATTERN.test(id));
    const finishes = writes.finishes.filter((finish) => ITEM_ID_PATTERN.test(finish.itemId));
    if (claims.length === 0 && finishes.length === 0) return { claimed: new Map(), finished: new Set() };
    // A prepared statement through the pool TypeORM holds: a worker sends it for every item, so
    // PostgreSQL parses and plans it once per connection.
    const result = await this.pool().query<ItemRow & { finished_ids: string[] }>({
      name: 'queue-write-items',
      text: WRITE_ITEMS_SQL,
      values: [
        finishes.map((finish) => finish.itemId),
        finishes.map((finish) => finish.status),
        finishes.map((finish) => (finish.outcome.results === undefined ? null : JSON.stringify(finish.outcome.results))),
        finishes.map((finish) => (finish.outcome.error ? JSON.stringify(finish.outcome.error) : null)),
        finishes.map((finish) => finish.outcome.acceleratorSeconds ?? 0),
        claims,
        worker.nodeId,
        worker.instanceId,
        liveInstances,
        knownBatches,
      ],
    });
    const claimed = new Map<string, ClaimedItem>();
    for (const row of result.rows) {
      if (row.id === null) continue;
      claimed.set(String(row.id), {
        ...toItem(row),
        origin: row.origin ?? null,
        destination: row.destination ?? null,
        keepIntermediates: row.keep_intermediates ?? false,
        ...(row.graph ? { graph: row.graph } : {}),
      });
    }
    return { claimed, finished: new Set((result.rows[0]?.finished_ids ?? []).map(String)) };
  }

  async itemState(itemId: string): Promise<{ status: QueueItem['status']; worker: string | null; workerInstance: string | null } | undefined> {
    if (!ITEM_ID_PATTERN.test(itemId)) return undefined;
    const rows = (await this.dataSource.query(`SELECT status, worker, worker_instance FROM queue_items WHERE id = $1`, [itemId])) as {
      status: QueueItem['status'];
      worker: string | null;
      worker_instance: string | null;
    }[];
    return rows[0] && { status: rows[0].status, worker: rows[0].worker, workerInstance: rows[0].worker_instance };
  }

  async release(itemId: string, worker: WorkerIncarnation): Promise<boolean> {
    const rows = normalizeUpdate(
      await this.dataSource.query(
        `UPDATE queue_items SET status = 'pending', worker = NULL, worker_instance = NULL, updated_at = now()
         WHERE id = $1 AND status = 'in_progress' AND worker_instance = $2 RETURNING id`,
        [itemId, worker.instanceId],
      ),
    );
    return rows.length === 1;
  }

  async heldInFormerLives(worker: WorkerIncarnation): Promise<UnfinishedItem[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, owner_id, queue_id, priority, pool FROM queue_items
       WHERE status = 'in_progress' AND worker = $1 AND worker_instance IS DISTINCT FROM $2 ORDER BY id`,
      [worker.nodeId, worker.instanceId],
    )) as UnfinishedRow[];
    return rows.map(toUnfinished);
  }

  async batchGraph(batchId: string): Promise<Graph | undefined> {
    const rows = (await this.dataSource.query(`SELECT graph FROM queue_batches WHERE id = $1`, [batchId])) as { graph: Graph }[];
    return rows[0]?.graph;
  }

  async finish(
    itemId: string,
    status: 'completed' | 'failed' | 'canceled',
    outcome: { results?: unknown; error?: ErrorInfo; acceleratorSeconds?: number },
  ): Promise<boolean> {
    const { finished } = await this.writeItems({ claims: [], finishes: [{ itemId, status, outcome }] }, { nodeId: '', instanceId: '' });
    return finished.has(itemId);
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  async recordAcceleratorSeconds(itemId: string, seconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE queue_items SET accelerator_seconds = $2, updated_at = now() WHERE id = $1 AND status = 'canceled'`, [itemId, seconds]);
  }

  async cancel(ownerId: string, queueId: string, selection: ItemSelection): Promise<{ id: string; batchId: string; wasRunning: boolean }[]> {
    const params: unknown[] = [ownerId, queueId];
    const scope = selectionSql(selection, params);
    const rows = normalizeUpdate(
      await this.dataSource.query(
        `UPDATE queue_items i SET status = 'canceled', completed_at = now(), updated_at = now()
         FROM (SELECT id, status FROM queue_items WHERE owner_id = $1 AND queue_id = $2 AND status IN ('pending', 'in_progress')${scope} FOR UPDATE) before
         WHERE i.id = before.id RETURNING i.id, i.batch_id, before.status AS former`,
        params,
      ),
    ) as unknown as { id: string; batch_id: string; former: string }[];
    return rows.map((row) => ({ id: String(row.id), batchId: row.batch_id, wasRunning: row.former === 'in_progress' }));
  }

  async retry(ownerId: string, queueId: string, itemIds: readonly string[]): Promise<QueueItem[]> {
    const ids = itemIds.filter((id) => ITEM_ID_PATTERN.test(id));
    if (ids.length === 0) return [];
    const rows = normalizeUpdate(
      await this.dataSource.query(
        `UPDATE queue_items i SET status = 'pending', error = NULL, results = NULL, attempts = 0, worker = NULL,
           started_at = NULL, completed_at = NULL, updated_at = now()
         WHERE i.owner_id = $1 AND i.queue_id = $2 AND i.id = ANY($3::bigint[]) AND i.status IN ('failed', 'canceled')
         RETURNING ${ITEM_COLUMNS}`,
        [ownerId, queueId, ids],
      ),
    );
    return rows.map(toItem).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async pendingItems(queueId?: string): Promise<UnfinishedItem[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, owner_id, queue_id, priority, pool FROM queue_items WHERE status = 'pending'${queueId ? ' AND queue_id = $1' : ''} ORDER BY id`,
      queueId ? [queueId] : [],
    )) as UnfinishedRow[];
    return rows.map(toUnfinished);
  }

  async orphanedItems(liveInstances: readonly string[], idleMs: number): Promise<UnfinishedItem[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, owner_id, queue_id, priority, pool FROM queue_items
       WHERE status = 'in_progress' AND NOT (coalesce(worker_instance, '') = ANY($1::text[])) AND updated_at < now() - make_interval(secs => $2)
       ORDER BY id`,
      [liveInstances, idleMs / 1000],
    )) as UnfinishedRow[];
    return rows.map(toUnfinished);
  }

  async prune(ownerId: string, queueId: string): Promise<number> {
    const rows = normalizeUpdate(
      await this.dataSource.query(
        `DELETE FROM queue_items WHERE owner_id = $1 AND queue_id = $2 AND status IN ('completed', 'failed', 'canceled') RETURNING id`,
        [ownerId, queueId],
      ),
    );
    return rows.length;
  }

  private async countWhere(where: string[], params: unknown[]): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM queue_items i WHERE ${where.join(' AND ')}`, params)) as { total: number }[];
    return row!.total;
  }
}

function selectionSql(selection: ItemSelection, params: unknown[]): string {
  if (selection.kind === 'item') return ITEM_ID_PATTERN.test(selection.itemId) ? ` AND id = $${params.push(selection.itemId)}` : ' AND false';
  if (selection.kind === 'batch') return ` AND batch_id::text = $${params.push(selection.batchId)}`;
  return '';
}

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count] on PostgreSQL, SELECT with rows. */
function normalizeUpdate(result: unknown): ItemRow[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as ItemRow[];
  return result as ItemRow[];
}

interface UnfinishedRow {
  id: string;
  owner_id: string;
  queue_id: string;
  priority: number;
  pool: string;
}

function toUnfinished(row: UnfinishedRow): UnfinishedItem {
  return { id: String(row.id), ownerId: row.owner_id, queueId: row.queue_id, priority: row.priority, pool: row.pool };
}

function toItem(row: ItemRow): QueueItem {
  return {
    id: String(row.id),
    batchId: row.batch_id,
    ownerId: row.owner_id,
    queueId: row.queue_id,
    status: row.status,
    priority: row.priority,
    fieldValues: row.field_values,
    results: row.results,
    error: row.error,
    attempts: row.attempts,
    worker: row.worker,
    pool: row.pool,
    acceleratorSeconds: Number(row.accelerator_seconds ?? 0),
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    completedAt: row.completed_at?.toISOString() ?? null,
  };
}
