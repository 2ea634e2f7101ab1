/**
 * A worker's model cache: least recently used models leave first when the bytes they take pass the
 * limit, but a model that an invocation holds (a lease) is never evicted. Loads are asynchronous and
 * shared: concurrent requests for one key wait on the same load. A failed load leaves nothing behind.
 *
 * Pure TypeScript with an injected loader, so the policy is tested without any model runtime.
 */
import { PinkseaError } from '../../engine/errors';
import { formatBytes } from '../../engine/format-bytes';

export class ModelTooLargeError extends PinkseaError {
  override readonly name = 'ModelTooLargeError';
  constructor(key: string, sizeBytes: number, maxBytes: number) {
    super('model_too_large', `Model "${key}" needs ${formatBytes(sizeBytes)}, more than this worker's whole model cache (${formatBytes(maxBytes)})`);
  }
}

/** What one acquire gives: the model, locked in the cache until `release()` (idempotent). */
export interface ModelLease<T> {
  readonly key: string;
  readonly model: T;
  release(): void;
}

export interface ModelCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly loads: number;
  readonly failedLoads: number;
  readonly evictions: number;
  /** Bytes of the models held and being loaded. */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly models: number;
  /** Models with at least one lease. */
  readonly locked: number;
}

/** Events of the cache, one map from name to payload (CONVENTIONS §15). */
export interface ModelCacheEventMap {
  model_cache_hit: { readonly key: string };
  model_cache_miss: { readonly key: string };
  model_loaded: { readonly key: string; readonly sizeBytes: number; readonly durationMs: number; readonly bytes: number };
  model_load_failed: { readonly key: string; readonly message: string };
  model_evicted: { readonly key: string; readonly sizeBytes: number; readonly bytes: number };
  /** Every model is locked, so a load went past the limit; the cache trims when leases end. */
  model_cache_overcommitted: { readonly key: string; readonly bytes: number; readonly maxBytes: number };
}

export type ModelCacheEvent = { [K in keyof ModelCacheEventMap]: { readonly name: K; readonly payload: ModelCacheEventMap[K] } }[keyof ModelCacheEventMap];

export interface ModelCacheOptions<T> {
  readonly maxBytes: number;
  /** Frees an evicted model (an ONNX session's native memory); errors are ignored. */
  readonly dispose?: (model: T, key: string) => unknown;
  readonly onEvent?: (event: ModelCacheEvent) => void;
  readonly now?: () => number;
}

interface Entry<T> {
  readonly key: string;
  readonly sizeBytes: number;
  model?: T;
  loading?: Promise<T>;
  leases: number;
}

export class ModelCache<T> {
  /** Insertion order is recency order: a used entry is moved to the end. */
  private readonly entries = new Map<string, Entry<T>>();
  private counters = { hits: 0, misses: 0, loads: 0, failedLoads: 0, evictions: 0 };
  private bytes = 0;
  private readonly listeners = new Set<(event: ModelCacheEvent) => void>();

  constructor(private readonly options: ModelCacheOptions<T>) {}

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** Bytes the cache could still take without evicting anything. */
  get freeBytes(): number {
    return Math.max(0, this.options.maxBytes - this.bytes);
  }

  /** Keys of the models held (loaded), most recently used last. */
  keys(): string[] {
    return [...this.entries.values()].filter((entry) => entry.model !== undefined).map((entry) => entry.key);
  }

  has(key: string): boolean {
    return this.entries.get(key)?.model !== undefined;
  }

  /** The model under `key`, loaded by `load` unless held or being loaded; locked until the lease is released. */
  async acquire(key: string, sizeBytes: number, load: () => Promise<T>): Promise<ModelLease<T>> {
    let entry = this.entries.get(key);
    if (entry?.model !== undefined) {
      this.counters.hits += 1;
      this.emit({ name: 'model_cache_hit', payload: { key } });
      this.touch(entry);
      entry.leases += 1;
      return this.lease(entry, entry.model);
    }
    this.counters.misses += 1;
    this.emit({ name: 'model_cache_miss', payload: { key } });
    if (!entry) {
      if (sizeBytes > this.options.maxBytes) throw new ModelTooLargeError(key, sizeBytes, this.options.maxBytes);
      entry = { key, sizeBytes, leases: 0 };
      this.makeRoom(sizeBytes, key);
      this.entries.set(key, entry);
      this.bytes += sizeBytes;
      entry.loading = this.load(entry, load);
    }
    entry.leases += 1;
    try {
      const model = await entry.loading!;
      return this.lease(entry, model);
    } catch (error) {
      entry.leases -= 1;
      throw error;
    }
  }

  stats(): ModelCacheStats {
    let locked = 0;
    for (const entry of this.entries.values()) if (entry.leases > 0) locked += 1;
    return { ...this.counters, bytes: this.bytes, maxBytes: this.options.maxBytes, models: this.entries.size, locked };
  }

  private async load(entry: Entry<T>, load: () => Promise<T>): Promise<T> {
    const now = this.options.now ?? (() => performance.now());
    const started = now();
    this.counters.loads += 1;
    try {
      const model = await load();
      entry.model = model;
      this.emit({ name: 'model_loaded', payload: { key: entry.key, sizeBytes: entry.sizeBytes, durationMs: now() - started, bytes: this.bytes } });
      return model;
    } catch (error) {
      this.counters.failedLoads += 1;
      this.entries.delete(entry.key);
      this.bytes -= entry.sizeBytes;
      this.emit({ name: 'model_load_failed', payload: { key: entry.key, message: error instanceof Error ? error.message : String(error) } });
      throw error;
    } finally {
      entry.loading = undefined;
    }
  }

  private lease(entry: Entry<T>, model: T): ModelLease<T> {
    let released = false;
    return {
      key: entry.key,
      model,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        // Over the limit because everything was locked: trim now that something may be free.
        if (this.bytes > this.options.maxBytes) this.makeRoom(0, undefined);
      },
    };
  }

  /** Evicts unlocked, loaded models, least recently used first, until `incoming` more bytes fit. */
  private makeRoom(incoming: number, forKey: string | undefined): void {
    for (const entry of [...this.entries.values()]) {
      if (this.bytes + incoming <= this.options.maxBytes) return;
      if (entry.leases > 0 || entry.model === undefined) continue;
      this.evict(entry);
    }
    if (forKey !== undefined && this.bytes + incoming > this.options.maxBytes) {
      this.emit({ name: 'model_cache_overcommitted', payload: { key: forKey, bytes: this.bytes + incoming, maxBytes: this.options.maxBytes } });
    }
  }

  private evict(entry: Entry<T>): void {
    this.entries.delete(entry.key);
    this.bytes -= entry.sizeBytes;
    this.counters.evictions += 1;
    const model = entry.model as T;
    this.emit({ name: 'model_evicted', payload: { key: entry.key, sizeBytes: entry.sizeBytes, bytes: this.bytes } });
    if (this.options.dispose) {
      const dispose = this.options.dispose;
      void Promise.resolve()
        .then(() => dispose(model, entry.key))
        .catch(() => undefined);
    }
  }

  private touch(entry: Entry<T>): void {
    this.entries.delete(entry.key);
    this.entries.set(entry.key, entry);
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: ModelCacheEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ModelCacheEvent): void {
    this.options.onEvent?.(event);
    for (const listener of this.listeners) listener(event);
  }
}
