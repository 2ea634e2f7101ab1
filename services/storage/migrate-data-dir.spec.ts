/**
 * The data dir → bucket migration over a real S3 server (s3rver) through the real AWS SDK: what
 * it copies and leaves, a second run that skips everything, a run stopped part-way and resumed,
 * and a dry run. Each case copies under its own key prefix of one bucket, as into an empty one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ConfigError } from '../../config/settings';
import { ENGINE_API_VERSION } from '../../engine/registry/pack-manifest';
import { readPackManifest } from '../plugins/pack-loader';
import { extractPackTarball, PACK_LIMITS } from '../plugins/pack-tarball';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { blobKeyOfPath, pathOfBlobKey } from './blob-folders';
import { BlobStoreUnavailableError, type BlobPutOptions } from './blob-store';
import { DataDirMissingError, describeProgress, migrateDataDir, migrationTarget, type FileOutcome, type MigrationProgress } from './migrate-data-dir';
import { S3BlobStore } from './s3-blob-store';

const manifest = (name: string, version: string): string => JSON.stringify({ name, version, pinksea: { apiVersion: ENGINE_API_VERSION, nodes: ['index.js'] } });

/**
 * Files of the three areas, by path in the data dir: their size (random bytes) or their text. One
 * is over the S3 store's part size (8 MiB), so it goes up in parts; some names need the platform's
 * key encoding; the scoped pack's tarball lies where the data dir's blob store keeps it, under its
 * key; old-pack was installed before tarballs were kept, so it has none.
 */
const AREA_FILES: Readonly<Record<string, number | string>> = {
  'images/0b6c5c6e-owner/1f3a.png': 40_000,
  'images/0b6c5c6e-owner/thumbnails/1f3a.webp': 3_000,
  'images/77aa-owner/9c9c.png': 1,
  'models/6f1d/.gitattributes': 12,
  'models/6f1d/model copy.onnx': 30,
  'models/6f1d/model.onnx': 9 * 1024 * 1024 + 17,
  'models/starter/tiny-sd/unet/model.onnx': 5_000,
  'packs/@scope/lib/1.0.0/node_modules/@dep/x/index.js': 70,
  'packs/@scope/lib/1.0.0/package.json': manifest('@scope/lib', '1.0.0'),
  'packs/_x_4073636f7065/lib/1.0.0.tgz': 900,
  'packs/demo-pack/1.0.0.tgz': 2_000,
  'packs/demo-pack/1.0.0/index.js': 120,
  'packs/demo-pack/1.0.0/package.json': manifest('demo-pack', '1.0.0'),
  'packs/old-pack/2.0.0/index.js': 64,
  'packs/old-pack/2.0.0/package.json': manifest('old-pack', '2.0.0'),
};
const sizeOf = (file: number | string): number => (typeof file === 'number' ? file : Buffer.byteLength(file));
const FILE_COUNT = Object.keys(AREA_FILES).length;
const TOTAL_BYTES = Object.values(AREA_FILES).reduce<number>((sum, file) => sum + sizeOf(file), 0);
/** The tarball the migration makes of old-pack's folder, where the pack host looks for it. */
const PACKED = 'packs/old-pack/2.0.0.tgz';
/** The key each file must have: the platform's own encoding of its path (the tarball is already a key). */
const keyOf = (file: string): string => (file.startsWith('packs/_x_') ? file : blobKeyOfPath('', file));
const EXPECTED: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(AREA_FILES).map(([file, content]) => [keyOf(file), sizeOf(content)]));
/** What must stay behind: the embedded database, secrets, a worker's model cache, a staging folder, a write in progress, a file elsewhere. */
const OTHER_FILES = [
  'postgres/PG_VERSION',
  'postgres/base/1/1249',
  'secrets/jwt-secret',
  'model-cache/6f1d/model.onnx',
  'packs/.staging/5e1b/manifest.json',
  'images/77aa-owner/9c9c.png.3fa2b1c4d5e6.tmp',
  'notes.txt',
];
/** A name too long to encode into a key, and (made in beforeAll) a link. */
const TOO_LONG = `models/6f1d/${'weights v'.repeat(12)}.bin`;
const LINK = 'images/77aa-owner/linked.png';

describe('storage migration (data dir → bucket)', () => {
  let server: TestS3Server;
  let dataDir: string;
  const stores: S3BlobStore[] = [];

  /** A store on its own key prefix: an empty bucket for one case. */
  const bucket = (prefix: string): S3BlobStore => {
    const store = new S3BlobStore({ ...server.storeOptions, prefix });
    stores.push(store);
    return store;
  };

  /** The bucket's objects and their sizes, but for the tarball made of old-pack (see `packed`). */
  const contents = async (store: S3BlobStore): Promise<Record<string, number>> => {
    const found: Record<string, number> = {};
    for await (const info of store.list('')) if (info.key !== PACKED) found[info.key] = info.size;
    return found;
  };

  /** The pack in the tarball made of old-pack's folder, unpacked as a node on S3 unpacks it; undefined when there is none. */
  const packed = async (store: S3BlobStore): Promise<{ name: string; version: string; files: string[] } | undefined> => {
    if (!(await store.head(PACKED))) return undefined;
    const folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-unpacked-'));
    try {
      await extractPackTarball(await store.get(PACKED), folder, PACK_LIMITS);
      const { name, version } = await readPackManifest(folder);
      return { name, version, files: (await readdir(folder)).sort() };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  };

  const run = async (target: S3BlobStore, options: Partial<Parameters<typeof migrateDataDir>[0]> = {}) => {
    const files: FileOutcome[] = [];
    const report = await migrateDataDir({ dataDir, target, onFile: (file) => files.push(file), ...options });
    return { report, files };
  };

  beforeAll(async () => {
    server = await startS3Server('pinksea-migrate');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-migrate-'));
    for (const [key, content] of Object.entries(AREA_FILES)) await writeFileAt(key, typeof content === 'number' ? randomBytes(content) : Buffer.from(content));
    for (const key of [...OTHER_FILES, TOO_LONG]) await writeFileAt(key, randomBytes(10));
    await symlink(path.join(dataDir, 'secrets', 'jwt-secret'), path.join(dataDir, ...LINK.split('/')));
  }, 30_000);

  afterAll(async () => {
    for (const store of stores) store.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function writeFileAt(key: string, bytes: Uint8Array): Promise<void> {
    const file = path.join(dataDir, ...key.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }

  it('copies the images, models and packs byte for byte under the keys the platform gives them, leaves the rest, and reports what it cannot copy', async () => {
    const target = bucket('copy');
    const before = await stat(path.join(dataDir, 'models/6f1d/model.onnx'));
    const { report, files } = await run(target, { concurrency: 3 });

    expect(await contents(target)).toEqual(EXPECTED);
    for (const file of Object.keys(AREA_FILES)) {
      expect((await target.get(keyOf(file))).equals(await readFile(path.join(dataDir, ...file.split('/'))))).withContext(file).toBeTrue();
    }
    const tarball = files.find((file) => file.outcome === 'packed');
    expect(tarball).toEqual({ path: 'packs/old-pack/2.0.0', key: PACKED, outcome: 'packed', size: jasmine.any(Number) });
    expect(await packed(target)).toEqual({ name: 'old-pack', version: '2.0.0', files: ['index.js', 'package.json'] });
    expect(report).toEqual(jasmine.objectContaining({ copiedFiles: FILE_COUNT + 1, copiedBytes: TOTAL_BYTES + (tarball as { size: number }).size, skippedFiles: 0, plannedFiles: 0, unsupportedFiles: 2, interrupted: false }));
    expect(report.failure).toBeUndefined();
    expect(report.unsupported.map((file) => file.path).sort()).toEqual([LINK, TOO_LONG].sort());
    expect(files.filter((file) => file.outcome === 'copied').map((file) => file.path).sort()).toEqual(Object.keys(AREA_FILES).sort());
    // A model folder reads back as the same files where a worker fetches it; the scoped tarball is where the pack host looks.
    const modelKeys = Object.keys(await contents(target)).filter((key) => key.startsWith('models/6f1d/'));
    expect(modelKeys.map((key) => pathOfBlobKey('models/6f1d/', key)).sort()).toEqual(['.gitattributes', 'model copy.onnx', 'model.onnx']);
    expect(blobKeyOfPath('packs/', '@scope/lib/1.0.0.tgz')).toBe('packs/_x_4073636f7065/lib/1.0.0.tgz');
    // The source is only read.
    expect((await stat(path.join(dataDir, 'models/6f1d/model.onnx'))).mtimeMs).toBe(before.mtimeMs);
    for (const file of [...Object.keys(AREA_FILES), ...OTHER_FILES]) await expectAsync(stat(path.join(dataDir, ...file.split('/')))).toBeResolved();
  }, 60_000);

  it('skips everything on a second run, and copies again an object whose size differs', async () => {
    const target = bucket('again');
    await run(target);
    await target.put('packs/demo-pack/1.0.0.tgz', Buffer.from('a different, older tarball'));
    const { report, files } = await run(target);

    expect(report).toEqual(jasmine.objectContaining({ copiedFiles: 1, copiedBytes: 2_000, skippedFiles: FILE_COUNT - 1 }));
    expect(files.filter((file) => file.outcome === 'copied').map((file) => file.path)).toEqual(['packs/demo-pack/1.0.0.tgz']);
    expect(await contents(target)).toEqual(EXPECTED);

    const third = await run(target);
    expect(third.report).toEqual(jasmine.objectContaining({ copiedFiles: 0, copiedBytes: 0, skippedFiles: FILE_COUNT, skippedBytes: TOTAL_BYTES }));
    expect(third.files.some((file) => file.outcome === 'packed')).toBeFalse();
  }, 60_000);

  it('resumes a run stopped part-way (and one limited to some areas), copying only what is missing', async () => {
    const target = bucket('resume');
    const limited = await run(target, { areas: ['images'] });
    expect(Object.keys(await contents(target))).toEqual(Object.keys(EXPECTED).filter((key) => key.startsWith('images/')));
    expect(limited.report.copiedFiles).toBe(3);

    // Stopped (as by Ctrl-C) once bytes flow, most likely while the 9 MiB model streams: that copy is abandoned and leaves no object.
    const interrupt = new AbortController();
    const stopped = await run(target, {
      concurrency: 1,
      signal: interrupt.signal,
      onProgress: (progress) => {
        if (progress.copiedBytes > 0 && !interrupt.signal.aborted) interrupt.abort();
      },
      progressIntervalMs: 5,
    });
    expect(stopped.report.interrupted).toBeTrue();
    expect(stopped.report.failure).toBeUndefined();
    expect(stopped.report.skippedFiles).toBe(3);
    expect(stopped.report.copiedFiles).toBeLessThan(FILE_COUNT - 3);
    expect(await packed(target)).toBeUndefined();
    const partial = await contents(target);
    for (const [key, size] of Object.entries(partial)) expect(size).withContext(key).toBe(EXPECTED[key]!);
    expect(Object.keys(partial).length).toBeLessThan(FILE_COUNT);

    const resumed = await run(target);
    expect(resumed.report.skippedFiles).toBe(Object.keys(partial).length);
    expect(resumed.report.copiedFiles).toBe(FILE_COUNT - Object.keys(partial).length + 1);
    expect(await contents(target)).toEqual(EXPECTED);
    expect((await packed(target))?.name).toBe('old-pack');
  }, 60_000);

  it('in a dry run, lists what it would copy and copies nothing', async () => {
    const target = bucket('dry');
    await target.put('images/77aa-owner/9c9c.png', Buffer.from('x'));
    const { report, files } = await run(target, { dryRun: true });

    expect(await contents(target)).toEqual({ 'images/77aa-owner/9c9c.png': 1 });
    expect(files.filter((file) => file.outcome === 'would-copy').map((file) => file.path).sort()).toEqual(Object.keys(AREA_FILES).filter((file) => file !== 'images/77aa-owner/9c9c.png').sort());
    expect(files.filter((file) => file.outcome === 'would-pack')).toEqual([{ path: 'packs/old-pack/2.0.0', key: PACKED, outcome: 'would-pack', size: jasmine.any(Number) }]);
    expect(await packed(target)).toBeUndefined();
    expect(report).toEqual(jasmine.objectContaining({ copiedFiles: 0, copiedBytes: 0, skippedFiles: 1, plannedFiles: FILE_COUNT }));
    expect(describeProgress(report, { dryRun: true })).toMatch(/^would copy 15 files \(9(\.\d)? MB\), skipped 1 file already in the bucket \(1 B\), 2 files not copyable in /);
  }, 30_000);

  it('reports progress while it copies, and the totals in one line', async () => {
    const seen: MigrationProgress[] = [];
    const { report } = await run(bucket('progress'), { concurrency: 1, onProgress: (progress) => seen.push(progress), progressIntervalMs: 5 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((progress) => progress.copiedBytes <= report.copiedBytes)).toBeTrue();
    expect(describeProgress(report)).toMatch(/^copied 16 files \(9(\.\d)? MB\), skipped 0 files already in the bucket \(0 B\), 2 files not copyable in [\d.]+ s, [\d.]+ [KMG]?B\/s$/);
  }, 30_000);

  it('stops at a copy that fails, naming the file, and leaves the rest for the next run', async () => {
    const target = bucket('fails');
    const broken = Object.assign(Object.create(target) as S3BlobStore, {
      put: async (key: string, body: Uint8Array | Readable, options?: BlobPutOptions) => {
        if (key === 'models/6f1d/model.onnx') throw new BlobStoreUnavailableError(`store ${key}`, target.description, new Error('connection reset'));
        return target.put(key, body, options);
      },
    });
    const { report } = await run(broken, { concurrency: 1 });
    expect(report.failure).toEqual({ path: 'models/6f1d/model.onnx', message: jasmine.stringMatching(/connection reset/) });
    expect(report.interrupted).toBeFalse();
    expect(Object.keys(await contents(target)).some((key) => key.startsWith('packs/'))).toBeFalse();
  }, 30_000);

  it('needs PINKSEA_STORAGE=s3, a bucket that exists, and a data dir that does', async () => {
    const settings = { dataDir, s3Bucket: server.bucket, s3Region: 'us-east-1', s3Endpoint: server.endpoint, s3ForcePathStyle: true, s3AccessKeyId: 'S3RVER', s3SecretAccessKey: 'S3RVER', s3Prefix: '' };
    expect(() => migrationTarget({ ...settings, storage: 'local' })).toThrowMatching((error: unknown) => error instanceof ConfigError && /PINKSEA_STORAGE: expected s3/.test(error.message));
    const missing = migrationTarget({ ...settings, storage: 's3', s3Bucket: 'no-such-bucket' }) as S3BlobStore;
    stores.push(missing);
    await expectAsync(migrateDataDir({ dataDir, target: missing })).toBeRejectedWithError(/no-such-bucket.*PINKSEA_S3_BUCKET/);
    await expectAsync(migrateDataDir({ dataDir: path.join(dataDir, 'nowhere'), target: bucket('none') })).toBeRejectedWithError(DataDirMissingError, /PINKSEA_DATA_DIR/);
  }, 30_000);
});
