/**
 * Which model objects a record still names, for the scheduler's sweep of objects without one
 * (storage-housekeeping.service.ts): an install killed between storing its files under
 * `models/<key>/` and recording the model leaves such objects.
 */
import type { OrphanSweep } from '../storage/orphan-objects';

const MODEL_KEY = /^models\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

export function modelOrphanSweep(records: { existingKeys(keys: readonly string[]): Promise<ReadonlySet<string>> }): OrphanSweep {
  return {
    prefix: 'models/',
    async keep(keys) {
      const kept = new Set<string>();
      const byModel = new Map<string, string[]>();
      for (const key of keys) {
        const model = MODEL_KEY.exec(key)?.[1];
        // Not an install's layout: not this sweep's to judge.
        if (!model) kept.add(key);
        else byModel.set(model, [...(byModel.get(model) ?? []), key]);
      }
      const existing = await records.existingKeys([...byModel.keys()]);
      for (const [model, objects] of byModel) if (existing.has(model)) for (const key of objects) kept.add(key);
      return kept;
    },
  };
}
