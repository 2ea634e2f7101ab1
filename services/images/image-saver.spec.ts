import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { useTestDatabase } from '../../test/support/test-database';
import { solidPng } from '../../test/support/test-images';
import { databaseOpen, insertFreshUser } from '../../test/support/test-tenants';
import { BoardEntity } from '../boards/board.entity';
import { BlobStoreUnavailableError, type BlobPutOptions } from '../storage/blob-store';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';
import { createImageSaver } from './image-saver';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';

/** A data dir whose writes of matching keys fail as a store that went away would, and whose other writes can be slowed. */
class FaultyBlobs extends LocalBlobStore {
  failing: RegExp | undefined;
  slowMs = 0;

  override async put(key: string, body: Uint8Array | Readable, options?: BlobPutOptions): Promise<{ size: number }> {
    if (this.failing?.test(key)) throw new BlobStoreUnavailableError(`store ${key}`, this.description, new Error('socket hang up'));
    await new Promise((resolve) => setTimeout(resolve, this.slowMs));
    return super.put(key, body, options);
  }
}

describe('image saver', () => {
  const db = useTestDatabase([ImageEntity, BoardEntity]);
  let dataDir: string;
  let blobs: FaultyBlobs;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-saver-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));
  beforeEach(() => {
    db.skipIfMissing();
    blobs = new FaultyBlobs(dataDir);
  });

  const saverOf = () => (databaseOpen(db) ? createImageSaver(new BlobImageFileStore(blobs), new ImageRepository(db.dataSource)) : undefined)!;
  const filesOf = async (ownerId: string) => (await readdir(path.join(dataDir, 'images', ownerId), { recursive: true }).catch(() => [])).filter((entry) => entry.includes('.')).sort();
  const rowsOf = (ownerId: string) => db.dataSource.query('SELECT name FROM images WHERE owner_id = $1', [ownerId]);

  it('stores the full image and its thumbnail before the record', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const record = await saverOf().save(owner.id, { data: await solidPng(32, 32), origin: 'external' });
    expect(await filesOf(owner.id)).toEqual([`${record.name}.png`, `thumbnails/${record.name}.webp`]);
    expect(await rowsOf(owner.id)).toEqual([{ name: record.name }]);
  });

  it('keeps neither file nor record when the thumbnail cannot be stored, even while the full image is still on its way', async () => {
    const owner = await insertFreshUser(db.dataSource);
    blobs.failing = /thumbnails/;
    blobs.slowMs = 100;
    await expectAsync(saverOf().save(owner.id, { data: await solidPng(32, 32), origin: 'external' })).toBeRejectedWith(jasmine.objectContaining({ code: 'storage_unavailable', kind: 'transient' }));
    // Whatever was under way when the save failed has landed by now, and must have been removed.
    await new Promise((resolve) => setTimeout(resolve, 3 * blobs.slowMs));
    expect(await filesOf(owner.id)).toEqual([]);
    expect(await rowsOf(owner.id)).toEqual([]);
  });

  it('removes the files again when the record cannot be made', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const missingBoard = '00000000-0000-4000-8000-0000000b0a4d';
    await expectAsync(saverOf().save(owner.id, { data: await solidPng(32, 32), origin: 'external', boardId: missingBoard })).toBeRejected();
    expect(await filesOf(owner.id)).toEqual([]);
    expect(await rowsOf(owner.id)).toEqual([]);
  });
});
