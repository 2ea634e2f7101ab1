/**
 * The images one run of a queue item saved. An attempt that dies (its worker killed) may already
 * have saved some; the attempt that takes the item over runs every node again and saves them anew,
 * so it first discards the dead attempts' images, records and files both: the gallery, and billing
 * after it, see each item's results once. Images of an earlier run of the item (before a retry
 * the user asked for) are older than the run's start and stay.
 */
import type { ImageFileStore } from './image-file-store';

/** The one record use case this needs (ImageRepository implements it). */
export interface RunImageRecords {
  /** Deletes the owner's images of the session made at or after `since`; their names. */
  deleteSessionImages(ownerId: string, sessionId: string, since: Date): Promise<string[]>;
}

/** Discards the images the queue item's run (`sessionId`, started at `runStartedAt`) has saved so far; how many. */
export async function discardRunImages(
  deps: { readonly records: RunImageRecords; readonly files: ImageFileStore },
  ownerId: string,
  sessionId: string,
  runStartedAt: Date,
): Promise<number> {
  // Records first: a file left behind by a crash here is invisible, a record without its file is not.
  const names = await deps.records.deleteSessionImages(ownerId, sessionId, runStartedAt);
  for (const name of names) await deps.files.delete(ownerId, name);
  return names.length;
}
