/**
 * Which image objects a record still names, for the scheduler's sweep of objects without one
 * (storage-housekeeping.service.ts): a save killed between storing its file and recording it
 * leaves such an object.
 */
import type { OrphanSweep } from '../storage/orphan-objects';
import type { ImageRecord } from './image-records';

const IMAGE_KEY = /^images\/([A-Za-z0-9][A-Za-z0-9_-]{0,127})\/(?:thumbnails\/)?([A-Za-z0-9][A-Za-z0-9_-]{0,127})\.(?:png|webp)$/;

/** The image objects some record names; keys of any other shape are kept (not this sweep's to judge). */
export function imageOrphanSweep(records: { findMany(ownerId: string, names: readonly string[]): Promise<readonly Pick<ImageRecord, 'name'>[]> }): OrphanSweep {
  return {
    prefix: 'images/',
    async keep(keys) {
      const kept = new Set<string>();
      const byOwner = new Map<string, Map<string, string[]>>();
      for (const key of keys) {
        const match = IMAGE_KEY.exec(key);
        if (!match) {
          kept.add(key);
          continue;
        }
        const names = byOwner.get(match[1]!) ?? new Map<string, string[]>();
        byOwner.set(match[1]!, names);
        names.set(match[2]!, [...(names.get(match[2]!) ?? []), key]);
      }
      for (const [ownerId, names] of byOwner) {
        for (const record of await records.findMany(ownerId, [...names.keys()])) for (const key of names.get(record.name) ?? []) kept.add(key);
      }
      return kept;
    },
  };
}
