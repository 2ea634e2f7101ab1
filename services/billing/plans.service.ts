/**
 * Plans (service `plans`): the pricing page reads the listed plans without signing in; admins read
 * every plan and change them (price, credits, pool, limits, whether it is listed). A change reaches
 * every process's plan catalogue within seconds. Admins also read the audit log of their changes here.
 */
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { defineAction } from '../kernel/action-params';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import type { AdminAuditLog, AuditEntry } from './admin-audit';
import { InvalidInputError, NotFoundError } from '../kernel/service-errors';
import type { PlanCatalog } from './plan-catalog';
import type { PlanChange, PlanRecord } from './plan-records';
import { PlanRepository } from './plans.repository';

const ID = { id: { type: 'string', min: 2, max: 32, pattern: /^[a-z][a-z0-9_-]{1,31}$/, messages: { stringPattern: 'a plan id such as starter or pro' } } } as const;
const PLAN_FIELDS = new Set(['name', 'description', 'priceCents', 'credits', 'trialDays', 'pool', 'priority', 'concurrentItems', 'apiPerMinute', 'maxImagePixels', 'maxAutomations', 'rollover', 'listed', 'sort']);
const COUNT = (max: number) => ({ type: 'number', integer: true, min: 0, max, optional: true }) as const;

export function createPlansService(options: { dataSource: DataSource; catalog: PlanCatalog; audit: AdminAuditLog }): ServiceSchema {
  const plans = new PlanRepository(options.dataSource);
  return {
    name: 'plans',
    settings: { rest: '/' },
    actions: {
      list: defineAction({
        rest: 'GET /plans',
        auth: 'none',
        description: 'The plans on the pricing page, in its order.',
        params: {},
        handler(): Promise<PlanRecord[]> {
          return plans.list(false);
        },
      }),
      audit: defineAction({
        rest: 'GET /admin/audit',
        auth: 'admin',
        description: 'Every change admins made through the API, newest first; filter by target (a user, plan, pack…) or action.',
        params: { ...PAGE_PARAMS, target: { type: 'string', min: 1, max: 200, optional: true }, action: { type: 'string', min: 1, max: 100, optional: true } },
        handler(ctx): Promise<Page<AuditEntry>> {
          const { limit, offset, target, action } = ctx.params;
          return options.audit.list({ limit, offset }, { ...(target ? { target } : {}), ...(action ? { action } : {}) });
        },
      }),
      listAll: defineAction({
        rest: 'GET /admin/plans',
        auth: 'admin',
        params: {},
        handler(): Promise<PlanRecord[]> {
          return plans.list(true);
        },
      }),
      update: defineAction({
        rest: 'PATCH /admin/plans/:id',
        auth: 'admin',
        params: {
          ...ID,
          name: { type: 'string', min: 1, max: 60, trim: true, optional: true },
          description: { type: 'string', max: 500, optional: true },
          priceCents: { type: 'number', integer: true, min: 0, max: 100_000_000, optional: true, nullable: true },
          credits: COUNT(100_000_000),
          trialDays: { type: 'number', integer: true, min: 1, max: 365, optional: true, nullable: true },
          pool: { type: 'enum', values: ['basic', 'performance', 'dedicated'], optional: true },
          priority: COUNT(100),
          concurrentItems: { type: 'number', integer: true, min: 1, max: 1000, optional: true },
          apiPerMinute: { type: 'number', integer: true, min: 1, max: 1_000_000, optional: true },
          maxImagePixels: { type: 'number', integer: true, min: 4096, max: 2_000_000_000, optional: true },
          maxAutomations: COUNT(1_000_000),
          rollover: { type: 'boolean', optional: true },
          listed: { type: 'boolean', optional: true },
          sort: COUNT(1000),
        },
        async handler(ctx): Promise<PlanRecord> {
          const { id, ...fields } = ctx.params;
          // Only the fields above (a body of another shape, an array say, brings keys of its own).
          const change = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== undefined && PLAN_FIELDS.has(key))) as PlanChange;
          if (Object.keys(change).length === 0) throw new InvalidInputError([{ code: 'required', message: 'Send at least one field of the plan to change' }]);
          const updated = await plans.update(id, change);
          if (!updated) throw new NotFoundError('plan', id);
          options.catalog.forget();
          return updated;
        },
      }),
    },
  };
}
