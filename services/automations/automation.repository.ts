/**
 * Automations and their runs in PostgreSQL, in plain SQL through the pool TypeORM holds (the
 * webhook route reads and writes here on every request). Every query is scoped by owner except
 * the two that firing needs before an owner is known: the webhook token's lookup and the
 * scheduler's due list.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { ErrorInfo } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type {
  Automation,
  AutomationRun,
  AutomationRunSummary,
  AutomationSettings,
  AutomationTrigger,
  RunMode,
  RunNodeSummary,
  RecentActivity,
  RunOutput,
  RunsPerDay,
  RunStatus,
  RunTrigger,
} from './automation-records';
import { RELAXED_IN_FLIGHT } from './run-writer';

interface AutomationRow {
  id: string;
  owner_id: string;
  workflow_id: string;
  name: string;
  version: number;
  follow_latest: boolean;
  enabled: boolean;
  triggers: AutomationTrigger[];
  webhook_token: string | null;
  webhook_secret: Buffer | null;
  retry_attempts: number;
  retry_backoff_seconds: number;
  error_automation_id: string | null;
  keep_runs_days: number;
  keep_runs_count: number;
  schedule_cursor: Date | null;
  next_fire_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** An automation with what firing it needs: its version's graph and the sealed webhook secret. */
export interface FiringAutomation {
  readonly automation: Automation;
  readonly graph: Graph;
  readonly webhookSecret: Buffer | null;
  readonly scheduleCursor: Date | null;
}


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

const AUTOMATION_COLUMNS = `a.id, a.owner_id, a.workflow_id, w.name, a.version, a.follow_latest, a.enabled, a.triggers, a.webhook_token,
  a.webhook_secret, a.retry_attempts, a.retry_backoff_seconds, a.error_automation_id, a.keep_runs_days, a.keep_runs_count,
  a.schedule_cursor, a.next_fire_at, a.created_at, a.updated_at`;
const RUN_SUMMARY_COLUMNS = `id, automation_id, version, trigger, fire_key, attempt, retry_of, status, mode, error, created_at, started_at, finished_at`;

/** A run's columns as the writers send them (one JSON array of records). */
const RUN_RECORD_COLUMNS = `id uuid, automation_id uuid, owner_id uuid, version integer, trigger text, trigger_node text, fire_key text, attempt integer,
  retry_of uuid, status text, mode text, input jsonb, nodes jsonb, output jsonb, error jsonb, queue_item_ids bigint[], created_at timestamptz,
  started_at timestamptz, finished_at timestamptz, retry_at timestamptz, runner text`;

/** The states a run is still going in. */
export const OPEN_STATUSES: readonly RunStatus[] = ['queued', 'running'];

export class AutomationRepository {
  /** Connections whose commits do not wait for the WAL to reach disk (see writeRuns). */
  private relaxed: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  private async query<T>(text: string, values: unknown[] = [], name?: string, pool = this.pool()): Promise<T[]> {
    return (await pool.query({ text, values, ...(name ? { name } : {}) })).rows as T[];
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

  /** The newest published version of the owner's workflow, with its graph. */
  async latestVersion(ownerId: string, workflowId: string): Promise<{ version: number; graph: Graph } | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const rows = await this.query<{ version: number; graph: Graph }>(
      `SELECT v.version, v.graph FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.owner_id = $2
        WHERE v.workflow_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [workflowId, ownerId],
    );
    return rows[0];
  }

  async versionGraph(ownerId: string, workflowId: string, version: number): Promise<Graph | undefined> {
    const rows = await this.query<{ graph: Graph }>(
      `SELECT v.graph FROM workflow_versions v JOIN workflows w ON w.id = v.workflow_id AND w.owner_id = $2 WHERE v.workflow_id = $1 AND v.version = $3`,
      [workflowId, ownerId, version],
    );
    return rows[0]?.graph;
  }

  /** The workflow's draft graph (what the editor holds now). */
  async draftGraph(ownerId: string, workflowId: string): Promise<Graph | undefined> {
    if (!isUuid(workflowId)) return undefined;
    return (await this.query<{ graph: Graph }>(`SELECT graph FROM workflows WHERE id = $1 AND owner_id = $2`, [workflowId, ownerId]))[0]?.graph;
  }

  async workflowExists(ownerId: string, workflowId: string): Promise<boolean> {
    if (!isUuid(workflowId)) return false;
    return (await this.query(`SELECT 1 FROM workflows WHERE id = $1 AND owner_id = $2`, [workflowId, ownerId])).length > 0;
  }

  /** Makes the workflow an automation; undefined when it already is one. */
  async create(
    ownerId: string,
    workflowId: string,
    values: { version: number; triggers: readonly AutomationTrigger[]; webhookToken: string | null; nextFireAt: Date | null; settings: AutomationSettings },
  ): Promise<Automation | undefined> {
    const s = values.settings;
    const rows = await this.query<{ id: string }>(
      `INSERT INTO automations (owner_id, workflow_id, version, follow_latest, enabled, triggers, webhook_token, next_fire_at, schedule_cursor,
         retry_attempts, retry_backoff_seconds, error_automation_id, keep_runs_days, keep_runs_count)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, date_trunc('milliseconds', now()), $9, $10, $11, $12, $13)
       ON CONFLICT (workflow_id) DO NOTHING RETURNING id`,
      [
        ownerId,
        workflowId,
        values.version,
        s.followLatest ?? true,
        s.enabled ?? true,
        JSON.stringify(values.triggers),
        values.webhookToken,
        values.nextFireAt,
        s.retryAttempts ?? 0,
        s.retryBackoffSeconds ?? 30,
        s.errorAutomationId ?? null,
        s.keepRunsDays ?? 30,
        s.keepRunsCount ?? 10_000,
      ],
    );
    return rows[0] ? this.find(ownerId, rows[0].id) : undefined;
  }

  async find(ownerId: string, id: string): Promise<Automation | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.query<AutomationRow>(`SELECT ${AUTOMATION_COLUMNS} FROM automations a JOIN workflows w ON w.id = a.workflow_id WHERE a.id = $1 AND a.owner_id = $2`, [id, ownerId]);
    return rows[0] && toAutomation(rows[0]);
  }

  async findByWorkflow(ownerId: string, workflowId: string): Promise<Automation | undefined> {
    if (!isUuid(workflowId)) return undefined;
    const rows = await this.query<AutomationRow>(`SELECT ${AUTOMATION_COLUMNS} FROM automations a JOIN workflows w ON w.id = a.workflow_id WHERE a.workflow_id = $1 AND a.owner_id = $2`, [workflowId, ownerId]);
    return rows[0] && toAutomation(rows[0]);
  }

  async list(ownerId: string, page: PageRequest): Promise<Page<Automation>> {
    const rows = await this.query<AutomationRow & { total: string }>(
      `SELECT ${AUTOMATION_COLUMNS}, count(*) OVER () AS total FROM automations a JOIN workflows w ON w.id = a.workflow_id
        WHERE a.owner_id = $1 ORDER BY a.created_at DESC, a.id LIMIT $2 OFFSET $3`,
      [ownerId, page.limit, page.offset],
    );
    const total = rows[0] ? Number(rows[0].total) : await this.count(ownerId);
    return { items: rows.map(toAutomation), total, limit: page.limit, offset: page.offset };
  }

  private async count(ownerId: string): Promise<number> {
    return Number((await this.query<{ n: string }>(`SELECT count(*) AS n FROM automations WHERE owner_id = $1`, [ownerId]))[0]!.n);
  }

  /** An enabled automation by its webhook token, with its version's graph: what a webhook request needs. */
  async findByWebhookToken(token: string): Promise<FiringAutomation | undefined> {
    const rows = await this.query<AutomationRow & { graph: Graph }>(
      `SELECT ${AUTOMATION_COLUMNS}, v.graph FROM automations a JOIN workflows w ON w.id = a.workflow_id
         JOIN workflow_versions v ON v.workflow_id = a.workflow_id AND v.version = a.version
        WHERE a.webhook_token = $1`,
      [token],
      'automation-by-webhook-token',
    );
    return rows[0] && toFiring(rows[0]);
  }

  /** An automation with its version's graph, for firing it by id (manual, schedule, event, retry). */
  async findForFiring(id: string): Promise<FiringAutomation | undefined> {
    if (!isUuid(id)) return undefined;
    const rows = await this.query<AutomationRow & { graph: Graph }>(
      `SELECT ${AUTOMATION_COLUMNS}, v.graph FROM automations a JOIN workflows w ON w.id = a.workflow_id
         JOIN workflow_versions v ON v.workflow_id = a.workflow_id AND v.version = a.version
        WHERE a.id = $1`,
      [id],
    );
    return rows[0] && toFiring(rows[0]);
  }

  async update(ownerId: string, id: string, settings: AutomationSettings, derived?: { triggers: readonly AutomationTrigger[]; webhookToken: string | null; nextFireAt: Date | null }): Promise<Automation | undefined> {
    if (!isUuid(id)) return undefined;
    const sets: string[] = [];
    const values: unknown[] = [id, ownerId];
    const set = (column: string, value: unknown, cast = '') => {
      values.push(value);
      sets.push(`${column} = $${values.length}${cast}`);
    };
    if (settings.enabled !== undefined) set('enabled', settings.enabled);
    if (settings.version !== undefined) set('version', settings.version);
    if (settings.followLatest !== undefined) set('follow_latest', settings.followLatest);
    if (settings.retryAttempts !== undefined) set('retry_attempts', settings.retryAttempts);
    if (settings.retryBackoffSeconds !== undefined) set('retry_backoff_seconds', settings.retryBackoffSeconds);
    if (settings.errorAutomationId !== undefined) set('error_automation_id', settings.errorAutomationId);
    if (settings.keepRunsDays !== undefined) set('keep_runs_days', settings.keepRunsDays);
    if (settings.keepRunsCount !== undefined) set('keep_runs_count', settings.keepRunsCount);
    if (derived) {
      set('triggers', JSON.stringify(derived.triggers), '::jsonb');
      // A token once made stays: changing versions keeps the URL callers were given.
      set('webhook_token', derived.webhookToken);
      set('next_fire_at', derived.nextFireAt);
    }
    // Re-enabling starts the schedule from now: what fell due while disabled is not caught up.
    if (settings.enabled === true) sets.push(`schedule_cursor = CASE WHEN enabled THEN schedule_cursor ELSE date_trunc('milliseconds', now()) END`);
    sets.push('updated_at = now()');
    const rows = await this.query<{ id: string }>(`UPDATE automations SET ${sets.join(', ')} WHERE id = $1 AND owner_id = $2 RETURNING id`, values);
    return rows[0] ? this.find(ownerId, id) : undefined;
  }

  async setWebhookSecret(ownerId: string, id: string, sealed: Buffer | null): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.query(`UPDATE automations SET webhook_secret = $3, updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING id`, [id, ownerId, sealed])).length > 0;
  }

  async setWebhookToken(ownerId: string, id: string, token: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.query(`UPDATE automations SET webhook_token = $3, updated_at = now() WHERE id = $1 AND owner_id = $2 RETURNING id`, [id, ownerId, token])).length > 0;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.query(`DELETE FROM automations WHERE id = $1 AND owner_id = $2 RETURNING id`, [id, ownerId])).length > 0;
  }

  /** Automations following the workflow's latest version, for moving them to a new one. */
  async followersOf(ownerId: string, workflowId: string): Promise<Automation[]> {
    if (!isUuid(workflowId)) return [];
    const rows = await this.query<AutomationRow>(
      `SELECT ${AUTOMATION_COLUMNS} FROM automations a JOIN workflows w ON w.id = a.workflow_id WHERE a.workflow_id = $1 AND a.owner_id = $2 AND a.follow_latest`,
      [workflowId, ownerId],
    );
    return rows.map(toAutomation);
  }

  /** The owner's enabled automations with an event trigger for `event`. */
  async eventListeners(ownerId: string, event: string): Promise<FiringAutomation[]> {
    const rows = await this.query<AutomationRow & { graph: Graph }>(
      `SELECT ${AUTOMATION_COLUMNS}, v.graph FROM automations a JOIN workflows w ON w.id = a.workflow_id
         JOIN workflow_versions v ON v.workflow_id = a.workflow_id AND v.version = a.version
        WHERE a.owner_id = $1 AND a.enabled AND a.triggers @> $2::jsonb`,
      [ownerId, JSON.stringify([{ kind: 'event', event }])],
      'automation-event-listeners',
    );
    return rows.map(toFiring);
  }

  // ---- schedules ----

  /** Enabled automations whose next fire time has come, oldest first. */
  async due(now: Date, limit: number): Promise<FiringAutomation[]> {
    const rows = await this.query<AutomationRow & { graph: Graph }>(
      `SELECT ${AUTOMATION_COLUMNS}, v.graph FROM automations a JOIN workflows w ON w.id = a.workflow_id
         JOIN workflow_versions v ON v.workflow_id = a.workflow_id AND v.version = a.version
        WHERE a.enabled AND a.next_fire_at <= $1 ORDER BY a.next_fire_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toFiring);
  }

  /**
   * Moves schedules on, in one statement: each automation's cursor and next fire time, unless its
   * cursor is no longer the one it was read with (someone else moved it). Returns the ids moved.
   * Cursors are kept to the millisecond, as JavaScript reads them back.
   */
  async advanceSchedules(moves: readonly { id: string; from: Date | null; cursor: Date; next: Date | null }[]): Promise<Set<string>> {
    if (moves.length === 0) return new Set();
    const rows = await this.query<{ id: string }>(
      `UPDATE automations a SET schedule_cursor = m.cursor, next_fire_at = m.next
         FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, "from" timestamptz, cursor timestamptz, next timestamptz)
        WHERE a.id = m.id AND date_trunc('milliseconds', a.schedule_cursor) IS NOT DISTINCT FROM m."from"
        RETURNING a.id`,
      [JSON.stringify(moves)],
    );
    return new Set(rows.map((row) => row.id));
  }

  // ---- runs ----

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

function toFiring(row: AutomationRow & { graph: Graph }): FiringAutomation {
  return { automation: toAutomation(row), graph: row.graph, webhookSecret: row.webhook_secret, scheduleCursor: row.schedule_cursor };
}

function toAutomation(row: AutomationRow): Automation {
  return {
    id: row.id,
    ownerId: row.owner_id,
    workflowId: row.workflow_id,
    name: row.name,
    version: row.version,
    followLatest: row.follow_latest,
    enabled: row.enabled,
    triggers: row.triggers,
    webhookPath: row.webhook_token && row.triggers.some((trigger) => trigger.kind === 'webhook') ? `/hooks/${row.webhook_token}` : null,
    hasWebhookSecret: row.webhook_secret !== null,
    retry: { attempts: row.retry_attempts, backoffSeconds: row.retry_backoff_seconds },
    errorAutomationId: row.error_automation_id,
    keepRuns: { days: row.keep_runs_days, count: row.keep_runs_count },
    nextFireAt: row.enabled ? (row.next_fire_at?.toISOString() ?? null) : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
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
