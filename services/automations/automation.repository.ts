/**
 * Automations in PostgreSQL, in plain SQL through the pool TypeORM holds (the webhook route reads
 * here on every request; its runs are run.repository.ts's). Every query is scoped by owner except
 * the ones firing needs before an owner is known: the webhook token's lookup, an automation by id
 * for the scheduler and retries, and the scheduler's due list.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Graph } from '../../engine/graph/graph';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';
import type { Automation, AutomationSettings, AutomationTrigger } from './automation-records';
import { poolOf, rowsOf } from './sql-pool';

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

const AUTOMATION_COLUMNS = `a.id, a.owner_id, a.workflow_id, w.name, a.version, a.follow_latest, a.enabled, a.triggers, a.webhook_token,
  a.webhook_secret, a.retry_attempts, a.retry_backoff_seconds, a.error_automation_id, a.keep_runs_days, a.keep_runs_count,
  a.schedule_cursor, a.next_fire_at, a.created_at, a.updated_at`;

export class AutomationRepository {

  constructor(private readonly dataSource: DataSource) {}

  private pool(): Pool {
    return poolOf(this.dataSource);
  }

  private query<T>(text: string, values: unknown[] = [], name?: string): Promise<T[]> {
    return rowsOf<T>(this.pool(), text, values, name);
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

