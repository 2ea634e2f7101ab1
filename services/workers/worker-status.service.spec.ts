import { ServiceBroker } from 'moleculer';
import { ModelCache } from '../models/model-cache';
import { CACHE_GAUGES, createWorkerStatusService, heldModelKeys, type WorkerMetadata } from './worker-status.service';

describe('worker status', () => {
  it('publishes the model cache as metrics and its free room in the broker metadata', async () => {
    const broker = new ServiceBroker({ logger: false, metrics: { enabled: true }, metadata: {} });
    const cache = new ModelCache<unknown>({ maxBytes: 1000 });
    // The periodic republish is slow here: only a cache change can publish the model this soon.
    broker.createService(createWorkerStatusService({ cache, capabilities: { pool: 'basic', accelerator: null, providers: ['cpu'], provider: 'cpu' }, concurrency: 2, intervalMs: 60_000 }));
    await broker.start();
    try {
      const worker = () => (broker.getLocalNodeInfo() as unknown as { metadata: { worker: WorkerMetadata } }).metadata.worker;
      expect(worker().cacheFreeBytes).toBe(1000);
      const lease = await cache.acquire('model-a/unet', 300, async () => ({ session: true }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect([worker().cacheFreeBytes, worker().cacheModels, worker().pool, worker().concurrency]).toEqual([700, 1, 'basic', 2]);
      expect(worker().models).toEqual(['model-a']);
      const gauge = (name: string) => (broker.metrics.getMetric(name) as unknown as { get(): { value: number } }).get().value;
      expect([gauge(CACHE_GAUGES.bytes), gauge(CACHE_GAUGES.maxBytes), gauge(CACHE_GAUGES.misses)]).toEqual([300, 1000, 1]);
      lease.release();
    } finally {
      await broker.stop();
    }
  });
});

describe('heldModelKeys', () => {
  it('advertises record keys once each, parts folded into their model, newest last and at most 64', () => {
    expect(heldModelKeys(['sd/unet', 'ocr', 'sd/vae_decoder'])).toEqual(['sd', 'ocr']);
    const many = heldModelKeys(Array.from({ length: 70 }, (_, index) => `m${index}`));
    expect([many.length, many[0], many[63]]).toEqual([64, 'm6', 'm69']);
  });
});
