/**
 * A worker's live state for the cluster (every `worker`): its model cache's bytes, models, hits,
 * misses and evictions as metrics, and its free cache room in its broker metadata, republished
 * when it changes, so routing can prefer the worker that has room (or holds the model).
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
}

export function createWorkerStatusService(options: { cache: ModelCache<unknown>; capabilities: WorkerCapabilities; intervalMs?: number }): ServiceSchema {
  let timer: NodeJS.Timeout | undefined;
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
    const worker: WorkerMetadata = { ...options.capabilities, cacheFreeBytes: Math.max(0, stats.maxBytes - stats.bytes), cacheModels: stats.models };
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
      },
    },
    stopped() {
      clearInterval(timer);
    },
  };
}
