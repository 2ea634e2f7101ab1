/**
 * The invocation cache: a node's outputs by a key of its type, version and resolved inputs, so an
 * unchanged step is not computed again. A bounded LRU; nodes and graph nodes may opt out.
 */
import type { AnyNodeDefinition } from '../node-definition';

export interface InvocationCache {
  get(key: string): Readonly<Record<string, unknown>> | undefined;
  set(key: string, outputs: Readonly<Record<string, unknown>>): void;
  readonly size: number;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly size: number;
}

export class LruInvocationCache implements InvocationCache {
  private readonly entries = new Map<string, Readonly<Record<string, unknown>>>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private readonly maxEntries = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Readonly<Record<string, unknown>> | undefined {
    const outputs = this.entries.get(key);
    if (outputs === undefined) {
      this.misses++;
      return undefined;
    }
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, outputs);
    this.hits++;
    return outputs;
  }

  set(key: string, outputs: Readonly<Record<string, unknown>>): void {
    this.entries.delete(key);
    this.entries.set(key, outputs);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, size: this.entries.size };
  }
}

/** The cache key: type, version and the canonical JSON of the inputs, hashed to 106 bits. */
export function invocationCacheKey(definition: AnyNodeDefinition, inputs: Readonly<Record<string, unknown>>): string {
  const canonical = `${definition.type}@${definition.version}|${canonicalJson(inputs)}`;
  return `${definition.type}@${definition.version}:${hash53(canonical, 0x9e3779b9).toString(36)}${hash53(canonical, 0x85ebca6b).toString(36)}`;
}

/** JSON with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

/** cyrb53: a fast, well-mixed 53-bit string hash; two seeds give a 106-bit key. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
