import { ModelCache, ModelTooLargeError, type ModelCacheEvent } from './model-cache';

interface Fake {
  readonly name: string;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ModelCache', () => {
  let events: ModelCacheEvent[];
  let disposed: string[];
  let cache: ModelCache<Fake>;
  const load = (name: string) => () => Promise.resolve({ name });
  const held = async (key: string, size = 10) => (await cache.acquire(key, size, load(key))).release();

  beforeEach(() => {
    events = [];
    disposed = [];
    cache = new ModelCache<Fake>({ maxBytes: 100, onEvent: (event) => events.push(event), dispose: (model) => disposed.push(model.name) });
  });

  it('loads once, then serves hits, counting both', async () => {
    const loader = jasmine.createSpy('load').and.callFake(load('a'));
    const first = await cache.acquire('a', 10, loader);
    first.release();
    const second = await cache.acquire('a', 10, loader);
    expect(second.model).toBe(first.model);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toEqual(jasmine.objectContaining({ hits: 1, misses: 1, loads: 1, evictions: 0, bytes: 10, maxBytes: 100, models: 1, locked: 1 }));
    expect(events.map((event) => event.name)).toEqual(['model_cache_miss', 'model_loaded', 'model_cache_hit']);
  });

  it('shares one load between concurrent requests for the same key', async () => {
    const pending = deferred<Fake>();
    const loader = jasmine.createSpy('load').and.returnValue(pending.promise);
    const requests = [cache.acquire('a', 10, loader), cache.acquire('a', 10, loader), cache.acquire('a', 10, loader)];
    await Promise.resolve();
    pending.resolve({ name: 'a' });
    const leases = await Promise.all(requests);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(leases.map((lease) => lease.model)).size).toBe(1);
    expect(cache.stats()).toEqual(jasmine.objectContaining({ loads: 1, bytes: 10, locked: 1 }));
  });

  it('evicts the least recently used unlocked models first', async () => {
    for (const key of ['a', 'b', 'c', 'd']) await held(key, 25);
    await held('a', 25); // a is now the most recent
    await held('e', 50);
    expect(cache.has('a')).toBeTrue();
    expect(cache.has('b')).toBeFalse();
    expect(cache.has('c')).toBeFalse();
    expect(cache.has('d')).toBeTrue();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(disposed).toEqual(['b', 'c']);
    expect(cache.stats()).toEqual(jasmine.objectContaining({ evictions: 2, bytes: 100, models: 3 }));
    expect(events.filter((event) => event.name === 'model_evicted').map((event) => event.payload)).toEqual([
      { key: 'b', sizeBytes: 25, bytes: 75 },
      { key: 'c', sizeBytes: 25, bytes: 50 },
    ]);
  });

  it('never evicts a locked model, and trims once its lease ends', async () => {
    const a = await cache.acquire('a', 60, load('a'));
    const b = await cache.acquire('b', 60, load('b'));
    expect(cache.has('a')).toBeTrue();
    expect(cache.stats().bytes).toBe(120);
    expect(events.some((event) => event.name === 'model_cache_overcommitted')).toBeTrue();
    a.release();
    a.release(); // idempotent
    expect(cache.has('a')).toBeFalse();
    expect(cache.has('b')).toBeTrue();
    expect(cache.stats()).toEqual(jasmine.objectContaining({ bytes: 60, evictions: 1, locked: 1 }));
    b.release();
    expect(cache.stats().locked).toBe(0);
  });

  it('keeps a model locked while any of its leases is held', async () => {
    const first = await cache.acquire('a', 50, load('a'));
    const second = await cache.acquire('a', 50, load('a'));
    first.release();
    await held('b', 50);
    await held('c', 50);
    expect(cache.has('a')).toBeTrue();
    second.release();
    await held('d', 50);
    expect(cache.has('a')).toBeFalse();
  });

  it('does not cache a failed load, and loads again on the next request', async () => {
    const failing = jasmine.createSpy('load').and.returnValue(Promise.reject(new Error('corrupt file')));
    const both = await Promise.allSettled([cache.acquire('a', 10, failing), cache.acquire('a', 10, failing)]);
    expect(both.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(cache.has('a')).toBeFalse();
    expect(cache.stats()).toEqual(jasmine.objectContaining({ bytes: 0, models: 0, locked: 0, failedLoads: 1 }));
    expect(events).toContain({ name: 'model_load_failed', payload: { key: 'a', message: 'corrupt file' } });
    const lease = await cache.acquire('a', 10, load('a'));
    expect(lease.model).toEqual({ name: 'a' });
    expect(cache.stats().loads).toBe(2);
  });

  it('refuses a model larger than the whole cache with a typed error, loading nothing', async () => {
    const loader = jasmine.createSpy('load');
    await held('a', 50);
    const error = await cache.acquire('huge', 101, loader).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelTooLargeError);
    expect((error as ModelTooLargeError).code).toBe('model_too_large');
    expect((error as ModelTooLargeError).kind).toBe('user');
    expect((error as ModelTooLargeError).message).toBe('Model "huge" needs 101 B, more than this worker\'s whole model cache (100 B)');
    expect(loader).not.toHaveBeenCalled();
    expect(cache.has('a')).toBeTrue();
  });

  it('counts the bytes of a model being loaded, so parallel loads do not overshoot', async () => {
    const slow = deferred<Fake>();
    const a = cache.acquire('a', 60, () => slow.promise);
    expect(cache.stats().bytes).toBe(60);
    expect(cache.freeBytes).toBe(40);
    const b = await cache.acquire('b', 30, load('b'));
    expect(cache.stats().bytes).toBe(90);
    slow.resolve({ name: 'a' });
    (await a).release();
    b.release();
    await held('c', 40); // evicts a (least recent), not b
    expect(cache.has('a')).toBeFalse();
    expect(cache.has('b')).toBeTrue();
  });
});
