/**
 * A worker's model record lookups, remembered for a few seconds. Every step that loads a model
 * asks which record its key names (and whether the item's owner may see it); within a run, and
 * across a batch, the answer is the same, so a query per step is saved. A model removed or made
 * private meanwhile stops loading within `ttlMs` (its files are checked on every load anyway).
 */
import { LRUCache } from 'lru-cache';
import type { ModelRecord, ModelRecordReader } from './model-records';

export function cachedModelRecords(records: ModelRecordReader, options: { ttlMs: number; max?: number }): ModelRecordReader {
  // A miss (no such model, or not the viewer's) is not remembered: an install makes it visible at once.
  const found = new LRUCache<string, ModelRecord>({ max: options.max ?? 1000, ttl: options.ttlMs });
  return {
    async findVisible(viewerId, key) {
      const cacheKey = `${viewerId}/${key}`;
      const cached = found.get(cacheKey);
      if (cached) return cached;
      const record = await records.findVisible(viewerId, key);
      if (record) found.set(cacheKey, record);
      return record;
    },
  };
}
