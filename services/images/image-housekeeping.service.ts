/**
 * The image store's housekeeping, on the `scheduler` role: image objects no record names (a save
 * killed between storing its file and recording it) are removed once they are older than a grace
 * period, so the store holds no object without its record. Writers store the file before the
 * record, so the reverse never happens. Safe to repeat, and a second scheduler doing it too does
 * no harm.
 */
import type { ServiceSchema } from 'moleculer';
import type { BlobStore } from '../storage/blob-store';
import { sweepOrphanObjects, type OrphanSweep } from '../storage/orphan-objects';
import type { ImageRecord } from './image-records';

/** How old an object with no record must be before it is removed: its record may be on its way. */
export const IMAGE_ORPHAN_GRACE_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;
/** The first sweep waits for the start-up to settle. */
const FIRST_SWEEP_MS = 5 * 60_000;

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

export interface ImageHousekeepingOptions {
  readonly blobs: BlobStore;
  readonly records: Parameters<typeof imageOrphanSweep>[0];
  readonly sweepEveryMs?: number;
  readonly firstSweepMs?: number;
  readonly graceMs?: number;
}

export function createImageHousekeepingService(options: ImageHousekeepingOptions): ServiceSchema {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    name: 'image-housekeeping',
    started() {
      const sweep = () => {
        running ??= sweepOrphanObjects(options.blobs, imageOrphanSweep(options.records), options.graceMs ?? IMAGE_ORPHAN_GRACE_MS)
          .then(
            (result) => result.deleted.length > 0 && this.logger.info(`Removed ${result.deleted.length} image files no image record named (of ${result.scanned})`),
            (error: unknown) => this.logger.warn('Could not look for image files without a record', error),
          )
          .finally(() => (running = undefined));
      };
      timer = setTimeout(function again() {
        sweep();
        timer = setTimeout(again, options.sweepEveryMs ?? SWEEP_EVERY_MS);
        timer.unref();
      }, options.firstSweepMs ?? FIRST_SWEEP_MS);
      timer.unref();
    },
    async stopped() {
      clearTimeout(timer);
      await running;
    },
  };
}
