import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { useTestDatabase } from '../../test/support/test-database';
import { solidPng } from '../../test/support/test-images';
import sharp from 'sharp';
import { databaseOpen, insertFreshUser } from '../../test/support/test-tenants';
import { BoardEntity } from '../boards/board.entity';
import { BlobStoreUnavailableError, type BlobPutOptions } from '../storage/blob-store';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';
import { createImageSaver } from './image-saver';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';
import { encodeChunk, readChunks } from './png-text-chunks';

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

/** Noise, so the deflate level shows in the bytes. */
function noiseImage(width: number, height: number): sharp.Sharp {
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 2654435761) >>> 24;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
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

  it('stores a generated image and its thumbnail before the record', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const record = await saverOf().save(owner.id, { data: await solidPng(32, 32), origin: 'internal' });
    expect(await filesOf(owner.id)).toEqual([`${record.name}.png`, `thumbnails/${record.name}.webp`]);
    expect(await rowsOf(owner.id)).toEqual([{ name: record.name }]);
  });

  it('stores an upload without its thumbnail (made when first asked for), its PNG stripped of foreign chunks but not re-encoded', async () => {
    const owner = await insertFreshUser(db.dataSource);
    // Deflated at another level than sharp writes: a re-encode would change the image data's bytes.
    const plain = await noiseImage(40, 30).png({ compressionLevel: 1 }).toBuffer();
    // A text chunk (a camera's, say) before IEND: dropped, the pixels' chunks kept byte for byte.
    const tagged = Buffer.concat([plain.subarray(0, plain.length - 12), encodeChunk('tEXt', Buffer.from('Author\0someone')), plain.subarray(plain.length - 12)]);
    const record = await saverOf().save(owner.id, { data: tagged, origin: 'external' });
    expect(await filesOf(owner.id)).toEqual([`${record.name}.png`]);
    const stored = await readFile(path.join(dataDir, 'images', owner.id, `${record.name}.png`));
    expect(readChunks(stored).map((chunk) => chunk.type)).not.toContain('tEXt');
    const idat = (png: Uint8Array) => Buffer.concat(readChunks(png).filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data));
    expect(idat(stored).equals(idat(plain))).toBeTrue();
    expect([record.width, record.height]).toEqual([40, 30]);
  });

  it('refuses an upload whose PNG data is cut or corrupt, as it refuses one it cannot decode', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const plain = await solidPng(40, 30);
    const chunks = readChunks(plain);
    const header = chunks.find((chunk) => chunk.type === 'IHDR')!;
    // The header promises more rows than the data holds (every CRC still right).
    const taller = Buffer.from(header.data);
    taller.writeUInt32BE(31, 4);
    const lying = Buffer.concat([plain.subarray(0, 8), encodeChunk('IHDR', taller), ...chunks.filter((chunk) => chunk.type !== 'IHDR').map((chunk) => chunk.raw)]);
    for (const bytes of [lying, plain.subarray(0, plain.length - 30)]) {
      await expectAsync(saverOf().save(owner.id, { data: bytes, origin: 'external' })).toBeRejectedWith(jasmine.objectContaining({ code: 'invalid_input' }));
    }
    expect(await rowsOf(owner.id)).toEqual([]);
  });

  it('keeps neither file nor record when the thumbnail cannot be stored, even while the full image is still on its way', async () => {
    const owner = await insertFreshUser(db.dataSource);
    blobs.failing = /thumbnails/;
    blobs.slowMs = 100;
    await expectAsync(saverOf().save(owner.id, { data: await solidPng(32, 32), origin: 'internal' })).toBeRejectedWith(jasmine.objectContaining({ code: 'storage_unavailable', kind: 'transient' }));
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
