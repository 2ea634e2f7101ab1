/**
 * Image files in the platform's blob store: `images/<owner>/<name>.png` and
 * `images/<owner>/thumbnails/<name>.webp`, the layout the data dir has always had, so an existing
 * data dir keeps working through LocalBlobStore and moves to a bucket key for key. The store
 * writes whole or not at all; this adds the image names' rules, the media types kept with the
 * objects, and presigned URLs where the store gives them (S3).
 */
import type { Readable } from 'node:stream';
import { BlobMissingError, type BlobStore, type BlobUrl } from '../storage/blob-store';
import { checkStorageName, ImageFileMissingError, type ImageFileStore, type ImageVariant } from './image-file-store';

const MEDIA_TYPE: Readonly<Record<ImageVariant, string>> = { full: 'image/png', thumbnail: 'image/webp' };
const EXTENSION: Readonly<Record<ImageVariant, string>> = { full: 'png', thumbnail: 'webp' };

/** The key of a variant of an image; refuses owner ids and names that could leave the owner's folder. */
export function imageKey(ownerId: string, name: string, variant: ImageVariant): string {
  checkStorageName('owner id', ownerId);
  checkStorageName('image name', name);
  return variant === 'full' ? `images/${ownerId}/${name}.png` : `images/${ownerId}/thumbnails/${name}.webp`;
}

export class BlobImageFileStore implements ImageFileStore {
  /** Present only when the blob store can sign URLs, so callers see at once whether they may redirect. */
  readonly signedUrl?: (ownerId: string, name: string, variant: ImageVariant, ttlSeconds: number) => Promise<BlobUrl>;

  constructor(private readonly blobs: BlobStore) {
    const sign = blobs.signedUrl?.bind(blobs);
    if (sign) {
      this.signedUrl = async (ownerId, name, variant, ttlSeconds) =>
        sign(imageKey(ownerId, name, variant), ttlSeconds, { contentType: MEDIA_TYPE[variant], fileName: `${name}.${EXTENSION[variant]}` });
    }
  }

  async put(ownerId: string, name: string, variant: ImageVariant, bytes: Uint8Array): Promise<void> {
    await this.blobs.put(imageKey(ownerId, name, variant), bytes, { contentType: MEDIA_TYPE[variant] });
  }

  async get(ownerId: string, name: string, variant: ImageVariant): Promise<Buffer> {
    try {
      return await this.blobs.get(imageKey(ownerId, name, variant));
    } catch (error) {
      throw missingOr(error, ownerId, name, variant);
    }
  }

  async stream(ownerId: string, name: string, variant: ImageVariant): Promise<Readable> {
    try {
      return await this.blobs.stream(imageKey(ownerId, name, variant));
    } catch (error) {
      throw missingOr(error, ownerId, name, variant);
    }
  }

  async has(ownerId: string, name: string, variant: ImageVariant): Promise<boolean> {
    return (await this.blobs.head(imageKey(ownerId, name, variant))) !== undefined;
  }

  async delete(ownerId: string, name: string): Promise<void> {
    await Promise.all([this.blobs.delete(imageKey(ownerId, name, 'full')), this.blobs.delete(imageKey(ownerId, name, 'thumbnail'))]);
  }
}

function missingOr(error: unknown, ownerId: string, name: string, variant: ImageVariant): unknown {
  return error instanceof BlobMissingError ? new ImageFileMissingError(ownerId, name, variant) : error;
}
