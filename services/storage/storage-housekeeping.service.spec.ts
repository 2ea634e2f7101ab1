/**
 * The scheduler's sweep of stored objects without a record, for every kind the platform stores:
 * images, model files and pack tarballs. A real broker runs the service over a data-dir store and
 * real records in PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ServiceBroker } from 'moleculer';
import { eventually } from '../../test/support/eventually';
import { useTestDatabase } from '../../test/support/test-database';
import { insertTestUsers } from '../../test/support/test-tenants';
import { imageOrphanSweep } from '../images/image-objects';
import { ImageEntity } from '../images/image.entity';
import { ImageRepository } from '../images/image.repository';
import { modelOrphanSweep } from '../models/model-objects';
import { ModelEntity } from '../models/model.entity';
import { ModelRepository } from '../models/model.repository';
import { InstalledPackEntity } from '../plugins/installed-pack.entity';
import { InstalledPackRepository } from '../plugins/installed-pack.repository';
import { packOrphanSweep } from '../plugins/pack-objects';
import { packTarballKey } from '../plugins/stored-packs';
import { LocalBlobStore } from './local-blob-store';
import { createStorageHousekeepingService } from './storage-housekeeping.service';

describe('storage housekeeping', () => {
  const db = useTestDatabase([ImageEntity, ModelEntity, InstalledPackEntity]);
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-storage-housekeeping-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));
  beforeEach(() => db.skipIfMissing());

  it('removes model files and pack tarballs that no record names, and keeps those that one does', async () => {
    await insertTestUsers(db.dataSource);
    const blobs = new LocalBlobStore(folder);
    const models = new ModelRepository(db.dataSource);
    const packs = new InstalledPackRepository(db.dataSource);
    const kept = randomUUID();
    const orphan = randomUUID();
    await models.insert({ key: kept, name: 'kept', base: 'any', type: 'onnx', format: 'onnx', source: '/x.onnx', path: `models/${kept}/x.onnx`, sizeBytes: 1, hash: 'blake3:00', description: '', ownerId: null, metadata: {} });
    await packs.insert({ name: '@acme/watermark', version: '1.2.0', description: '', source: 'tarball', installPath: '/p', nodeTypes: [], installedBy: null });
    const keys = {
      keptModel: `models/${kept}/x.onnx`,
      orphanModel: `models/${orphan}/x.onnx`,
      orphanModelPart: `models/${orphan}/unet/model.onnx`,
      keptPack: packTarballKey('@acme/watermark', '1.2.0'),
      // An earlier version, uninstalled (or upgraded from): nothing names it.
      orphanPack: packTarballKey('@acme/watermark', '1.1.0'),
      // Not an install's layout: left alone.
      foreign: 'models/readme.txt',
    };
    for (const key of Object.values(keys)) await blobs.put(key, Buffer.from(key));
    // Past the grace period: as old as two hours.
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const key of Object.values(keys)) await utimes(blobs.pathOf(key), old, old);

    const broker = new ServiceBroker({ logger: false });
    broker.createService(createStorageHousekeepingService({
      blobs,
      sweeps: [imageOrphanSweep(new ImageRepository(db.dataSource)), modelOrphanSweep(models), packOrphanSweep(packs)],
      firstSweepMs: 10,
      sweepEveryMs: 60_000,
    }));
    await broker.start();
    try {
      await eventually(async () => (await blobs.head(keys.orphanPack)) === undefined, 10_000, 'the sweep to reach the packs');
    } finally {
      await broker.stop();
    }
    const present = async (key: string) => (await blobs.head(key)) !== undefined;
    expect(await present(keys.keptModel)).toBeTrue();
    expect(await present(keys.orphanModel)).toBeFalse();
    expect(await present(keys.orphanModelPart)).toBeFalse();
    expect(await present(keys.keptPack)).toBeTrue();
    expect(await present(keys.foreign)).toBeTrue();
  });
});
