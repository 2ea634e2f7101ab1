/**
 * Starts Pinksea: the database (external or embedded, migrated), the node packs, the broker and the
 * services of this process's role. `all` runs every role in one process (the `npm start`
 * default); a cluster runs `api`, `worker` and `scheduler` processes that share the database, the
 * job queue and a broker transporter.
 */
import { randomUUID } from 'node:crypto';
import { ServiceBroker, type ServiceSchema } from 'moleculer';
import type { PinkseaConfig, Role } from '../../config/config';
import { LruInvocationCache } from '../../engine/execution/invocation-cache';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { createBrokerOptions } from '../../moleculer.config';
import { createAccountsService } from '../accounts/accounts.service';
import { ensureAdmin, type EnsureAdminResult } from '../accounts/ensure-admin';
import { createApiService, gatewayUrl, refreshRoutes } from '../api/api.service';
import { createDocsService } from '../api/docs.service';
import { createBoardsService } from '../boards/boards.service';
import { createCredentialAccess } from '../credentials/credential-access';
import { CredentialRepository } from '../credentials/credential.repository';
import { createCredentialsService } from '../credentials/credentials.service';
import { openDatabase, type Database } from '../database/database';
import { createEventsService } from '../events/events.service';
import { createHealthService } from '../health/health.service';
import { createImageSaver } from '../images/image-saver';
import { imageOrphanSweep } from '../images/image-objects';
import { ImageRepository } from '../images/image.repository';
import { createImagesService } from '../images/images.service';
import { BlobImageFileStore } from '../images/blob-image-file-store';
import { deliveryOptions, imageDeliveryOrigin } from '../images/image-delivery';
import { createOwnerImageStore } from '../images/owner-image-store';
import { WorkingImages } from '../images/working-images';
import { discardRunImages } from '../images/run-images';
import { createMetricsService } from '../metrics/metrics.service';
import { ModelCache } from '../models/model-cache';
import { cachedModelRecords } from '../models/cached-model-records';
import { ModelRepository } from '../models/model.repository';
import { createModelsService } from '../models/models.service';
import { registerStarterModels } from '../models/starter-models';
import { createWorkerModelLoader, disposeLoadedModel } from '../models/worker-model-loader';
import { StoredModelFiles } from '../models/model-file-source';
import { SessionThread } from '../models/session-thread';
import { describeWorker } from '../workers/worker-capabilities';
import { createWorkerStatusService } from '../workers/worker-status.service';
import { QueueStatusRepository } from '../metrics/queue-status.repository';
import { createNodesService } from '../nodes/nodes.service';
import { InstalledPackHost, packsDirOf } from '../plugins/installed-pack-host';
import { InstalledPackRepository } from '../plugins/installed-pack.repository';
import { PackInstaller } from '../plugins/pack-installer';
import { FIRST_PARTY_PACK_NAMES, FIRST_PARTY_PACKS } from '../plugins/first-party-packs';
import { loadPackFromFolder } from '../plugins/pack-loader';
import { createPluginAgentService } from '../plugins/plugin-agent.service';
import { createPluginsService } from '../plugins/plugins.service';
import { JobTransport } from '../queue/job-transport';
import { createHousekeepingService } from '../queue/housekeeping.service';
import { createQueueService } from '../queue/queue.service';
import { liveWorkerInstances, liveWorkers } from '../queue/item-router';
import { createGenerationService } from '../generation/generation.service';
import { PlanCatalog } from '../billing/plan-catalog';
import { createPlansService } from '../billing/plans.service';
import { AdminAuditLog, createAdminAuditMiddleware } from '../billing/admin-audit';
import { createCreditsService } from '../billing/credits.service';
import { QueueRepository } from '../queue/queue.repository';
import { EventWatchers } from '../queue/event-watchers';
import { brokerEventSink, brokerInterrupt, createRunnerService } from '../queue/runner.service';
import { SessionContextHost } from '../queue/session-context-host';
import { SessionQueue } from '../queue/session-queue';
import { SessionRunner } from '../queue/session-runner';
import { createWorkflowVersionsService } from '../workflows/workflow-versions.service';
import { createWorkflowsService } from '../workflows/workflows.service';
import { PLATFORM_ENTITIES } from './platform-entities';
import { AutomationRuntime } from '../automations/automation-runtime';
import { createAutomationSchedulerService } from '../automations/automation-scheduler.service';
import { createAutomationsService } from '../automations/automations.service';
import { INLINE_PACK_NAMES, InlineRuns } from '../automations/inline-runs';
import { SecretBox } from '../automations/secret-box';
import { resolveJwtSecret } from '../accounts/jwt-secret';
import { startRunnerThreads } from './runner-threads';
import type { BlobStore } from '../storage/blob-store';
import { createBlobStore } from '../storage/blob-store-factory';
import { createStorageHousekeepingService } from '../storage/storage-housekeeping.service';
import { modelOrphanSweep } from '../models/model-objects';
import { packOrphanSweep } from '../plugins/pack-objects';


export interface Platform {
  readonly broker: ServiceBroker;
  readonly database: Database;
  /** Where its files live (the data dir, or the S3 bucket of PINKSEA_STORAGE=s3). */
  readonly blobs: BlobStore;
  /** The API's base URL on processes that serve it. */
  readonly url: string | undefined;
  readonly admin: EnsureAdminResult | undefined;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Set on a runner thread: the BroadcastChannel of the api broker that started it. */
  readonly threadChannel?: string | undefined;
  /** Register the packaged models (false on runner threads: their api process already did). */
  readonly registerStarterModels?: boolean;
}

const runs = (role: Role, part: Exclude<Role, 'all'>) => role === 'all' || role === part;
/** How long a worker trusts a model record it looked up (a removed model stops loading within it). */
const MODEL_RECORD_TTL_MS = 5000;

export async function startPlatform(config: PinkseaConfig, options: PlatformOptions = {}): Promise<Platform> {
  // The all role runs its items on runner threads (runner-threads.ts), not beside the HTTP server.
  const runnerThreads = config.role === 'all' ? config.runnerThreads : 0;
  const runsItems = runs(config.role, 'worker') && runnerThreads === 0;
  const threadChannel = options.threadChannel ?? (runnerThreads > 0 && !config.transporter ? `pinksea-${randomUUID()}` : undefined);
  // Before anything else starts: a missing bucket or an unwritable data dir stops the start with the setting named.
  const blobs = createBlobStore(config);
  await blobs.check();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, embeddedPort: config.embeddedDatabasePort, entities: PLATFORM_ENTITIES });
  const { dataSource } = database;
  const registry = new NodeRegistry();
  const extra = config.packPaths.split(',').map((folder) => folder.trim()).filter(Boolean);
  for (const folder of [...FIRST_PARTY_PACKS, ...extra]) await loadPackFromFolder(folder, registry);

  const capabilities = runsItems ? await describeWorker(config) : undefined;
  // Admin changes are written to the audit log once its database is open (the api role's routes).
  let audit: AdminAuditLog | undefined;
  const auditMiddleware = createAdminAuditMiddleware(() => audit, { error: (...args: unknown[]) => broker.getLogger('audit').error(...args) });
  const broker = new ServiceBroker(createBrokerOptions(config, capabilities ? { worker: capabilities } : {}, threadChannel, [auditMiddleware]));
  // Packs installed at run time, after the built-in ones; the plugin agent keeps them in step.
  const installedPacks = new InstalledPackRepository(dataSource);
  const packHost = new InstalledPackHost({ registry, store: installedPacks, packsDir: packsDirOf(config.dataDir), blobs, logger: broker.getLogger('plugins') });
  await packHost.reconcile();
  const transport = new JobTransport({
    redisUrl: config.redisUrl,
    postgresUrl: database.url,
    queueName: config.queueName,
    lockDurationMs: config.jobLockMs,
    stalledIntervalMs: config.jobStalledCheckMs,
  });
  const store = new QueueRepository(dataSource);
  const watchers = new EventWatchers();
  const events = brokerEventSink(broker, watchers);
  const files = new BlobImageFileStore(blobs);
  const plans = new PlanCatalog(dataSource);
  const graphLimits = { maxNodes: config.maxGraphNodes, maxEdges: config.maxGraphEdges };
  const queue = new SessionQueue({
    store,
    transport,
    registry,
    events,
    maxBatchItems: config.maxBatchItems,
    graphLimits,
    interrupt: brokerInterrupt(broker),
    // The owner's plan picks the pool; a plan that has ended (a trial past its days) refuses the run.
    poolOf: (ownerId) => plans.admit(ownerId),
    ...(config.cacheAwareRouting ? { workers: () => liveWorkers(broker) } : {}),
  });

  // One key for the stored secrets (webhook signing secrets, the credentials vault) where they are read: routes, triggers and runs.
  const secretsKey = runs(config.role, 'api') || runs(config.role, 'scheduler') || runsItems ? config.secretsKey || (await resolveJwtSecret(config)) : undefined;
  const secrets = secretsKey === undefined ? undefined : new SecretBox(secretsKey);
  // Automations fire where they are received (api) or scheduled (scheduler); graphs without model nodes run on inline threads there.
  const automations = runs(config.role, 'api') || runs(config.role, 'scheduler') ? automationRuntime(config, { database, registry, queue, broker, files, secretsKey: secretsKey! }) : undefined;

  const services: ServiceSchema[] = [createPluginAgentService(packHost)];
  let stopWorker = async (): Promise<void> => undefined;
  let api: unknown;
  if (runs(config.role, 'api')) {
    services.push(
      createHealthService(dataSource),
      createNodesService(registry, { ...graphLimits, maxItems: config.maxBatchItems }),
      createAccountsService({ dataSource, config }),
      createQueueService(queue),
      createGenerationService({ queue, registry, models: new ModelRepository(dataSource), images: new ImageRepository(dataSource), maxPixels: config.maxGenerationPixels, plans }),
      createImagesService({ dataSource, config, files }),
      createBoardsService({ dataSource }),
      createWorkflowsService({ dataSource }),
      createWorkflowVersionsService({ dataSource, registry, graphLimits }),
      createModelsService({ dataSource, config, blobs }),
      createEventsService(),
      createDocsService(),
      createMetricsService({ queueStatus: new QueueStatusRepository(dataSource), token: config.metricsToken }),
      createPluginsService({ installer: new PackInstaller({ store: installedPacks, host: packHost, packsDir: packsDirOf(config.dataDir), blobs }), maxUploadBytes: config.maxUploadBytes }),
      createAutomationsService({ runtime: automations!.runtime, registry, secrets: secrets!, plans }),
      createPlansService({ dataSource, catalog: plans, audit: (audit = new AdminAuditLog(dataSource)) }),
      createCreditsService({ dataSource }),
      createCredentialsService({ dataSource, secrets: secrets! }),
    );
  }
  if (runsItems) {
    const records = new ImageRepository(dataSource);
    const modelRecords = cachedModelRecords(new ModelRepository(dataSource), { ttlMs: MODEL_RECORD_TTL_MS });
    const modelLogger = broker.getLogger('model-cache');
    const sessions = new SessionThread();
    stopWorker = () => sessions.close();
    const modelCache = new ModelCache<unknown>({
      maxBytes: config.modelCacheBytes,
      dispose: disposeLoadedModel,
      onEvent: (event) => modelLogger.debug(event.name, event.payload),
    });
    // A model installed on another machine is fetched from the blob store into this worker's data dir.
    const modelFiles = new StoredModelFiles({
      dataDir: config.dataDir,
      blobs,
      maxFileBytes: config.modelCacheBytes,
      onEvent: (event) => (event.name === 'model_fetch_progress' ? modelLogger.debug(event.name, event.payload) : modelLogger.info(event.name, event.payload)),
    });
    const saver = createImageSaver(files, records);
    const credentialRecords = new CredentialRepository(dataSource);
    const runner = new SessionRunner({
      store,
      registry,
      events,
      workerName: broker.nodeID,
      instanceId: broker.instanceID,
      maxAttempts: config.maxItemAttempts,
      liveInstances: () => liveWorkerInstances(broker),
      discardEarlierAttempts: (item) => discardRunImages({ records, files }, item.ownerId, item.id, new Date(item.startedAt ?? Date.now())),
      ...(config.invocationCacheSize > 0 ? { cache: new LruInvocationCache(config.invocationCacheSize) } : {}),
      hostFor: (item) => {
        // Working images stay in memory unless the batch asked to record every one (the studio's editor shows each step's).
        const working = item.keepIntermediates ? undefined : new WorkingImages();
        const images = createOwnerImageStore({ ownerId: item.ownerId, files, records, saver, sessionId: item.id, graph: item.graph, ...(working ? { working } : {}) });
        return new SessionContextHost({
          images,
          models: () =>
            createWorkerModelLoader({ records: modelRecords, cache: modelCache, ownerId: item.ownerId, dataDir: config.dataDir, files: modelFiles, provider: capabilities!.provider, sessions }),
          logger: broker.getLogger('node'),
          credentials: createCredentialAccess({ records: credentialRecords, secrets: secrets!, ownerId: item.ownerId }),
          network: { allowPrivateAddresses: config.allowPrivateNodeUrls },
          settle: (results) => images.keepNamedIn(results),
        });
      },
    });
    services.push(
      createRunnerService({ transport, runner, watchers, concurrency: config.workerConcurrency, pool: config.workerPool }),
      createWorkerStatusService({ cache: modelCache, capabilities: capabilities!, concurrency: config.workerConcurrency }),
    );
  }
  if (runs(config.role, 'scheduler')) {
    const sweeps = [imageOrphanSweep(new ImageRepository(dataSource)), modelOrphanSweep(new ModelRepository(dataSource)), packOrphanSweep(installedPacks)];
    services.push(
      createHousekeepingService(queue),
      createStorageHousekeepingService({ blobs, sweeps }),
      createAutomationSchedulerService({ runtime: automations!.runtime, databaseUrl: database.url, tickMs: config.schedulerTickMs }),
    );
  }
  for (const schema of services) broker.createService(schema);
  if (runs(config.role, 'api')) {
    // Where the image routes redirect to presigned URLs, the studio shows images from the store's origin.
    const imageOrigin = await imageDeliveryOrigin(files, deliveryOptions(config));
    api = broker.createService(createApiService({ port: config.port, host: config.host, studioDir: config.studioDir, imageOrigins: imageOrigin ? [imageOrigin] : [] }));
  }

  // Before the broker starts, so the first item a worker takes already finds them.
  if (options.registerStarterModels !== false) await registerStarterModels(new ModelRepository(dataSource), { dataDir: config.dataDir });
  await Promise.all([broker.start(), automations?.runtime.inline.start()]);
  const runners =
    runnerThreads > 0
      ? await startRunnerThreads({ config, count: runnerThreads, nodeId: broker.nodeID, databaseUrl: database.url, channel: threadChannel, logger: broker.getLogger('runners') }).catch(async (error: unknown) => {
          await broker.stop();
          await automations?.runtime.stop();
          await transport.close();
          await database.close();
          throw error;
        })
      : undefined;
  if (api) refreshRoutes(api);
  const admin = runs(config.role, 'api') ? await ensureAdmin({ dataSource, config }) : undefined;
  // Work enqueued just before a crash or restart is handed to the workers again.
  if (runs(config.role, 'scheduler')) await queue.requeuePending();

  return {
    broker,
    database,
    blobs,
    url: api ? gatewayUrl(api as never) : undefined,
    admin,
    async stop() {
      // Runners first: their items end or go back to the queue while the api still answers.
      await runners?.stop();
      await broker.stop();
      await automations?.runtime.stop();
      await stopWorker();
      await transport.close();
      await database.close();
      blobs.close?.();
    },
  };
}

/** What firing automations takes on this process: the inline run threads (given the secrets key, for stored credentials) and the shared runtime. */
function automationRuntime(
  config: PinkseaConfig,
  parts: { database: Database; registry: NodeRegistry; queue: SessionQueue; broker: ServiceBroker; files: BlobImageFileStore; secretsKey: string },
): { runtime: AutomationRuntime } {
  const logger = parts.broker.getLogger('automations');
  const packFolders = FIRST_PARTY_PACKS.filter((_, index) => (INLINE_PACK_NAMES as readonly string[]).includes(FIRST_PARTY_PACK_NAMES[index]!));
  const inline = new InlineRuns({ config, databaseUrl: parts.database.url, threads: config.inlineRunThreads, packFolders, secretsKey: parts.secretsKey, logger });
  // A posted image a run still needs after the answer (an async webhook's, for retries too) is kept as the owner's working image.
  const saver = createImageSaver(parts.files, new ImageRepository(parts.database.dataSource));
  const keepImage = async (ownerId: string, data: Uint8Array) => ({ imageName: (await saver.save(ownerId, { data, origin: 'external', intermediate: true })).name });
  const runtime = new AutomationRuntime({ dataSource: parts.database.dataSource, registry: parts.registry, queue: parts.queue, inline, nodeId: parts.broker.nodeID, logger, keepImage });
  return { runtime };
}
