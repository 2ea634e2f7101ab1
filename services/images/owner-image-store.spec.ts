import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageStore, NodeContext } from '../../engine/node-context';
import resize from '../../nodes/image/resize.node';
import { createTestContext, expectNodeError, invokeNode } from '../../nodes/sdk/testing';
import { useTestDatabase } from '../../test/support/test-database';
import { pixelsOf, solidPng } from '../../test/support/test-images';
import { ALICE, BOB, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import { readEmbeddedData } from './embedded-data';
import { createImageSaver, type ImageSaver } from './image-saver';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';
import { LocalBlobStore } from '../storage/local-blob-store';
import { BlobImageFileStore } from './blob-image-file-store';
import { createOwnerImageStore } from './owner-image-store';

describe('owner image store (the node context\'s images on the platform)', () => {
  const db = useTestDatabase([ImageEntity]);
  let dataDir: string;
  let files: BlobImageFileStore;
  let records: ImageRepository;
  let saver: ImageSaver;
  const graph = { nodes: [{ id: 'resize', type: 'image.resize' }], edges: [] };

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-owner-store-'));
    files = new BlobImageFileStore(new LocalBlobStore(dataDir));
    records = new ImageRepository(db.dataSource);
    saver = createImageSaver(files, records);
  });
  afterAll(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));
  beforeEach(() => db.skipIfMissing());

  const storeFor = (ownerId: string) => createOwnerImageStore({ ownerId, files, records, saver, sessionId: 'session-9', nodeId: 'resize', graph });
  /** A test context whose images are the platform's, for one owner. */
  const contextWith = (images: ImageStore): NodeContext => Object.create(createTestContext({ type: 'image.resize' }).ctx, { images: { value: images } });

  it('lets a real image node read the owner\'s image and record its result as the owner\'s', async () => {
    const source = await saver.save(ALICE.id, { data: await solidPng(80, 40, '#ff8800'), origin: 'external' });
    const result = await invokeNode(resize, { image: { imageName: source.name }, width: 20, height: 10, fit: 'fill' }, contextWith(storeFor(ALICE.id)));
    expect([result.width, result.height]).toEqual([20, 10]);

    const record = await records.find(ALICE.id, result.image.imageName);
    expect(record).toEqual(jasmine.objectContaining({ origin: 'internal', intermediate: true, width: 20, height: 10, sessionId: 'session-9', nodeId: 'resize' }));
    const png = await files.get(ALICE.id, result.image.imageName, 'full');
    expect(readEmbeddedData(png).graph).toEqual(graph);
    const pixels = await pixelsOf(png);
    expect([pixels.data[0], pixels.data[1], pixels.data[2]]).toEqual([255, 136, 0]);
  });

  it('does not let a run of another owner read the image', async () => {
    const alices = await saver.save(ALICE.id, { data: await solidPng(8, 8), origin: 'external' });
    await expectNodeError(() => invokeNode(resize, { image: { imageName: alices.name }, width: 4, height: 4 }, contextWith(storeFor(BOB.id))), 'image_not_found', 'image');
    expect(await records.find(BOB.id, alices.name)).toBeUndefined();
  });

  it('stores what a node saves in another format as PNG, and gives it back with its size', async () => {
    const store = storeFor(ALICE.id);
    const jpeg = await sharp({ create: { width: 12, height: 7, channels: 3, background: '#0000ff' } }).jpeg().toBuffer();
    const ref = await store.save({ data: jpeg, format: 'jpeg', width: 12, height: 7, metadata: { steps: 4 } });
    const stored = await store.get(ref);
    expect([stored.format, stored.width, stored.height, stored.ref.imageName]).toEqual(['png', 12, 7, ref.imageName]);
    expect((await sharp(stored.data).metadata()).format).toBe('png');
    expect(readEmbeddedData(stored.data).metadata).toEqual({ steps: 4 });
    expect((await records.find(ALICE.id, ref.imageName))!.intermediate).toBeFalse();
  });
});
