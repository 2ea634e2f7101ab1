/**
 * Where image files live, by owner and name: the full PNG and its WebP thumbnail. The platform
 * keeps them in its blob store (blob-image-file-store.ts: the data dir, or an S3 bucket so a
 * cluster needs no shared disk) under `images/<owner>/<name>.png` and
 * `images/<owner>/thumbnails/<name>.webp`. The database record, not this store, says whether
 * an image exists and whose it is; callers check the record first.
 */
import type { Readable } from 'node:stream';
import { PinkseaError } from '../../engine/errors';
import type { BlobUrl } from '../storage/blob-store';

export type ImageVariant = 'full' | 'thumbnail';

export interface ImageFileStore {
  /** Stores the bytes whole or not at all: a reader never sees a half-written file. */
  put(ownerId: string, name: string, variant: ImageVariant, bytes: Uint8Array): Promise<void>;
  /** The bytes; ImageFileMissingError when there are none. */
  get(ownerId: string, name: string, variant: ImageVariant): Promise<Buffer>;
  /** A stream of the bytes, opened before it resolves, so a missing file fails here, not mid-response. */
  stream(ownerId: string, name: string, variant: ImageVariant): Promise<Readable>;
  /** Whether the variant is stored (an intermediate image's thumbnail is made on first request). */
  has(ownerId: string, name: string, variant: ImageVariant): Promise<boolean>;
  /** Removes both variants; removing what is not there is not an error. */
  delete(ownerId: string, name: string): Promise<void>;
  /**
   * A URL that fetches the variant for `ttlSeconds` with no other credential (a presigned GET),
   * where the store can give one (S3); absent otherwise. It does not check the file is there.
   */
  signedUrl?(ownerId: string, name: string, variant: ImageVariant, ttlSeconds: number): Promise<BlobUrl>;
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
