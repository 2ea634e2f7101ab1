/**
 * Where image files live, by owner and name: the full PNG and its WebP thumbnail. The platform
 * keeps them under the data dir (local-image-file-store.ts); a cluster without shared disk swaps
 * in an S3-compatible adapter with the same use cases (keys `images/<owner>/<name>.png` and
 * `images/<owner>/thumbnails/<name>.webp`). The database record, not this store, says whether
 * an image exists and whose it is; callers check the record first.
 */
import type { Readable } from 'node:stream';
import { PinkseaError } from '../../engine/errors';

export type ImageVariant = 'full' | 'thumbnail';

export interface ImageFileStore {
  /** Stores the bytes whole or not at all: a reader never sees a half-written file. */
  put(ownerId: string, name: string, variant: ImageVariant, bytes: Uint8Array): Promise<void>;
  /** The bytes; ImageFileMissingError when there are none. */
  get(ownerId: string, name: string, variant: ImageVariant): Promise<Buffer>;
  /** A stream of the bytes, opened before it resolves, so a missing file fails here, not mid-response. */
  stream(ownerId: string, name: string, variant: ImageVariant): Promise<Readable>;
  /** Removes both variants; removing what is not there is not an error. */
  delete(ownerId: string, name: string): Promise<void>;
}

/** A record whose file is gone: the store and the database disagree, which is our fault. */
export class ImageFileMissingError extends PinkseaError {
  override readonly name = 'ImageFileMissingError';
  constructor(ownerId: string, name: string, variant: ImageVariant) {
    super('image_file_missing', `The ${variant} file of image "${name}" of owner ${ownerId} is missing from storage`, 'internal');
  }
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Owner ids and image names become paths and object keys: nothing but letters, digits, - and _. */
export function checkStorageName(what: 'owner id' | 'image name', value: string): void {
  if (!SAFE_NAME.test(value)) throw new RangeError(`"${value}" is not a valid ${what} for image storage`);
}
