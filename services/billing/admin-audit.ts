/**
 * The admin audit log: a middleware around every routed admin action that changes something (any
 * method but GET), inside the auth check, so it sees exactly the calls admins made. Each is written
 * once it ended, with the admin, the route's target (its `id`, `name` or `key`), its parameters
 * with anything secret left out, and whether it succeeded (the error's code when not).
 */
import type { Context, Middleware } from 'moleculer';
import type { DataSource } from 'typeorm';
import { PinkseaError } from '../../engine/errors';
import type { RequestMeta } from '../kernel/auth-middleware';
import { isUuid, type Page, type PageRequest } from '../kernel/request-params';

export interface AuditEntry {
  readonly id: string;
  readonly actorId: string | null;
  readonly actorEmail: string;
  readonly action: string;
  readonly target: string | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly outcome: 'ok' | 'error';
  readonly errorCode: string | null;
  readonly ip: string | null;
  readonly createdAt: string;
}

/** Parameter names whose values are never written down. */
const SECRET = /pass|secret|token|key|credential/i;
/** The parameters a route names its target by. */
const TARGETS = ['id', 'name', 'key', 'workflowId'] as const;
const MAX_PARAMS_JSON = 4096;

export class AdminAuditLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(entry: Omit<AuditEntry, 'id' | 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO admin_audit (actor_id, actor_email, action, target, params, outcome, error_code, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.actorId, entry.actorEmail, entry.action, entry.target, JSON.stringify(entry.params), entry.outcome, entry.errorCode, entry.ip],
    );
  }

  async list(page: PageRequest, filter: { target?: string; action?: string } = {}): Promise<Page<AuditEntry>> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.target) where.push(`target = $${values.push(filter.target)}`);
    if (filter.action) where.push(`action = $${values.push(filter.action)}`);
    const condition = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, counted] = await Promise.all([
      this.dataSource.query(`SELECT * FROM admin_audit ${condition} ORDER BY id DESC LIMIT ${page.limit} OFFSET ${page.offset}`, values) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*) AS n FROM admin_audit ${condition}`, values) as Promise<{ n: string }[]>,
    ]);
    return { items: rows.map(toEntry), total: Number(counted[0]!.n), limit: page.limit, offset: page.offset };
  }
}

/** Records every routed, non-GET admin action through `log` (inside the auth middleware). */
export function createAdminAuditMiddleware(log: () => AdminAuditLog | undefined, logger: { error(...args: unknown[]): void }): Middleware {
  return {
    name: 'PinkseaAdminAudit',
    localAction(next, action) {
      const routes = Array.isArray(action.rest) ? action.rest : [action.rest];
      const changes = routes.some((route) => route !== undefined && !String(typeof route === 'string' ? route : (route as { method?: string }).method ?? '').toUpperCase().startsWith('GET'));
      if (action.auth !== 'admin' || !action.rest || !changes) return next;
      const handler = next as unknown as (ctx: Context) => Promise<unknown>;
      return async function audited(ctx: Context<Record<string, unknown>, RequestMeta>) {
        const write = async (outcome: 'ok' | 'error', error?: unknown) => {
          const store = log();
          const user = ctx.meta.user;
          if (!store || !user) return;
          await store
            .record({
              actorId: isUuid(user.id) ? user.id : null,
              actorEmail: user.email,
              action: action.name ?? 'unknown',
              target: targetOf(ctx.params),
              params: withoutSecrets(ctx.params),
              outcome,
              errorCode: error instanceof PinkseaError ? error.code : error ? 'internal_error' : null,
              ip: ctx.meta.ip ?? null,
            })
            .catch((failure: unknown) => logger.error(`Could not write the audit entry of ${action.name}`, failure));
        };
        try {
          const result = await handler(ctx);
          await write('ok');
          return result;
        } catch (error) {
          await write('error', error);
          throw error;
        }
      };
    },
  };
}

function targetOf(params: Record<string, unknown> | undefined): string | null {
  for (const name of TARGETS) {
    const value = params?.[name];
    if (typeof value === 'string' && value.length <= 200) return value;
  }
  return null;
}

/** The parameters as written down: secrets masked, streams and large values summarised. */
function withoutSecrets(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (SECRET.test(name) && name !== 'idempotencyKey') kept[name] = '[hidden]';
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) kept[name] = typeof value === 'string' && value.length > 500 ? `${value.slice(0, 500)}…` : value;
    else kept[name] = '[value]';
  }
  return JSON.stringify(kept).length > MAX_PARAMS_JSON ? { note: 'parameters too large to keep' } : kept;
}

function toEntry(row: Record<string, unknown>): AuditEntry {
  return {
    id: String(row['id']),
    actorId: (row['actor_id'] as string | null) ?? null,
    actorEmail: String(row['actor_email']),
    action: String(row['action']),
    target: (row['target'] as string | null) ?? null,
    params: row['params'] as Record<string, unknown>,
    outcome: row['outcome'] as 'ok' | 'error',
    errorCode: (row['error_code'] as string | null) ?? null,
    ip: (row['ip'] as string | null) ?? null,
    createdAt: (row['created_at'] as Date).toISOString(),
  };
}
