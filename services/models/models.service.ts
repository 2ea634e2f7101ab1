/**
 * The model manager's REST routes (service `models`, role api): list, read, install as a job,
 * follow and cancel jobs, rename, delete. Each action declares its params and hands the caller to
 * the manager, which decides what they may see and change.
 */
import type { ServiceBroker, ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import type { PinkseaConfig } from '../../config/config';
import { defineAction } from '../kernel/action-params';
import { callerOf } from '../kernel/auth-middleware';
import { PAGE_PARAMS, type Page } from '../kernel/request-params';
import type { BlobStore } from '../storage/blob-store';
import type { InstallJob, ModelEventMap, ModelEventSink } from './model-events';
import { ModelManager } from './model-manager';
import type { ModelRecord } from './model-records';
import { ModelRepository } from './model.repository';
import type { Lookup } from '../../nodes/sdk/url-guard';
import type { ScannedModel } from './model-scan';

/** The broker event that carries model events to every gateway's sockets. */
export const MODEL_EVENT = 'models.event';

export interface ModelEventEnvelope {
  readonly ownerId: string;
  readonly name: keyof ModelEventMap;
  readonly payload: ModelEventMap[keyof ModelEventMap];
}

export interface ModelsServiceOptions {
  readonly dataSource: DataSource;
  readonly config: Pick<PinkseaConfig, 'dataDir' | 'allowPrivateModelUrls' | 'maxModelDownloadBytes'>;
  /** Where installed models' files go for workers on other machines (the platform's blob store). */
  readonly blobs: BlobStore;
  /** Name resolution for the URL guard (specs). */
  readonly lookup?: Lookup;
  /** Receives the manager, for specs that wait on jobs. */
  readonly onManager?: (manager: ModelManager) => void;
}

const KEY = { key: { type: 'string', min: 1, max: 100 } } as const;
const JOB = { id: { type: 'string', min: 1, max: 100 } } as const;
const TEXT = (max: number) => ({ type: 'string', min: 1, max, trim: true, optional: true }) as const;

export function brokerModelEvents(broker: () => ServiceBroker | undefined): ModelEventSink {
  return {
    emit(ownerId, name, payload) {
      void broker()?.broadcast(MODEL_EVENT, { ownerId, name, payload });
    },
  };
}

export function createModelsService(options: ModelsServiceOptions): ServiceSchema {
  let broker: ServiceBroker | undefined;
  const manager = new ModelManager({
    records: new ModelRepository(options.dataSource),
    dataDir: options.config.dataDir,
    blobs: options.blobs,
    allowPrivateUrls: options.config.allowPrivateModelUrls,
    maxDownloadBytes: options.config.maxModelDownloadBytes,
    events: brokerModelEvents(() => broker),
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  options.onManager?.(manager);

  return {
    name: 'models',
    settings: { rest: '/' },
    created() {
      broker = (this as unknown as { broker: ServiceBroker }).broker;
    },
    async stopped() {
      await manager.close();
    },
    actions: {
      list: defineAction({
        rest: 'GET /models',
        params: { ...PAGE_PARAMS, type: TEXT(50), base: TEXT(50) },
        handler(ctx): Promise<Page<ModelRecord>> {
          const { limit, offset, type, base } = ctx.params;
          // A query string cannot say null; a broker call that sends one means "not given", as leaving it out does.
          return manager.list(callerOf(ctx), { type: type ?? undefined, base: base ?? undefined }, { limit, offset });
        },
      }),
      job: defineAction({
        rest: 'GET /models/jobs/:id',
        params: JOB,
        handler(ctx): InstallJob {
          return manager.job(callerOf(ctx), ctx.params.id);
        },
      }),
      cancelJob: defineAction({
        rest: 'POST /models/jobs/:id/cancel',
        params: JOB,
        handler(ctx): InstallJob {
          return manager.cancel(callerOf(ctx), ctx.params.id);
        },
      }),
      scan: defineAction({
        rest: 'POST /models/scan',
        auth: 'admin',
        params: { folder: { type: 'string', min: 1, max: 4096 } },
        async handler(ctx): Promise<{ folder: string; models: ScannedModel[] }> {
          return { folder: ctx.params.folder, models: await manager.scan(callerOf(ctx), ctx.params.folder) };
        },
      }),
      install: defineAction({
        rest: 'POST /models/install',
        params: { source: { type: 'string', min: 1, max: 4096 }, name: TEXT(200), description: { type: 'string', max: 2000, optional: true }, shared: { type: 'boolean', optional: true } },
        async handler(ctx): Promise<InstallJob> {
          // The validator lets null through for optional params; the manager reads null as not given anyway (`??`).
          const { source, name, description, shared } = ctx.params;
          const job = await manager.install(callerOf(ctx), { source, name: name ?? undefined, description: description ?? undefined, shared: shared ?? undefined });
          ctx.meta.$statusCode = 202;
          ctx.meta.$location = `/api/v1/models/jobs/${job.id}`;
          return job;
        },
      }),
      get: defineAction({
        rest: 'GET /models/:key',
        params: KEY,
        handler(ctx): Promise<ModelRecord> {
          return manager.get(callerOf(ctx), ctx.params.key);
        },
      }),
      update: defineAction({
        rest: 'PATCH /models/:key',
        params: { ...KEY, name: TEXT(200), description: { type: 'string', max: 2000, optional: true } },
        handler(ctx): Promise<ModelRecord> {
          const { key, name, description } = ctx.params;
          // null leaves a field as it is, like leaving it out (the columns hold no null).
          return manager.update(callerOf(ctx), key, { name: name ?? undefined, description: description ?? undefined });
        },
      }),
      remove: defineAction({
        rest: 'DELETE /models/:key',
        params: KEY,
        async handler(ctx): Promise<{ key: string; deleted: true }> {
          await manager.remove(callerOf(ctx), ctx.params.key);
          return { key: ctx.params.key, deleted: true };
        },
      }),
    },
  };
}
