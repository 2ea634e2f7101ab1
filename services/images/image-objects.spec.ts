/**
 * Image files no record names are removed once past their grace period; every file a record names
 * stays. On the data dir and on a real S3 server (s3rver), with real image records in PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { useTestDatabase } from '../../test/support/test-database';
import { ALICE, BOB, insertTestUsers } from '../../test/support/test-tenants';
import type { BlobStore } from '../storage/blob-store';
import { LocalBlobStore } from '../storage/local-blob-store';
import { sweepOrphanObjects } from '../storage/orphan-objects';
import { S3BlobStore } from '../storage/s3-blob-store';
import { imageOrphanSweep } from './image-objects';
import { ImageEntity } from './image.entity';
import { ImageRepository } from './image.repository';

describe('image objects without a record', () => {
  const db = useTestDatabase([ImageEntity]);
  let records: ImageRepository;
  let server: TestS3Server;
  let folder: string;
  const stores: { name: string; store: BlobStore }[] = [];

  beforeAll(async () => {
    db.skipIfMissing();
    await insertTestUsers(db.dataSource);
    records = new ImageRepository(db.dataSource);
    for (const name of ['kept', 'kept2']) {
      await records.insert({ name, ownerId: ALICE.id, origin: 'internal', category: 'general', intermediate: false, boardId: null, width: 1, height: 1, byteSize: 1, sessionId: null, nodeId: null, metadata: null });
    }
    server = await startS3Server('housekeeping');
    folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-housekeeping-'));
    stores.push({ name: 'data dir', store: new LocalBlobStore(folder) }, { name: 'S3', store: new S3BlobStore(server.storeOptions) });
  }, 30_000);

  afterAll(async () => {
    for (const { store } of stores) store.close?.();
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('removes files no record names, and keeps every file a record names', async () => {
    for (const { name, store } of stores) {
      const keys = [
        `images/${ALICE.id}/kept.png`,
        `images/${ALICE.id}/thumbnails/kept.png`.replace('.png', '.webp'),
        `images/${ALICE.id}/kept2.png`,
        // Bob has no image "kept": the name alone does not keep his file.
        `images/${BOB.id}/kept.png`,
        `images/${ALICE.id}/orphan.png`,
        `images/${ALICE.id}/thumbnails/orphan.webp`,
        // Not an image key: not this sweep's to judge.
        `images/${ALICE.id}/notes.txt`,
      ];
      for (const key of keys) await store.put(key, Buffer.from(key));
      // Past the grace period (an hour), as if the sweep ran two hours later.
      const later = Date.now() + 2 * 3_600_000;
      const result = await sweepOrphanObjects(store, imageOrphanSweep(records), 3_600_000, later);
      expect(result.scanned).withContext(name).toBe(keys.length);
      expect([...result.deleted].sort()).withContext(name).toEqual([`images/${ALICE.id}/orphan.png`, `images/${ALICE.id}/thumbnails/orphan.webp`, `images/${BOB.id}/kept.png`].sort());
      for (const key of keys) expect((await store.head(key)) !== undefined).withContext(`${name}: ${key}`).toBe(!result.deleted.includes(key));
    }
  });

  it('leaves a file younger than the grace period: its record may be on its way', async () => {
    for (const { name, store } of stores) {
      await store.put(`images/${ALICE.id}/in-flight.png`, Buffer.from('new'));
      try {
        const result = await sweepOrphanObjects(store, imageOrphanSweep(records), 3_600_000);
        expect(result.deleted).withContext(name).not.toContain(`images/${ALICE.id}/in-flight.png`);
        expect(await store.head(`images/${ALICE.id}/in-flight.png`)).withContext(name).toBeDefined();
      } finally {
        // The other case counts every object: leave none behind.
        await store.delete(`images/${ALICE.id}/in-flight.png`);
      }
    }
  });
});
