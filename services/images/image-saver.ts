/**
 * Saving an image for an owner: one PNG with the metadata and graph embedded, its thumbnail, and
 * the database record. The files are written first (durably: the blob store acknowledges a write
 * once it is stored whole) and removed again if either fails or the record cannot be made, so the
 * gallery never lists an image without its file. The worker saves nodes' results
 * through this (see owner-image-store.ts); uploads go through it too.
 */
import { randomUUID } from 'node:crypto';
import type { ImageFileStore } from './image-file-store';
import type { ImageCategory, ImageOrigin, ImageRecord, ImageRecords } from './image-records';
import { decodeToPng, makeThumbnail, MAX_IMAGE_PIXELS } from './image-decoding';
import { embedData, readEmbeddedData, type EmbeddedData } from './embedded-data';

export interface ImageToStore {
  /** PNG, JPEG or WebP bytes; stored as PNG. */
  readonly data: Uint8Array;
  readonly origin: ImageOrigin;
  readonly category?: ImageCategory;
  readonly intermediate?: boolean;
  readonly boardId?: string | null;
  readonly sessionId?: string | null;
  readonly nodeId?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  /** The graph that made the image, embedded in the PNG. */
  readonly graph?: unknown;
  /** The name it is stored under (a run's working image keeps the name its steps saw); a new one when left out. */
  readonly name?: string;
}

export interface ImageSaver {
  /**
   * Stores the image and returns its record. Refuses files that are not PNG, JPEG or WebP (415),
   * cannot be decoded (422) or have more pixels than allowed (413).
   */
  save(ownerId: string, image: ImageToStore): Promise<ImageRecord>;
}

export interface ImageSaverOptions {
  /** MAX_IMAGE_PIXELS unless lowered. */
  readonly maxPixels?: number;
}

export function createImageSaver(files: ImageFileStore, records: ImageRecords, options: ImageSaverOptions = {}): ImageSaver {
  const maxPixels = Math.min(options.maxPixels ?? MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS);
  return {
    async save(ownerId, image) {
      const external = image.origin === 'external';
      const decoded = await decodeToPng(image.data, { maxPixels, reencode: external });
      // An uploaded PNG made by Pinksea keeps its metadata and graph, so its recipe is not lost.
      const carried = external && decoded.sourceType === 'png' ? carriedData(image.data) : { metadata: null, graph: null };
      const metadata = image.metadata ?? carried.metadata;
      const png = embedData(decoded.png, { metadata, graph: image.graph ?? carried.graph });
      // A run's working files are rarely looked at, and an upload is answered sooner without one:
      // their thumbnails are made when first asked for (the gallery does so once).
      const thumbnail = image.intermediate || external ? undefined : await makeThumbnail(png, maxPixels);
      const name = image.name ?? randomUUID();
      try {
        // Both at once (two round trips to S3 become one), and both settled before any cleanup, so a
        // put still under way cannot land after the delete below.
        const puts = await Promise.allSettled([files.put(ownerId, name, 'full', png), ...(thumbnail ? [files.put(ownerId, name, 'thumbnail', thumbnail)] : [])]);
        const failed = puts.find((put) => put.status === 'rejected');
        if (failed) throw failed.reason;
        return await records.insert({
          name,
          ownerId,
          origin: image.origin,
          category: image.category ?? (external ? 'user' : 'general'),
          intermediate: image.intermediate ?? false,
          boardId: image.boardId ?? null,
          width: decoded.width,
          height: decoded.height,
          byteSize: png.length,
          sessionId: image.sessionId ?? null,
          nodeId: image.nodeId ?? null,
          metadata: metadata ?? null,
        });
      } catch (error) {
        await files.delete(ownerId, name).catch(() => undefined);
        throw error;
      }
    },
  };
}

function carriedData(png: Uint8Array): EmbeddedData {
  try {
    return readEmbeddedData(png);
  } catch {
    // Damaged text chunks in an upload are dropped with the rest of the file's extras.
    return { metadata: null, graph: null };
  }
}
