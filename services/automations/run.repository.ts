/**
 * Automation runs in PostgreSQL: their records, written whole by the run writers (several a
 * statement), the history's reads, and what the scheduler sweeps (lost runs, queue runs to settle,
 * due retries, retention). Reads are scoped by owner; the sweeps read across owners, as the
 * scheduler must.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { ErrorInfo } from '../../engine/errors';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type { AutomationRun, AutomationRunSummary, RecentActivity, RunMode, RunNodeSummary, RunOutput, RunsPerDay, RunStatus, RunTrigger } from './automation-records';
import { RELAXED_IN_FLIGHT } from './run-writer';
import { poolOf, rowsOf } from './sql-pool';

/** A run as the writer sends it: every column, written whole (insert, or update of an open run). */
export interface RunWrite {
  readonly id: string;
  readonly automationId: string;
  readonly ownerId: string;
  readonly version: number | null;
  readonly trigger: RunTrigger;
  readonly triggerNode: string | null;
  readonly fireKey: string;
  readonly attempt: number;
  readonly retryOf: string | null;
  readonly status: RunStatus;
  readonly mode: RunMode;
  readonly input: unknown;
  readonly nodes: readonly RunNodeSummary[];
  readonly output: RunOutput | null;
  readonly error: ErrorInfo | null;
  readonly queueItemIds: readonly string[];
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly retryAt: Date | null;
  /** The broker node running it inline. */
  readonly runner: string | null;
}

export interface RunFilters {
  readonly automationId?: string;
  readonly status?: readonly RunStatus[];
  readonly trigger?: readonly RunTrigger[];
  readonly from?: Date;
  readonly to?: Date;
}

const RUN_SUMMARY_COLUMNS = `id, automation_id, version, trigger, fire_key, attempt, retry_of, status, mode, error, created_at, started_at, finished_at`;

/** A run's columns as the writers send them (one JSON array of records). */
const RUN_RECORD_COLUMNS = `id uuid, automation_id uuid, owner_id uuid, version integer, trigger text, trigger_node text, fire_key text, attempt integer,
  retry_of uuid, status text, mode text, input jsonb, nodes jsonb, output jsonb, error jsonb, queue_item_ids bigint[], created_at timestamptz,
  started_at timestamptz, finished_at timestamptz, retry_at timestamptz, runner text`;

export class RunRepository {
  /** Connections whose commits do not wait for the WAL to reach disk (see writeRuns). */
  private relaxed: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  private pool(): Pool {
    return poolOf(this.dataSource);
  }

  private query<T>(text: string, values: unknown[] = [], name?: string, pool = this.pool()): Promise<T[]> {
    return rowsOf<T>(pool, text, values, name);
  }

  /** Closes the connections of relaxed writes (the DataSource's own close with it). */
  async close(): Promise<void> {
    await this.relaxed?.end();
    this.relaxed = undefined;
  }

  private relaxedPool(): Pool {
    if (!this.relaxed) {
      const PoolClass = this.pool().constructor as new (options: object) => Pool;
      const { options } = this.pool() as Pool & { options: Record<string, unknown> };
      this.relaxed = new PoolClass({ ...options, max: RELAXED_IN_FLIGHT, idleTimeoutMillis: 10_000, allowExitOnIdle: true, options: '-c synchronous_commit=off' });
    }
    return this.relaxed;
  }

  /**
   * Writes runs whole, several in one statement: a run not there yet is inserted, unless another
   * run of its automation holds its fire key; a run already there is updated while it is open (an
   * end, once written, stays). Returns the ids written.
   *
   * `relaxed` writes commit without waiting for the WAL to reach the disk: a crash of PostgreSQL
   * itself (not of Pinksea) may lose the last fraction of a second of them, never corrupt anything.
   * Only the records of runs that already ended and were answered in full go so (sync webhooks).
   */
  async writeRuns(runs: readonly RunWrite[], options: { relaxed?: boolean } = {}): Promise<Set<string>> {
    const rows = await this.query<{ id: string }>(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${RUN_RECORD_COLUMNS})
       ), updated AS (
         UPDATE automation_runs t SET status = r.status, mode = r.mode, nodes = COALESCE(r.nodes, '[]'::jsonb), output = r.output, error = r.error,
                queue_item_ids = COALESCE(r.queue_item_ids, '{}'), started_at = r.started_at, finished_at = r.finished_at, retry_at = r.retry_at
           FROM r WHERE t.id = r.id AND t.status IN ('queued', 'running')
         RETURNING t.id
       ), inserted AS (
         INSERT INTO automation_runs (id, automation_id, owner_id, version, trigger, trigger_node, fire_key, attempt, retry_of, status, mode,
                input, nodes, output, error, queue_item_ids, created_at, started_at, finished_at, retry_at, runner)
         SELECT r.id, r.automation_id, r.owner_id, r.version, r.trigger, r.trigger_node, r.fire_key, r.attempt, r.retry_of, r.status, r.mode,
                r.input, COALESCE(r.nodes, '[]'::jsonb), r.output, r.error, COALESCE(r.queue_item_ids, '{}'), r.created_at, r.started_at, r.finished_at, r.retry_at, r.runner
           FROM r WHERE NOT EXISTS (SELECT 1 FROM automation_runs t WHERE t.id = r.id)
         ON CONFLICT DO NOTHING
         RETURNING id
       )
       SELECT id FROM updated UNION ALL SELECT id FROM inserted`,
      [jsonForPostgres(runs.map(toRunColumns))],
      'automation-write-runs',
      options.relaxed ? this.relaxedPool() : this.pool(),
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Inserts runs never written before, as the one write of each (a sync run recorded at its end):
   * a plain insert, without writeRuns' update of open runs. A run whose id or fire key is taken is
   * left out of the ids returned, for the caller to write with writeRuns.
   */
  async insertRuns(runs: readonly RunWrite[], options: { relaxed?: boolean } = {}): Promise<Set<string>> {
    const rows = await this.query<{ id: string }>(
      `INSERT INTO automation_runs (id, automation_id, owner_id, version, trigger, trigger_node, fire_key, attempt, retry_of, status, mode,
              input, nodes, output, error, queue_item_ids, created_at, started_at, finished_at, retry_at, runner)
       SELECT r.id, r.automation_id, r.owner_id, r.version, r.trigger, r.trigger_node, r.fire_key, r.attempt, r.retry_of, r.status, r.mode,
              r.input, COALESCE(r.nodes, '[]'::jsonb), r.output, r.error, COALESCE(r.queue_item_ids, '{}'), r.created_at, r.started_at, r.finished_at, r.retry_at, r.runner
         FROM jsonb_to_recordset($1::jsonb) AS r(${RUN_RECORD_COLUMNS})
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [jsonForPostgres(runs.map(toRunColumns))],
      'automation-insert-runs',
      options.relaxed ? this.relaxedPool() : this.pool(),
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The run of the automation that holds a fire key (a delivery id already seen). */
  async runByFireKey(automationId: string, fireKey: string): Promise<AutomationRunSummary | undefined> {
    const rows = await this.query<RunRow>(`SELECT ${RUN_SUMMARY_COLUMNS} FROM automation_runs WHERE automation_id = $1 AND fire_key = $2`, [automationId, fireKey]);
    return rows[0] && toRunSummary(rows[0]);
  }

  async findRun(ownerId: string, runId: string): Promise<AutomationRun | undefined> {
    if (!isUuid(runId)) return undefined;
    const rows = await this.query<RunRow & RunDetailRow>(
      `SELECT ${RUN_SUMMARY_COLUMNS}, trigger_node, input, nodes, output, queue_item_ids FROM automation_runs WHERE id = $1 AND owner_id = $2`,
      [runId, ownerId],
    );
    const row = rows[0];
    return row && { ...toRunSummary(row), triggerNode: row.trigger_node, input: row.input, nodes: row.nodes, output: row.output, queueItemIds: row.queue_item_ids.map(String) };
  }

  /** Runs newest first, with filters. */
  async listRuns(ownerId: string, filters: RunFilters, page: PageRequest): Promise<Page<AutomationRunSummary>> {
    const where = ['owner_id = $1'];
    const values: unknown[] = [ownerId];
    const add = (clause: (n: number) => string, value: unknown) => {
      values.push(value);
      where.push(clause(values.length));
    };
    if (filters.automationId) add((n) => `automation_id = $${n}`, filters.automationId);
    if (filters.status?.length) add((n) => `status = ANY($${n})`, filters.status);
    if (filters.trigger?.length) add((n) => `trigger = ANY($${n})`, filters.trigger);
    if (filters.from) add((n) => `created_at >= $${n}`, filters.from);
    if (filters.to) add((n) => `created_at < $${n}`, filters.to);
    const condition = where.join(' AND ');
    const [rows, counted] = await Promise.all([
      this.query<RunRow>(`SELECT ${RUN_SUMMARY_COLUMNS} FROM automation_runs WHERE ${condition} ORDER BY created_at DESC, id LIMIT ${page.limit} OFFSET ${page.offset}`, values),
      this.query<{ n: string }>(`SELECT count(*) AS n FROM automation_runs WHERE ${condition}`, values),
    ]);
    return { items: rows.map(toRunSummary), total: Number(counted[0]!.n), limit: page.limit, offset: page.offset };
  }

  /** Runs per day and status over the last `days` days (UTC days), oldest first, days without runs included. */
  async runsPerDay(ownerId: string, days: number, automationId?: string): Promise<RunsPerDay[]> {
    const rows = await this.query<{ day: string; status: RunStatus; n: string }>(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, status, count(*) AS n FROM automation_runs
        WHERE owner_id = $1 AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => $2 - 1)
          AND ($3::uuid IS NULL OR automation_id = $3) GROUP BY 1, 2`,
      [ownerId, days, automationId ?? null],
    );
    const byDay = new Map<string, Partial<Record<RunStatus, number>>>();
    const today = new Date();
    for (let back = days - 1; back >= 0; back--) byDay.set(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - back)).toISOString().slice(0, 10), {});
    for (const row of rows) {
      const counts = byDay.get(row.day);
      if (counts) counts[row.status] = Number(row.n);
    }
    return [...byDay].map(([day, counts]) => ({ day, counts }));
  }

  /** For each automation: its newest run, and its runs per hour over the last 24 hours by outcome (oldest hour first). */
  async recentActivity(ownerId: string, automationIds: readonly string[]): Promise<Map<string, RecentActivity>> {
    const activity = new Map<string, RecentActivity>();
    if (automationIds.length === 0) return activity;
    const [latest, hourly] = await Promise.all([
      this.query<RunRow>(
        `SELECT DISTINCT ON (automation_id) ${RUN_SUMMARY_COLUMNS} FROM automation_runs WHERE owner_id = $1 AND automation_id = ANY($2) ORDER BY automation_id, created_at DESC`,
        [ownerId, automationIds],
      ),
      this.query<{ automation_id: string; hour: number; succeeded: string; failed: string; other: string }>(
        `SELECT automation_id, floor(extract(epoch FROM (now() - created_at)) / 3600)::int AS hour,
                count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(*) FILTER (WHERE status = 'failed') AS failed,
                count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed')) AS other
           FROM automation_runs WHERE owner_id = $1 AND automation_id = ANY($2) AND created_at > now() - interval '24 hours'
          GROUP BY 1, 2`,
        [ownerId, automationIds],
      ),
    ]);
    for (const id of automationIds) activity.set(id, { lastRun: null, lastDay: Array.from({ length: 24 }, () => ({ succeeded: 0, failed: 0, other: 0 })) });
    for (const row of latest) activity.get(row.automation_id)!.lastRun = toRunSummary(row);
    for (const row of hourly) {
      const slot = activity.get(row.automation_id)?.lastDay[23 - Math.min(23, row.hour)];
      if (slot) Object.assign(slot, { succeeded: Number(row.succeeded), failed: Number(row.failed), other: Number(row.other) });
    }
    return activity;
  }

  /** How many runs of the automation are still going. */
  async openRuns(automationId: string): Promise<number> {
    const rows = await this.query<{ n: string }>(`SELECT count(*) AS n FROM automation_runs WHERE automation_id = $1 AND status IN ('queued', 'running')`, [automationId]);
    return Number(rows[0]!.n);
  }

  /** Open runs that went through the queue, for reconciling them with their items. */
  async openQueueRuns(limit: number): Promise<{ id: string; ownerId: string; queueItemIds: string[] }[]> {
    const rows = await this.query<{ id: string; owner_id: string; queue_item_ids: string[] }>(
      `SELECT id, owner_id, queue_item_ids FROM automation_runs WHERE status IN ('queued', 'running') AND mode = 'queue' AND cardinality(queue_item_ids) > 0 ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, ownerId: row.owner_id, queueItemIds: row.queue_item_ids.map(String) }));
  }

  /** Inline runs still open whose runner is not among the live nodes, started before `before`. */
  async lostInlineRuns(liveRunners: readonly string[], before: Date, limit: number): Promise<{ id: string; ownerId: string }[]> {
    const rows = await this.query<{ id: string; owner_id: string }>(
      `SELECT id, owner_id FROM automation_runs WHERE status IN ('queued', 'running') AND mode = 'inline' AND created_at < $2
          AND (runner IS NULL OR NOT (runner = ANY($1))) ORDER BY created_at LIMIT $3`,
      [liveRunners, before, limit],
    );
    return rows.map((row) => ({ id: row.id, ownerId: row.owner_id }));
  }

  /** Failed runs whose retry is due, claimed so no other scheduler retries them too. */
  async claimDueRetries(now: Date, limit: number): Promise<AutomationRun[]> {
    const rows = await this.query<{ id: string; owner_id: string }>(
      `UPDATE automation_runs SET retry_at = NULL WHERE id IN (
         SELECT id FROM automation_runs WHERE retry_at <= $1 ORDER BY retry_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, owner_id`,
      [now, limit],
    );
    const runs = await Promise.all(rows.map((row) => this.findRun(row.owner_id, row.id)));
    return runs.filter((run): run is AutomationRun => run !== undefined);
  }

  /** Deletes ended runs past each automation's retention (age, then count); returns how many went. */
  async pruneRuns(): Promise<number> {
    const rows = await this.query<{ n: string }>(
      `WITH gone AS (
         DELETE FROM automation_runs r USING automations a
          WHERE r.automation_id = a.id AND r.status NOT IN ('queued', 'running')
            AND (r.created_at < now() - make_interval(days => a.keep_runs_days)
                 OR r.id IN (SELECT id FROM automation_runs x WHERE x.automation_id = a.id ORDER BY x.created_at DESC OFFSET a.keep_runs_count))
         RETURNING 1)
       SELECT count(*) AS n FROM gone`,
    );
    return Number(rows[0]!.n);
  }
}

interface RunRow {
  id: string;
  automation_id: string;
  version: number | null;
  trigger: RunTrigger;
  fire_key: string;
  attempt: number;
  retry_of: string | null;
  status: RunStatus;
  mode: RunMode;
  error: ErrorInfo | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

interface RunDetailRow {
  trigger_node: string | null;
  input: unknown;
  nodes: RunNodeSummary[];
  output: RunOutput | null;
  queue_item_ids: (string | number)[];
}

function toRunSummary(row: RunRow): AutomationRunSummary {
  return {
    id: row.id,
    automationId: row.automation_id,
    version: row.version,
    trigger: row.trigger,
    fireKey: row.fire_key,
    attempt: row.attempt,
    retryOf: row.retry_of,
    status: row.status,
    mode: row.mode,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationMs: row.started_at && row.finished_at ? row.finished_at.getTime() - row.started_at.getTime() : null,
  };
}

function toRunColumns(run: RunWrite): Record<string, unknown> {
  return {
    id: run.id,
    automation_id: run.automationId,
    owner_id: run.ownerId,
    version: run.version,
    trigger: run.trigger,
    trigger_node: run.triggerNode,
    fire_key: run.fireKey,
    attempt: run.attempt,
    retry_of: run.retryOf,
    status: run.status,
    mode: run.mode,
    input: run.input ?? null,
    nodes: run.nodes,
    output: run.output,
    error: run.error,
    queue_item_ids: run.queueItemIds,
    created_at: run.createdAt,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    retry_at: run.retryAt,
    runner: run.runner,
  };
}

/**
 * JSON text PostgreSQL's jsonb accepts: it refuses the NUL character inside strings (a value
 * someone posted, echoed in a node's outputs), so NUL becomes U+FFFD in what the record keeps.
 */
export function jsonForPostgres(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON writes NUL as \u0000: only then is the slower walk needed.
  if (!text.includes('\\u0000')) return text;
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (typeof entry === 'string') return entry.includes('\0') ? entry.replaceAll('\0', '\uFFFD') : entry;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || !Object.keys(entry).some((key) => key.includes('\0'))) return entry;
    return Object.fromEntries(Object.entries(entry).map(([key, inner]) => [key.replaceAll('\0', '\uFFFD'), inner]));
  });
}
