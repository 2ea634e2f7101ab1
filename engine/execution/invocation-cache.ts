/**
 * The invocation cache: a node's outputs by a key of its type, version and resolved inputs, so an
 * unchanged step is not computed again. A bounded LRU (lru-cache, a pure data structure); nodes
 * and graph nodes may opt out.
 */
import { LRUCache } from 'lru-cache';
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
  private readonly entries: LRUCache<string, Readonly<Record<string, unknown>>>;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(maxEntries = 1000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.entries = new LRUCache({ max: maxEntries, dispose: (_outputs, _key, reason) => reason === 'evict' && this.evictions++ });
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Readonly<Record<string, unknown>> | undefined {
    const outputs = this.entries.get(key);
    if (outputs === undefined) this.misses++;
    else this.hits++;
    return outputs;
  }

  set(key: string, outputs: Readonly<Record<string, unknown>>): void {
    this.entries.set(key, outputs);
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
  const id = `${definition.type}@${definition.version}`;
  return `${id}:${hash106(`${id}|${canonicalJson(inputs)}`)}`;
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order.
 * Iterative (node outputs may nest deeper than the stack allows); a value that contains itself
 * is refused as JSON.stringify refuses it.
 */
export function canonicalJson(value: unknown): string {
  let text = '';
  /** Open lists and objects, innermost last, with the entries still to write. */
  const open: { readonly container: object; readonly keys: readonly string[] | undefined; next: number; wrote: boolean }[] = [];
  const ancestors = new Set<object>();
  let pending: unknown = value;
  for (;;) {
    if (pending === undefined || pending === null || typeof pending !== 'object') {
      text += pending === undefined ? 'null' : JSON.stringify(pending);
    } else {
      if (ancestors.has(pending)) throw new TypeError('Converting circular structure to JSON');
      ancestors.add(pending);
      const isList = Array.isArray(pending);
      text += isList ? '[' : '{';
      open.push({ container: pending, keys: isList ? undefined : Object.keys(pending).sort(), next: 0, wrote: false });
    }
    pending = NOTHING;
    while (pending === NOTHING && open.length > 0) {
      const frame = open[open.length - 1]!;
      if (frame.keys === undefined) {
        const list = frame.container as readonly unknown[];
        if (frame.next < list.length) {
          if (frame.wrote) text += ',';
          frame.wrote = true;
          pending = list[frame.next++];
          continue;
        }
      } else {
        const record = frame.container as Record<string, unknown>;
        while (frame.next < frame.keys.length && record[frame.keys[frame.next]!] === undefined) frame.next++;
        if (frame.next < frame.keys.length) {
          const key = frame.keys[frame.next++]!;
          text += `${frame.wrote ? ',' : ''}${JSON.stringify(key)}:`;
          frame.wrote = true;
          pending = record[key];
          continue;
        }
      }
      text += frame.keys === undefined ? ']' : '}';
      ancestors.delete(frame.container);
      open.pop();
    }
    if (pending === NOTHING) return text;
  }
}

const NOTHING = Symbol('nothing');

/**
 * Two cyrb53 hashes with different seeds in one pass: a fast, well-mixed 106-bit key, ample
 * against accidental collisions in a bounded cache.
 */
function hash106(text: string): string {
  let a1 = 0xdeadbeef ^ 0x9e3779b9;
  let a2 = 0x41c6ce57 ^ 0x9e3779b9;
  let b1 = 0xdeadbeef ^ 0x85ebca6b;
  let b2 = 0x41c6ce57 ^ 0x85ebca6b;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    a1 = Math.imul(a1 ^ code, 2654435761);
    a2 = Math.imul(a2 ^ code, 1597334677);
    b1 = Math.imul(b1 ^ code, 2654435761);
    b2 = Math.imul(b2 ^ code, 1597334677);
  }
  return finish53(a1, a2).toString(36) + finish53(b1, b2).toString(36).padStart(11, '0');
}

function finish53(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
