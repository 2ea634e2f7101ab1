/**
 * The session queue's REST routes (role `api`), shaped after InvokeAI's queue API. Thin: each
 * action validates its params and calls the SessionQueue for the caller's own items. Workers that
 * leave are the scheduler's business (housekeeping.service.ts).
 */
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { callerOf, type RequestMeta } from '../kernel/auth-middleware';
import { OFFSET_PARAM } from '../kernel/request-params';
import { BATCH_PARAM } from './batch-params';
import { MAX_BATCH_PRIORITY } from './job-transport';
import { ITEM_ID_PATTERN, ITEM_STATUSES, type ItemStatus } from './queue-store';
import type { EnqueueInput, SessionQueue } from './session-queue';
import { waitingReason, type ClusterNode } from './waiting-reason';
import { workerInstances, workerViews, type WorkerView } from './item-router';

const QUEUE_ID = { type: 'string', pattern: /^[a-z0-9_-]{1,64}$/, messages: { stringPattern: 'queueId must be 1-64 lower-case letters, digits, - or _' } } as const;
const ITEM_ID = { type: 'string', pattern: ITEM_ID_PATTERN, messages: { stringPattern: 'itemId must be a queue item number' } } as const;
const BATCH_ID = { type: 'uuid' } as const;

type Ctx<P> = Context<P, RequestMeta>;

/** Pending items say why they wait when no worker of their pool could take them. */
function explain<T extends { status: string; pool?: string }>(ctx: Context, item: T): T & { waitingReason?: string } {
  if (item.status !== 'pending') return item;
  const reason = waitingReason(clusterNodes(ctx.broker), item.pool);
  return reason ? { ...item, waitingReason: reason } : item;
}

function clusterNodes(broker: ServiceBroker): ClusterNode[] {
  return broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as ClusterNode[];
}

/** The workers up now, as routing sees them. */
export function liveWorkers(broker: ServiceBroker): WorkerView[] {
  return workerViews(clusterNodes(broker));
}

/** The incarnations (broker instance ids) of the workers up now: a worker restarted under its old node id is a new one. */
export function liveWorkerInstances(broker: ServiceBroker): string[] {
  return workerInstances(clusterNodes(broker));
}

export function createQueueService(queue: SessionQueue): ServiceSchema {
  return {
    name: 'queue',
    settings: { rest: '/' },
    actions: {
      enqueueBatch: {
        rest: 'POST /queue/:queueId/enqueue_batch',
        params: {
          queueId: QUEUE_ID,
          batch: BATCH_PARAM,
          priority: { type: 'number', integer: true, min: 0, max: MAX_BATCH_PRIORITY, optional: true },
          origin: { type: 'string', max: 200, optional: true },
          destination: { type: 'string', max: 200, optional: true },
          keepIntermediates: { type: 'boolean', optional: true },
        },
        handler: (ctx: Ctx<EnqueueInput & { queueId: string }>) => {
          const caller = callerOf(ctx);
          return queue.enqueueBatch(caller.id, ctx.params.queueId, ctx.params, caller.plan);
        },
      },
      list: {
        rest: 'GET /queue/:queueId/list',
        params: {
          queueId: QUEUE_ID,
          status: { type: 'enum', values: [...ITEM_STATUSES], optional: true },
          batchId: { ...BATCH_ID, optional: true },
          limit: { type: 'number', integer: true, min: 1, max: 500, default: 50, convert: true },
          offset: OFFSET_PARAM,
        },
        handler: async (ctx: Ctx<{ queueId: string; status?: ItemStatus; batchId?: string; limit: number; offset: number }>) => {
          const { queueId, status, batchId, limit, offset } = ctx.params;
          const page = await queue.list(callerOf(ctx).id, queueId, { ...(status ? { status } : {}), ...(batchId ? { batchId } : {}) }, limit, offset);
          return { ...page, items: page.items.map((item) => explain(ctx, item)) };
        },
      },
      adminList: {
        rest: 'GET /admin/queue/:queueId/list',
        auth: 'admin',
        params: {
          queueId: QUEUE_ID,
          ownerId: { type: 'uuid' },
          status: { type: 'enum', values: [...ITEM_STATUSES], optional: true },
          limit: { type: 'number', integer: true, min: 1, max: 500, default: 50, convert: true },
          offset: OFFSET_PARAM,
        },
        handler: (ctx: Ctx<{ queueId: string; ownerId: string; status?: ItemStatus; limit: number; offset: number }>) =>
          queue.list(ctx.params.ownerId, ctx.params.queueId, ctx.params.status ? { status: ctx.params.status } : {}, ctx.params.limit, ctx.params.offset),
      },
      adminCancelAll: {
        rest: 'PUT /admin/queue/:queueId/cancel_all',
        auth: 'admin',
        params: { queueId: QUEUE_ID, ownerId: { type: 'uuid' } },
        handler: (ctx: Ctx<{ queueId: string; ownerId: string }>) => queue.cancel(ctx.params.ownerId, ctx.params.queueId, { kind: 'all' }),
      },
      get: {
        rest: 'GET /queue/:queueId/i/:itemId',
        params: { queueId: QUEUE_ID, itemId: ITEM_ID },
        handler: async (ctx: Ctx<{ itemId: string }>) => explain(ctx, await queue.get(callerOf(ctx).id, ctx.params.itemId)),
      },
      status: {
        rest: 'GET /queue/:queueId/status',
        params: { queueId: QUEUE_ID, batchId: { ...BATCH_ID, optional: true } },
        handler: (ctx: Ctx<{ queueId: string; batchId?: string }>) => queue.counts(callerOf(ctx).id, ctx.params.queueId, ctx.params.batchId),
      },
      cancelItem: {
        rest: 'PUT /queue/:queueId/i/:itemId/cancel',
        params: { queueId: QUEUE_ID, itemId: ITEM_ID },
        handler: (ctx: Ctx<{ queueId: string; itemId: string }>) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'item', itemId: ctx.params.itemId }),
      },
      cancelBatch: {
        rest: 'PUT /queue/:queueId/b/:batchId/cancel',
        params: { queueId: QUEUE_ID, batchId: BATCH_ID },
        handler: (ctx: Ctx<{ queueId: string; batchId: string }>) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'batch', batchId: ctx.params.batchId }),
      },
      cancelAll: {
        rest: 'PUT /queue/:queueId/cancel_all',
        params: { queueId: QUEUE_ID },
        handler: (ctx: Ctx<{ queueId: string }>) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'all' }),
      },
      retry: {
        rest: 'PUT /queue/:queueId/retry_items_by_id',
        params: { queueId: QUEUE_ID, itemIds: { type: 'array', min: 1, max: 10_000, items: ITEM_ID } },
        handler: (ctx: Ctx<{ queueId: string; itemIds: string[] }>) => queue.retry(callerOf(ctx).id, ctx.params.queueId, ctx.params.itemIds),
      },
      prune: {
        rest: 'PUT /queue/:queueId/prune',
        params: { queueId: QUEUE_ID },
        handler: (ctx: Ctx<{ queueId: string }>) => queue.prune(callerOf(ctx).id, ctx.params.queueId),
      },
    },
  };
}
