/**
 * The blob store's housekeeping, on the `scheduler` role: objects no record names (an image save,
 * a model install or a pack install killed between storing its files and recording them) are
 * removed once they are older than a grace period, so the store holds no object without its
 * record. Writers store the object before the record, so the reverse never happens. Safe to
 * repeat, and a second scheduler doing it too does no harm.
 */
import type { ServiceSchema } from 'moleculer';
import type { BlobStore } from './blob-store';
import { sweepOrphanObjects, type OrphanSweep } from './orphan-objects';

/** How old an object with no record must be before it is removed: its record may be on its way. */
export const ORPHAN_OBJECT_GRACE_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;
/** The first sweep waits for the start-up to settle. */
const FIRST_SWEEP_MS = 5 * 60_000;

export interface StorageHousekeepingOptions {
  readonly blobs: BlobStore;
  /** One per kind of object: images, models, packs. */
  readonly sweeps: readonly OrphanSweep[];
  readonly sweepEveryMs?: number;
  readonly firstSweepMs?: number;
  readonly graceMs?: number;
}

export function createStorageHousekeepingService(options: StorageHousekeepingOptions): ServiceSchema {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    name: 'storage-housekeeping',
    started() {
      const sweepAll = async () => {
        for (const sweep of options.sweeps) {
          try {
            const result = await sweepOrphanObjects(options.blobs, sweep, options.graceMs ?? ORPHAN_OBJECT_GRACE_MS);
            if (result.deleted.length > 0) this.logger.info(`Removed ${result.deleted.length} objects under ${sweep.prefix} that no record named (of ${result.scanned})`);
          } catch (error) {
            this.logger.warn(`Could not look for objects under ${sweep.prefix} without a record`, error);
          }
        }
      };
      timer = setTimeout(function again() {
        running ??= sweepAll().finally(() => (running = undefined));
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
