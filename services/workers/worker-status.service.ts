/**
 * A worker's live state for the cluster (every `worker`): its model cache's bytes, models, hits,
 * misses and evictions as metrics, and in its broker metadata the keys of the models it holds, its
 * concurrency and its free cache room, republished within moments of a load or an eviction, so
 * routing sends items to the worker that holds their models (services/queue/item-router.ts).
 */
import type { ServiceBroker, ServiceSchema } from 'moleculer';
import type { ModelCache } from '../models/model-cache';
import type { WorkerCapabilities } from './worker-capabilities';

export const CACHE_GAUGES = {
  bytes: 'pinksea.model_cache.bytes',
  maxBytes: 'pinksea.model_cache.max_bytes',
  models: 'pinksea.model_cache.models',
  hits: 'pinksea.model_cache.hits',
  misses: 'pinksea.model_cache.misses',
  evictions: 'pinksea.model_cache.evictions',
} as const;

export interface WorkerMetadata extends WorkerCapabilities {
  readonly cacheFreeBytes: number;
  readonly cacheModels: number;
  /** Keys of the model records whose models (or parts) the cache holds, most recently used last. */
  readonly models: readonly string[];
  /** Queue items it runs at once. */
  readonly concurrency: number;
}

/** How many model keys a worker advertises; metadata travels in every INFO packet. */
const MAX_ADVERTISED_MODELS = 64;
/** Loads and evictions are published this soon after (several in a row go as one). */
const CHANGE_DELAY_MS = 50;

export interface WorkerStatusOptions {
  readonly cache: ModelCache<unknown>;
  readonly capabilities: WorkerCapabilities;
  readonly concurrency?: number;
  readonly intervalMs?: number;
}

/** Model record keys from cache keys (`key` or `key/submodel`), without repeats, in the cache's order. */
export function heldModelKeys(cacheKeys: readonly string[]): string[] {
  const keys = [...new Set(cacheKeys.map((key) => key.split('/')[0]!))];
  return keys.slice(Math.max(0, keys.length - MAX_ADVERTISED_MODELS));
}

export function createWorkerStatusService(options: WorkerStatusOptions): ServiceSchema {
  let timer: NodeJS.Timeout | undefined;
  let soon: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let published = '';

  const publish = (broker: ServiceBroker): void => {
    const stats = options.cache.stats();
    const metrics = broker.metrics;
    metrics.set(CACHE_GAUGES.bytes, stats.bytes);
    metrics.set(CACHE_GAUGES.maxBytes, stats.maxBytes);
    metrics.set(CACHE_GAUGES.models, stats.models);
    metrics.set(CACHE_GAUGES.hits, stats.hits);
    metrics.set(CACHE_GAUGES.misses, stats.misses);
    metrics.set(CACHE_GAUGES.evictions, stats.evictions);
    const worker: WorkerMetadata = {
      ...options.capabilities,
      cacheFreeBytes: Math.max(0, stats.maxBytes - stats.bytes),
      cacheModels: stats.models,
      models: heldModelKeys(options.cache.keys()),
      concurrency: options.concurrency ?? 1,
    };
    const next = JSON.stringify(worker);
    if (next === published) return;
    published = next;
    // The local node's metadata is the broker's object: change it, then tell the other nodes.
    (broker.metadata as Record<string, unknown>)['worker'] = worker;
    const registry = broker.registry as unknown as { regenerateLocalRawInfo(incrementSeq: boolean): unknown; discoverer: { sendLocalNodeInfo(): Promise<void> } };
    registry.regenerateLocalRawInfo(true);
    void registry.discoverer.sendLocalNodeInfo().catch(() => undefined);
  };

  return {
    name: 'worker-status',
    created() {
      for (const name of Object.values(CACHE_GAUGES)) this.broker.metrics.register({ name, type: 'gauge', description: `Model cache: ${name.split('.').pop()}` });
    },
    events: {
      // Not in started(): republishing node info while the broker is still starting sends an INFO
      // without the node's services, and the other nodes then miss them (seen over NATS).
      '$broker.started'() {
        publish(this.broker);
        timer = setInterval(() => publish(this.broker), options.intervalMs ?? 5000);
        timer.unref();
        unsubscribe = options.cache.subscribe((event) => {
          if (event.name !== 'model_loaded' && event.name !== 'model_evicted') return;
          clearTimeout(soon);
          soon = setTimeout(() => publish(this.broker), CHANGE_DELAY_MS);
        });
      },
    },
    stopped() {
      clearInterval(timer);
      clearTimeout(soon);
      unsubscribe?.();
    },
  };
}
