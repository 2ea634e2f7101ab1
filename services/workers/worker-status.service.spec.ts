import { ServiceBroker } from 'moleculer';
import { ModelCache } from '../models/model-cache';
import { CACHE_GAUGES, createWorkerStatusService, type WorkerMetadata } from './worker-status.service';

describe('worker status', () => {
  it('publishes the model cache as metrics and its free room in the broker metadata', async () => {
    const broker = new ServiceBroker({ logger: false, metrics: { enabled: true }, metadata: {} });
    const cache = new ModelCache<unknown>({ maxBytes: 1000 });
    broker.createService(createWorkerStatusService({ cache, capabilities: { pool: 'basic', accelerator: null, providers: ['cpu'], provider: 'cpu' }, intervalMs: 10 }));
    await broker.start();
    try {
      const worker = () => (broker.getLocalNodeInfo() as unknown as { metadata: { worker: WorkerMetadata } }).metadata.worker;
      expect(worker().cacheFreeBytes).toBe(1000);
      const lease = await cache.acquire('model-a', 300, async () => ({ session: true }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([worker().cacheFreeBytes, worker().cacheModels, worker().pool]).toEqual([700, 1, 'basic']);
      const gauge = (name: string) => (broker.metrics.getMetric(name) as unknown as { get(): { value: number } }).get().value;
      expect([gauge(CACHE_GAUGES.bytes), gauge(CACHE_GAUGES.maxBytes), gauge(CACHE_GAUGES.misses)]).toEqual([300, 1000, 1]);
      lease.release();
    } finally {
      await broker.stop();
    }
  });
});
