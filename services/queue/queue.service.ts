/**
 * The session queue's REST routes (role `api`), shaped after InvokeAI's queue API. Thin: each
 * action validates its params and calls the SessionQueue for the caller's own items. Workers that
 * leave are the scheduler's business (housekeeping.service.ts).
 */
import type { Context, ServiceSchema } from 'moleculer';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { OFFSET_PARAM } from '../kernel/request-params';
import { BATCH_PARAM } from './batch-params';
import { MAX_BATCH_PRIORITY } from './job-transport';
import { ITEM_ID_PATTERN, ITEM_STATUSES } from './queue-store';
import type { SessionQueue } from './session-queue';
import { waitingReason } from './waiting-reason';
import { clusterNodes } from './item-router';

const QUEUE_ID = { type: 'string', pattern: /^[a-z0-9_-]{1,64}$/, messages: { stringPattern: 'queueId must be 1-64 lower-case letters, digits, - or _' } } as const;
const ITEM_ID = { type: 'string', pattern: ITEM_ID_PATTERN, messages: { stringPattern: 'itemId must be a queue item number' } } as const;
const BATCH_ID = { type: 'uuid' } as const;

/** Pending items say why they wait when no worker of their pool could take them. */
function explain<T extends { status: string; pool?: string }>(ctx: Context, item: T): T & { waitingReason?: string } {
  if (item.status !== 'pending') return item;
  const reason = waitingReason(clusterNodes(ctx.broker), item.pool);
  return reason ? { ...item, waitingReason: reason } : item;
}

export function createQueueService(queue: SessionQueue): ServiceSchema {
  return {
    name: 'queue',
    settings: { rest: '/' },
    actions: {
      enqueueBatch: defineAction({
        rest: 'POST /queue/:queueId/enqueue_batch',
        params: {
          queueId: QUEUE_ID,
          batch: BATCH_PARAM,
          priority: { type: 'number', integer: true, min: 0, max: MAX_BATCH_PRIORITY, optional: true },
          origin: { type: 'string', max: 200, optional: true },
          destination: { type: 'string', max: 200, optional: true },
          keepIntermediates: { type: 'boolean', optional: true },
        },
        handler: (ctx) => {
          const caller = callerOf(ctx);
          const { queueId, batch, priority, origin, destination, keepIntermediates } = ctx.params;
          // The validator lets null through for optional params; the queue reads null as not given anyway (`??`).
          const input = { batch, priority: priority ?? undefined, origin: origin ?? undefined, destination: destination ?? undefined, keepIntermediates: keepIntermediates ?? undefined };
          return queue.enqueueBatch(caller.id, queueId, input, caller.plan);
        },
      }),
      list: defineAction({
        rest: 'GET /queue/:queueId/list',
        params: {
          queueId: QUEUE_ID,
          status: { type: 'enum', values: [...ITEM_STATUSES], optional: true },
          batchId: { ...BATCH_ID, optional: true },
          limit: { type: 'number', integer: true, min: 1, max: 500, default: 50, convert: true },
          offset: OFFSET_PARAM,
        },
        handler: async (ctx) => {
          const { queueId, status, batchId, limit, offset } = ctx.params;
          const page = await queue.list(callerOf(ctx).id, queueId, { ...(status ? { status } : {}), ...(batchId ? { batchId } : {}) }, limit, offset);
          return { ...page, items: page.items.map((item) => explain(ctx, item)) };
        },
      }),
      adminList: defineAction({
        rest: 'GET /admin/queue/:queueId/list',
        auth: 'admin',
        params: {
          queueId: QUEUE_ID,
          ownerId: { type: 'uuid' },
          status: { type: 'enum', values: [...ITEM_STATUSES], optional: true },
          limit: { type: 'number', integer: true, min: 1, max: 500, default: 50, convert: true },
          offset: OFFSET_PARAM,
        },
        handler: (ctx) =>
          queue.list(ctx.params.ownerId, ctx.params.queueId, ctx.params.status ? { status: ctx.params.status } : {}, ctx.params.limit, ctx.params.offset),
      }),
      adminCancelAll: defineAction({
        rest: 'PUT /admin/queue/:queueId/cancel_all',
        auth: 'admin',
        params: { queueId: QUEUE_ID, ownerId: { type: 'uuid' } },
        handler: (ctx) => queue.cancel(ctx.params.ownerId, ctx.params.queueId, { kind: 'all' }),
      }),
      get: defineAction({
        rest: 'GET /queue/:queueId/i/:itemId',
        params: { queueId: QUEUE_ID, itemId: ITEM_ID },
        handler: async (ctx) => explain(ctx, await queue.get(callerOf(ctx).id, ctx.params.itemId)),
      }),
      status: defineAction({
        rest: 'GET /queue/:queueId/status',
        params: { queueId: QUEUE_ID, batchId: { ...BATCH_ID, optional: true } },
        // A query string cannot say null; a broker call that sends one means "not given", as leaving it out does.
        handler: (ctx) => queue.counts(callerOf(ctx).id, ctx.params.queueId, ctx.params.batchId ?? undefined),
      }),
      cancelItem: defineAction({
        rest: 'PUT /queue/:queueId/i/:itemId/cancel',
        params: { queueId: QUEUE_ID, itemId: ITEM_ID },
        handler: (ctx) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'item', itemId: ctx.params.itemId }),
      }),
      cancelBatch: defineAction({
        rest: 'PUT /queue/:queueId/b/:batchId/cancel',
        params: { queueId: QUEUE_ID, batchId: BATCH_ID },
        handler: (ctx) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'batch', batchId: ctx.params.batchId }),
      }),
      cancelAll: defineAction({
        rest: 'PUT /queue/:queueId/cancel_all',
        params: { queueId: QUEUE_ID },
        handler: (ctx) => queue.cancel(callerOf(ctx).id, ctx.params.queueId, { kind: 'all' }),
      }),
      retry: defineAction({
        rest: 'PUT /queue/:queueId/retry_items_by_id',
        params: { queueId: QUEUE_ID, itemIds: { type: 'array', min: 1, max: 10_000, items: ITEM_ID } },
        handler: (ctx) => queue.retry(callerOf(ctx).id, ctx.params.queueId, ctx.params.itemIds),
      }),
      prune: defineAction({
        rest: 'PUT /queue/:queueId/prune',
        params: { queueId: QUEUE_ID },
        handler: (ctx) => queue.prune(callerOf(ctx).id, ctx.params.queueId),
      }),
    },
  };
}
