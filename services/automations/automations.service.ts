/**
 * Automations (service `automations`, role `api`): a workflow whose published version has trigger
 * nodes, run unattended. Routes to make, list, change and delete automations, their webhook URL
 * and signing secret, a manual run, the run history (filters, a run's detail, re-run, runs per
 * day), a schedule preview for the editor, and the webhook itself under `/hooks/<token>`
 * (webhook-endpoint.ts).
 *
 * Event triggers fire here too: when a run ends (`automation.succeeded` / `automation.failed`, and
 * the failed run's error workflow) and when an image lands on a board (`image.saved`).
 */
import { randomBytes } from 'node:crypto';
import type { Context, ServiceSchema } from 'moleculer';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, queryList, type Page } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import { ConflictError, InvalidInputError, NotFoundError } from '../kernel/service-errors';
import { IMAGE_ON_BOARD, type ImageOnBoard } from '../boards/board-events';
import { DEFAULT_PLAN } from '../accounts/plans';
import { PaymentRequiredError, type PlanCatalog } from '../billing/plan-catalog';
import { WORKFLOW_PUBLISHED, type WorkflowPublished } from '../workflows/workflow-events';
import { SESSION_EVENTS, type SessionEventBatch } from '../queue/queue-events';
import { isTruncated } from './automation-firing';
import type { AutomationRuntime } from './automation-runtime';
import type { Automation, AutomationListItem, AutomationRun, AutomationRunSummary, AutomationSettings, AutomationView, RunsPerDay, RunStatus, RunTrigger } from './automation-records';
import { readTriggers } from './automation-triggers';
import { nextAfter } from './automation-scheduler';
import type { AutomationRepository, FiringAutomation } from './automation.repository';
import { Schedule } from './schedule';
import type { SecretBox } from './secret-box';
import { acceptedRun, HOOK_CALL_TIMEOUT_MS, HOOK_ROUTES, WebhookEndpoint, type AcceptedRun } from './webhook-endpoint';

/** Broadcast when an automation changes, so every api process drops what it cached of it. */
export const AUTOMATIONS_CHANGED = 'automations.changed';

export interface AutomationsServiceOptions {
  readonly runtime: AutomationRuntime;
  readonly registry: NodeRegistry;
  readonly secrets: SecretBox;
  /** The owner's plan sets how many automations they may have. */
  readonly plans?: PlanCatalog;
}

const ID = { id: { type: 'string', min: 1, max: 100 } } as const;
const RUN_ID = { runId: { type: 'string', min: 1, max: 100 } } as const;
const SETTINGS = {
  enabled: { type: 'boolean', optional: true },
  version: { type: 'number', integer: true, min: 1, max: 2_147_483_647, optional: true },
  followLatest: { type: 'boolean', optional: true },
  retryAttempts: { type: 'number', integer: true, min: 0, max: 10, optional: true },
  retryBackoffSeconds: { type: 'number', integer: true, min: 1, max: 86_400, optional: true },
  errorAutomationId: { type: 'string', min: 1, max: 100, optional: true, nullable: true },
  keepRunsDays: { type: 'number', integer: true, min: 1, max: 3650, optional: true },
  keepRunsCount: { type: 'number', integer: true, min: 1, max: 1_000_000, optional: true },
} as const;
const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'skipped'];
const RUN_TRIGGERS: readonly RunTrigger[] = ['manual', 'schedule', 'webhook', 'event', 'test', 'rerun', 'retry'];

export function createAutomationsService(options: AutomationsServiceOptions): ServiceSchema {
  const { repository, runs, firing } = options.runtime;

  const mustFind = async (ownerId: string, id: string): Promise<Automation> => {
    const found = await repository.find(ownerId, id);
    if (!found) throw new NotFoundError('automation', id);
    return found;
  };

  /** Reads the version's triggers; refuses a version without any, or with bad ones, naming each. */
  const derive = (graph: FiringAutomation['graph'], token: string | null) => {
    const { triggers, issues } = readTriggers(graph, options.registry);
    if (issues.length > 0) throw new InvalidInputError(issues);
    if (triggers.length === 0) {
      throw new InvalidInputError([{ code: 'no_trigger', field: 'workflowId', message: 'The published version has no trigger node: add a Manual, Schedule, Webhook or Event trigger and publish again' }]);
    }
    const hasWebhook = triggers.some((trigger) => trigger.kind === 'webhook');
    return { triggers, webhookToken: token ?? (hasWebhook ? newToken() : null), nextFireAt: nextAfter(triggers, new Date()) };
  };

  const view = (automation: Automation): AutomationView => ({
    ...automation,
    schedules: automation.triggers.flatMap((trigger) => {
      if (trigger.kind !== 'schedule') return [];
      const schedule = Schedule.parse(trigger);
      return [{ nodeId: trigger.nodeId, description: schedule.describe(), nextFireTimes: schedule.next(new Date(), 5).map((time) => time.toISOString()) }];
    }),
  });

  const webhooks = new WebhookEndpoint({ repository, firing, secrets: options.secrets, triggersOf: (graph) => derive(graph, null).triggers });

  const changed = (ctx: Context, automation: { id: string }) => {
    webhooks.forget();
    options.runtime.forget();
    void ctx.broadcast(AUTOMATIONS_CHANGED, { id: automation.id });
  };

  return {
    name: 'automations',
    settings: { rest: '/' },
    events: {
      [AUTOMATIONS_CHANGED]() {
        webhooks.forget();
        options.runtime.forget();
      },
      [SESSION_EVENTS](ctx: Context<SessionEventBatch>) {
        for (const event of ctx.params.events) {
          if (event.name !== 'queue_item_status_changed') continue;
          const { status, itemId } = event.payload as { status: string; itemId: string };
          if (status === 'completed' || status === 'failed' || status === 'canceled') firing.itemEnded(itemId);
        }
      },
      async [WORKFLOW_PUBLISHED](ctx: Context<WorkflowPublished>) {
        const { ownerId, workflowId, version } = ctx.params;
        for (const automation of await repository.followersOf(ownerId, workflowId)) {
          if (automation.version >= version) continue;
          const graph = await repository.versionGraph(ownerId, workflowId, version);
          if (!graph) continue;
          try {
            await repository.update(ownerId, automation.id, { version }, derive(graph, tokenOf(automation)));
            changed(ctx, automation);
          } catch (error) {
            // A version whose triggers are wrong (or gone) leaves the automation on the one it runs.
            this.logger.warn(`Automation ${automation.id} stays on version ${automation.version}: version ${version} cannot run as an automation`, error);
          }
        }
      },
      [IMAGE_ON_BOARD](ctx: Context<ImageOnBoard>) {
        const { ownerId, imageName, boardId } = ctx.params;
        void options.runtime.fireEvent(ownerId, 'image.saved', { imageName, boardId }, `image:${imageName}:${boardId}`, (trigger) => trigger.boardId === null || trigger.boardId === boardId, { imageName });
      },
    },
    actions: {
      create: defineAction({
        rest: 'POST /automations',
        params: { workflowId: { type: 'string', min: 1, max: 100 }, ...SETTINGS },
        async handler(ctx): Promise<AutomationView> {
          const owner = callerOf(ctx).id;
          const { workflowId, ...settings } = ctx.params;
          if (!(await repository.workflowExists(owner, workflowId))) throw new NotFoundError('workflow', workflowId);
          const version = settings.version
            ? { version: settings.version, graph: await repository.versionGraph(owner, workflowId, settings.version) }
            : await repository.latestVersion(owner, workflowId);
          if (!version?.graph) {
            throw new InvalidInputError([{ code: 'not_published', field: settings.version ? 'version' : 'workflowId', message: settings.version ? `The workflow has no version ${settings.version}` : 'Publish the workflow first: an automation runs a published version' }]);
          }
          await checkErrorAutomation(repository, owner, settings.errorAutomationId);
          const plan = options.plans ? await options.plans.get(callerOf(ctx).plan ?? DEFAULT_PLAN) : undefined;
          if (plan && (await repository.list(owner, { limit: 1, offset: 0 })).total >= plan.maxAutomations) {
            throw new PaymentRequiredError(`Your ${plan.name} plan allows ${plan.maxAutomations} automation${plan.maxAutomations === 1 ? '' : 's'}; delete one, or move to a larger plan`);
          }
          const automation = await repository.create(owner, workflowId, { version: version.version, ...derive(version.graph, null), settings: settingsOf(settings) });
          if (!automation) throw new ConflictError('This workflow is already an automation: change that one', 'workflowId');
          changed(ctx, automation);
          created(ctx.meta, automation.id);
          return view(automation);
        },
      }),
      list: defineAction({
        rest: 'GET /automations',
        params: { ...PAGE_PARAMS },
        async handler(ctx): Promise<Page<AutomationListItem>> {
          const owner = callerOf(ctx).id;
          const page = await repository.list(owner, ctx.params);
          const activity = await runs.recentActivity(owner, page.items.map((item) => item.id));
          return { ...page, items: page.items.map((item) => ({ ...view(item), ...activity.get(item.id)! })) };
        },
      }),
      get: defineAction({
        rest: 'GET /automations/:id',
        params: ID,
        async handler(ctx): Promise<AutomationView> {
          return view(await mustFind(callerOf(ctx).id, ctx.params.id));
        },
      }),
      update: defineAction({
        rest: 'PATCH /automations/:id',
        params: { ...ID, ...SETTINGS },
        async handler(ctx): Promise<AutomationView> {
          const owner = callerOf(ctx).id;
          const { id, ...settings } = ctx.params;
          const current = await mustFind(owner, id);
          await checkErrorAutomation(repository, owner, settings.errorAutomationId, id);
          let derived;
          const version = settings.version ?? (settings.followLatest ? (await repository.latestVersion(owner, current.workflowId))?.version : undefined);
          if (version !== undefined && version !== current.version) {
            const graph = await repository.versionGraph(owner, current.workflowId, version);
            if (!graph) throw new InvalidInputError([{ code: 'unknown_version', field: 'version', message: `The workflow has no version ${version}` }]);
            derived = derive(graph, tokenOf(current));
          } else if (settings.enabled === true && !current.enabled) {
            // Schedules start again from now.
            derived = { triggers: current.triggers, webhookToken: tokenOf(current), nextFireAt: nextAfter(current.triggers, new Date()) };
          }
          const updated = await repository.update(owner, id, { ...settingsOf(settings), ...(version !== undefined ? { version } : {}), ...(settings.version !== undefined && settings.followLatest === undefined ? { followLatest: false } : {}) }, derived);
          if (!updated) throw new NotFoundError('automation', id);
          changed(ctx, updated);
          return view(updated);
        },
      }),
      remove: defineAction({
        rest: 'DELETE /automations/:id',
        params: ID,
        async handler(ctx): Promise<{ id: string; deleted: true }> {
          if (!(await repository.delete(callerOf(ctx).id, ctx.params.id))) throw new NotFoundError('automation', ctx.params.id);
          changed(ctx, ctx.params);
          return { id: ctx.params.id, deleted: true };
        },
      }),
      rotateSecret: defineAction({
        rest: 'POST /automations/:id/webhook/secret',
        description: 'Makes a new signing secret and answers it once; requests must then carry X-Pinksea-Signature. The old secret stops working at once.',
        params: ID,
        async handler(ctx): Promise<{ secret: string; header: string; scheme: string }> {
          const owner = callerOf(ctx).id;
          const automation = await mustFind(owner, ctx.params.id);
          if (!automation.webhookPath) throw new ConflictError('This automation has no webhook trigger', 'id');
          const secret = `whsec_${randomBytes(32).toString('base64url')}`;
          await repository.setWebhookSecret(owner, automation.id, options.secrets.seal(secret));
          changed(ctx, automation);
          return { secret, header: 'X-Pinksea-Signature', scheme: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>' };
        },
      }),
      removeSecret: defineAction({
        rest: 'DELETE /automations/:id/webhook/secret',
        params: ID,
        async handler(ctx): Promise<AutomationView> {
          const owner = callerOf(ctx).id;
          const automation = await mustFind(owner, ctx.params.id);
          await repository.setWebhookSecret(owner, automation.id, null);
          changed(ctx, automation);
          return view(await mustFind(owner, automation.id));
        },
      }),
      rotateUrl: defineAction({
        rest: 'POST /automations/:id/webhook/url',
        description: 'Gives the webhook a new URL; the old one answers 404 from now on.',
        params: ID,
        async handler(ctx): Promise<AutomationView> {
          const owner = callerOf(ctx).id;
          const automation = await mustFind(owner, ctx.params.id);
          if (!automation.webhookPath) throw new ConflictError('This automation has no webhook trigger', 'id');
          await repository.setWebhookToken(owner, automation.id, newToken());
          changed(ctx, automation);
          return view(await mustFind(owner, automation.id));
        },
      }),
      run: defineAction({
        rest: 'POST /automations/:id/run',
        description: 'Runs the automation now, through its manual trigger (or its first trigger, with a sample payload), and answers 202 with the run.',
        params: { ...ID, input: { type: 'any', optional: true } },
        async handler(ctx): Promise<AcceptedRun> {
          const automation = await mustFind(callerOf(ctx).id, ctx.params.id);
          if (!automation.enabled) throw new ConflictError('The automation is disabled: enable it first', 'id');
          const outcome = await options.runtime.fireById(automation.id, 'manual', (trigger) => ({
            trigger: 'manual',
            triggerNodeId: trigger.kind === 'manual' ? trigger.nodeId : null,
            fireKeyMayRepeat: false,
            payload: { input: ctx.params.input ?? null, firedAt: new Date().toISOString() },
            wait: false,
          }));
          if (!outcome) throw new NotFoundError('automation', ctx.params.id);
          return acceptedRun(ctx.meta, outcome);
        },
      }),
      runs: defineAction({
        rest: 'GET /automation-runs',
        params: {
          automationId: { type: 'string', min: 1, max: 100, optional: true },
          status: { type: 'string', max: 200, optional: true },
          trigger: { type: 'string', max: 200, optional: true },
          from: { type: 'date', convert: true, optional: true },
          to: { type: 'date', convert: true, optional: true },
          ...PAGE_PARAMS,
        },
        async handler(ctx): Promise<Page<AutomationRunSummary>> {
          const { automationId, from, to, limit, offset } = ctx.params;
          const status = listOf(ctx.params.status, RUN_STATUSES, 'status');
          const trigger = listOf(ctx.params.trigger, RUN_TRIGGERS, 'trigger');
          if (automationId) await mustFind(callerOf(ctx).id, automationId);
          return runs.listRuns(callerOf(ctx).id, { ...(automationId ? { automationId } : {}), status, trigger, ...(from ? { from } : {}), ...(to ? { to } : {}) }, { limit, offset });
        },
      }),
      runsPerDay: defineAction({
        rest: 'GET /automation-runs/per-day',
        params: { days: { type: 'number', integer: true, min: 1, max: 366, convert: true, optional: true, default: 14 }, automationId: { type: 'string', min: 1, max: 100, optional: true } },
        async handler(ctx): Promise<RunsPerDay[]> {
          const owner = callerOf(ctx).id;
          if (ctx.params.automationId) await mustFind(owner, ctx.params.automationId);
          return runs.runsPerDay(owner, ctx.params.days, ctx.params.automationId ?? undefined);
        },
      }),
      getRun: defineAction({
        rest: 'GET /automation-runs/:runId',
        params: RUN_ID,
        async handler(ctx): Promise<AutomationRun> {
          const run = await runs.findRun(callerOf(ctx).id, ctx.params.runId);
          if (!run) throw new NotFoundError('run', ctx.params.runId);
          return run;
        },
      }),
      rerun: defineAction({
        rest: 'POST /automation-runs/:runId/rerun',
        description: "Runs the run's automation again with the same input (its current version), and answers 202 with the new run.",
        params: RUN_ID,
        async handler(ctx): Promise<AcceptedRun> {
          const owner = callerOf(ctx).id;
          const earlier = await runs.findRun(owner, ctx.params.runId);
          if (!earlier) throw new NotFoundError('run', ctx.params.runId);
          const target = await repository.findForFiring(earlier.automationId);
          if (!target || target.automation.ownerId !== owner) throw new NotFoundError('run', ctx.params.runId);
          if (isTruncated(earlier.input)) throw new ConflictError('The run’s input was too large to keep, so it cannot be run again', 'runId');
          const outcome = await firing.fire(target, {
            trigger: 'rerun',
            triggerNodeId: earlier.triggerNode,
            fireKeyMayRepeat: false,
            payload: earlier.input,
            wait: false,
          });
          return acceptedRun(ctx.meta, outcome);
        },
      }),
      previewSchedule: defineAction({
        rest: 'POST /schedules/preview',
        description: 'Checks a schedule and describes it, with its next five fire times: what the editor shows beside a Schedule trigger.',
        params: {
          cron: { type: 'string', max: 200, optional: true },
          timeZone: { type: 'string', max: 100, optional: true },
          intervalSeconds: { type: 'number', integer: true, min: 0, max: 31_536_000, optional: true },
        },
        handler(ctx): { description: string; nextFireTimes: string[] } {
          const schedule = Schedule.parse({ ...(ctx.params.cron != null ? { cron: ctx.params.cron } : {}), ...(ctx.params.timeZone != null ? { timeZone: ctx.params.timeZone } : {}), ...(ctx.params.intervalSeconds != null ? { intervalSeconds: ctx.params.intervalSeconds } : {}) });
          return { description: schedule.describe(), nextFireTimes: schedule.next(new Date(), 5).map((time) => time.toISOString()) };
        },
      }),
      hook: defineAction({
        rest: HOOK_ROUTES,
        auth: 'none',
        // A sync webhook waits up to its trigger's timeout (300 s at most), past the broker's default.
        timeout: HOOK_CALL_TIMEOUT_MS,
        description:
          'A webhook trigger. Bodies: JSON, forms (urlencoded or multipart, a file becomes the image output), plain text or an image. Async webhooks answer 202 with the run; sync ones wait for the respond node (an image, or JSON) and answer 202 with the run past their timeout. Signed webhooks need X-Pinksea-Signature; Idempotency-Key makes a retried delivery run once.',
        params: { token: { type: 'string', min: 1, max: 200 }, $$strict: false },
        async handler(ctx): Promise<unknown> {
          return webhooks.serve(ctx, await webhooks.target(ctx.params.token), 'webhook');
        },
      }),
      testHook: defineAction({
        rest: HOOK_ROUTES.map((route) => ({ ...route, path: '/hooks/test/:token' })),
        auth: 'none',
        timeout: HOOK_CALL_TIMEOUT_MS,
        description:
          "The webhook's test URL: runs the workflow's draft (not the published version) once with the request, as the editor shows it; recorded as a run with trigger `test`. Answers as the draft's webhook trigger says; works while the automation is disabled.",
        params: { token: { type: 'string', min: 1, max: 200 }, $$strict: false },
        async handler(ctx): Promise<unknown> {
          return webhooks.serve(ctx, await webhooks.target(ctx.params.token, { draft: true }), 'test');
        },
      }),
    },
  };
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function tokenOf(automation: Automation): string | null {
  return automation.webhookPath?.split('/').pop() ?? null;
}

function settingsOf(params: { [K in keyof AutomationSettings]?: AutomationSettings[K] | null }): AutomationSettings {
  const settings: { -readonly [K in keyof AutomationSettings]?: AutomationSettings[K] } = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || (value === null && key !== 'errorAutomationId')) continue;
    (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}

async function checkErrorAutomation(repository: AutomationRepository, owner: string, errorAutomationId: string | null | undefined, self?: string): Promise<void> {
  if (!errorAutomationId) return;
  if (errorAutomationId === self) throw new InvalidInputError([{ code: 'error_workflow_self', field: 'errorAutomationId', message: 'An automation cannot be its own error workflow' }]);
  if (!(await repository.find(owner, errorAutomationId))) throw new InvalidInputError([{ code: 'unknown_automation', field: 'errorAutomationId', message: `You have no automation "${errorAutomationId}"` }]);
}

function listOf<T extends string>(value: string | null | undefined, allowed: readonly T[], field: string): T[] {
  const values = queryList(value ?? undefined);
  const wrong = values.filter((entry) => !(allowed as readonly string[]).includes(entry));
  if (wrong.length > 0) throw new InvalidInputError([{ code: 'invalid_value', field, message: `Expected one or more of ${allowed.join(', ')}; got ${wrong.join(', ')}` }]);
  return values as T[];
}

