import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { useTestDatabase } from '../../test/support/test-database';
import { solidPng } from '../../test/support/test-images';
import { ALICE, BOB, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import { createImageSaver, type ImageSaver } from './image-saver';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';
import { discardRunImages } from './run-images';

describe('discarding the images of a queue item\'s run', () => {
  const db = useTestDatabase([ImageEntity]);
  let dataDir: string;
  let files: BlobImageFileStore;
  let records: ImageRepository;
  let saver: ImageSaver;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-run-images-'));
    files = new BlobImageFileStore(new LocalBlobStore(dataDir));
    records = new ImageRepository(db.dataSource);
    saver = createImageSaver(files, records);
  });
  afterAll(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));
  beforeEach(() => db.skipIfMissing());

  it('removes the records and files the run saved, and nothing of an earlier run or another owner', async () => {
    const png = await solidPng(8, 8, '#ff66aa');
    const save = (ownerId: string, sessionId: string, intermediate = false) => saver.save(ownerId, { data: png, origin: 'internal', sessionId, intermediate });
    const earlier = await save(ALICE.id, '41');
    const [bobs, other] = [await save(BOB.id, '41'), await save(ALICE.id, '42')];
    await new Promise((resolve) => setTimeout(resolve, 20));
    const runStartedAt = new Date();
    const thisRun = [await save(ALICE.id, '41', true), await save(ALICE.id, '41')];

    expect(await discardRunImages({ records, files }, ALICE.id, '41', runStartedAt)).toBe(2);
    expect((await records.findMany(ALICE.id, [earlier.name, other.name, ...thisRun.map((image) => image.name)])).map((image) => image.name).sort()).toEqual(
      [earlier.name, other.name].sort(),
    );
    expect(await records.find(BOB.id, bobs.name)).toBeDefined();
    const onDisk = await readdir(path.join(dataDir, 'images', ALICE.id));
    for (const image of thisRun) expect(onDisk).not.toContain(`${image.name}.png`);
    expect(onDisk).toContain(`${earlier.name}.png`);
  });
});
