/**
 * Objects that no record names any more: a save that stored its file and then failed to record
 * it (the process was killed between the two), or a delete whose record went first. Writers store
 * the object before the record, so a record never lacks its object; this pass, run by the
 * scheduler, removes the reverse. Objects younger than the grace period are left alone: their
 * record may still be on its way.
 */
import type { BlobInfo, BlobStore } from './blob-store';

export interface OrphanSweep {
  /** Keys under it are looked at. */
  readonly prefix: string;
  /**
   * Of these keys, the ones some record still names (or that are not this sweep's to judge: a key
   * of a shape it does not know is kept).
   */
  keep(keys: readonly string[]): Promise<ReadonlySet<string>>;
}

export interface OrphanSweepResult {
  readonly scanned: number;
  readonly deleted: readonly string[];
}

/** Keys looked up at once. */
const PAGE = 500;

export async function sweepOrphanObjects(blobs: BlobStore, sweep: OrphanSweep, graceMs: number, now = Date.now()): Promise<OrphanSweepResult> {
  let scanned = 0;
  const deleted: string[] = [];
  let page: BlobInfo[] = [];
  const judge = async () => {
    const kept = await sweep.keep(page.map((info) => info.key));
    for (const info of page) {
      if (kept.has(info.key)) continue;
      await blobs.delete(info.key);
      deleted.push(info.key);
    }
    page = [];
  };
  for await (const info of blobs.list(sweep.prefix)) {
    scanned += 1;
    if (now - info.modifiedAt.getTime() < graceMs) continue;
    page.push(info);
    if (page.length >= PAGE) await judge();
  }
  if (page.length > 0) await judge();
  return { scanned, deleted };
}
