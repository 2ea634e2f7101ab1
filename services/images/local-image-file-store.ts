/**
 * Image files under the data dir: `<dataDir>/images/<ownerId>/<name>.png` and
 * `<dataDir>/images/<ownerId>/thumbnails/<name>.webp`. Writes go to a temporary file that is
 * renamed into place, so a crash mid-write never leaves a truncated image behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { checkStorageName, ImageFileMissingError, type ImageFileStore, type ImageVariant } from './image-file-store';

export class LocalImageFileStore implements ImageFileStore {
  private readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'images');
  }

  /** Where a variant of an image lives on disk. */
  pathOf(ownerId: string, name: string, variant: ImageVariant): string {
    checkStorageName('owner id', ownerId);
    checkStorageName('image name', name);
    return variant === 'full' ? path.join(this.root, ownerId, `${name}.png`) : path.join(this.root, ownerId, 'thumbnails', `${name}.webp`);
  }

  async put(ownerId: string, name: string, variant: ImageVariant, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(ownerId, name, variant);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(ownerId: string, name: string, variant: ImageVariant): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(ownerId, name, variant));
    } catch (error) {
      throw missingOr(error, ownerId, name, variant);
    }
  }

  async stream(ownerId: string, name: string, variant: ImageVariant): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(ownerId, name, variant), 'r');
      return handle.createReadStream();
    } catch (error) {
      throw missingOr(error, ownerId, name, variant);
    }
  }

  async delete(ownerId: string, name: string): Promise<void> {
    await Promise.all([rm(this.pathOf(ownerId, name, 'full'), { force: true }), rm(this.pathOf(ownerId, name, 'thumbnail'), { force: true })]);
  }
}

function missingOr(error: unknown, ownerId: string, name: string, variant: ImageVariant): unknown {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new ImageFileMissingError(ownerId, name, variant) : error;
}
