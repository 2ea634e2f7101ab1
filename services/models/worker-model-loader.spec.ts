import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { NodeError } from '../../engine/errors';
import { useTestDatabase } from '../../test/support/test-database';
import { ALICE, BOB, databaseOpen, insertTestUsers } from '../../test/support/test-tenants';
import { tinyOnnx, tinyUnet } from '../../test/support/tiny-onnx';
import { ModelCache, type ModelCacheEvent } from './model-cache';
import { hashFile, hashFolder } from './model-hash';
import type { ModelRecord } from './model-records';
import { ModelEntity } from './model.entity';
import { ModelRepository } from './model.repository';
import { DEMO_PIPELINE_PATH, ensureDemoPipeline, PACKAGED_OCR_MODELS, registerStarterModels } from './starter-models';
import { createWorkerModelLoader, disposeLoadedModel } from './worker-model-loader';

describe('worker model loader and starter models', () => {
  const db = useTestDatabase([ModelEntity]);
  let records: ModelRepository;
  let starters: ModelRecord[];
  let dataDir: string;
  let events: ModelCacheEvent[];
  let cache: ModelCache<unknown>;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, BOB]);
    records = new ModelRepository(db.dataSource);
    starters = await registerStarterModels(records);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-loader-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    db.skipIfMissing();
    events = [];
    cache = new ModelCache<unknown>({ maxBytes: 64 * 1024 * 1024, dispose: disposeLoadedModel, onEvent: (event) => events.push(event) });
  });

  const loaderFor = (ownerId: string) => createWorkerModelLoader({ records, cache, ownerId, dataDir });
  const starter = (type: string) => starters.find((record) => record.type === type)!;

  it('registers the three packaged OCR models once, shared and in place', async () => {
    expect(starters.map((record) => record.type).sort()).toEqual(['ocr_classifier', 'ocr_detection', 'ocr_recognition']);
    for (const record of starters) {
      const packaged = PACKAGED_OCR_MODELS.find((model) => model.source === record.source)!;
      expect(record).toEqual(jasmine.objectContaining({ ownerId: null, format: 'onnx', base: 'any', path: packaged.path, name: packaged.name }));
      expect(record.hash).toBe(await hashFile(packaged.path));
    }
    expect(await registerStarterModels(records)).toEqual([]);
    expect((await records.listVisible(BOB.id, { type: 'ocr_detection' }, { limit: 50, offset: 0 })).total).toBe(1);
  });

  it('builds the demo pipeline into the data dir and registers it once, by a path relative to each data dir', async () => {
    const [demo] = await registerStarterModels(records, { dataDir });
    expect(demo).toEqual(jasmine.objectContaining({ name: 'Tiny SD (demo)', type: 'main', base: 'sd-1', ownerId: null, path: DEMO_PIPELINE_PATH }));
    expect(demo!.hash).toBe(await hashFolder(path.join(dataDir, DEMO_PIPELINE_PATH)));
    expect(await registerStarterModels(records, { dataDir })).toEqual([]);
    // Another process's data dir gets the same bytes.
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'pinksea-demo-'));
    try {
      expect(await hashFolder(await ensureDemoPipeline(elsewhere))).toBe(demo!.hash);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
    const loader = loaderFor(ALICE.id);
    const unet = await loader.load<InferenceSession>({ key: demo!.key, submodel: 'unet' });
    expect(unet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(Buffer.from(await loader.readFile({ key: demo!.key }, 'tokenizer/merges.txt')).toString()).toMatch(/^#version/);
    loader.release();
  });

  it('describes a visible model and loads it as an ONNX session that runs', async () => {
    const loader = loaderFor(ALICE.id);
    const record = starter('ocr_classifier');
    expect(await loader.info({ key: record.key })).toEqual({ key: record.key, name: record.name, base: 'any', type: 'ocr_classifier', format: 'onnx', sizeBytes: record.sizeBytes });
    const session = await loader.load<InferenceSession>({ key: record.key });
    expect(session.inputNames).toEqual(['x']);
    const output = await session.run({ x: new Tensor('float32', new Float32Array(3 * 48 * 192), [1, 3, 48, 192]) });
    expect(output[session.outputNames[0]!]!.dims).toEqual([1, 2]);
    expect(cache.stats()).toEqual(jasmine.objectContaining({ loads: 1, locked: 1 }));
    loader.release();
    expect(cache.stats()).toEqual(jasmine.objectContaining({ locked: 0, models: 1 }));
    await expectAsync(loader.load({ key: record.key })).toBeRejectedWithError(NodeError, /only be loaded while the node runs/);
  });

  it('shares one cached session between invocations', async () => {
    const key = starter('ocr_detection').key;
    const [first, second] = [loaderFor(ALICE.id), loaderFor(BOB.id)];
    const [a, b] = await Promise.all([first.load({ key }), second.load({ key })]);
    expect(a).toBe(b);
    expect(cache.stats().loads).toBe(1);
    first.release();
    second.release();
  });

  it('answers model_not_found on field "model" for unknown keys and other users\' models', async () => {
    const file = path.join(dataDir, 'alice.onnx');
    await writeFile(file, tinyOnnx({ inputs: [{ name: 'a', type: 'float32', shape: [1] }], outputs: [{ name: 'b', type: 'float32', shape: [1] }] }));
    const mine = await records.insert({ key: crypto.randomUUID(), name: 'mine', base: 'any', type: 'onnx', format: 'onnx', source: file, path: file, sizeBytes: 100, hash: 'blake3:00', description: '', ownerId: ALICE.id, metadata: {} });
    expect((await loaderFor(ALICE.id).info({ key: mine.key })).name).toBe('mine');
    for (const [owner, key] of [[BOB.id, mine.key], [ALICE.id, crypto.randomUUID()], [ALICE.id, 'not-a-key']] as const) {
      const error = await loaderFor(owner).load({ key }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NodeError);
      expect((error as NodeError).toInfo()).toEqual({ code: 'model_not_found', kind: 'user', message: `There is no model with key "${key}" installed`, field: 'model' });
    }
    const wrongType = await loaderFor(ALICE.id).load({ key: mine.key, type: 'ocr_detection' }).catch((caught: unknown) => caught);
    expect((wrongType as NodeError).code).toBe('wrong_model_type');
  });

  it('loads a sub-model of a Stable Diffusion folder', async () => {
    const folder = path.join(dataDir, 'models', 'sd');
    await mkdir(path.join(folder, 'unet'), { recursive: true });
    await writeFile(path.join(folder, 'unet', 'model.onnx'), tinyUnet(768));
    const sd = await records.insert({ key: crypto.randomUUID(), name: 'sd', base: 'sd-1', type: 'main', format: 'onnx', source: folder, path: path.join('models', 'sd'), sizeBytes: 100, hash: 'blake3:00', description: '', ownerId: null, metadata: {} });
    const loader = loaderFor(BOB.id);
    const unet = await loader.load<InferenceSession>({ key: sd.key, submodel: 'unet' });
    expect(unet.inputNames).toContain('encoder_hidden_states');
    const missing = await loader.load({ key: sd.key, submodel: 'vae_decoder' }).catch((caught: unknown) => caught);
    expect((missing as NodeError).code).toBe('model_not_found');
    const unknown = await loader.load({ key: sd.key, submodel: 'refiner' }).catch((caught: unknown) => caught);
    expect((unknown as NodeError).code).toBe('invalid_value');

    // Its other files (tokenizer, scheduler config) are read by relative path, never outside the folder.
    await mkdir(path.join(folder, 'scheduler'), { recursive: true });
    await writeFile(path.join(folder, 'scheduler', 'scheduler_config.json'), '{"num_train_timesteps":1000}');
    expect(Buffer.from(await loader.readFile({ key: sd.key }, 'scheduler/scheduler_config.json')).toString()).toContain('num_train_timesteps');
    await writeFile(path.join(dataDir, 'secret.txt'), 'not yours');
    for (const sneaky of ['../../secret.txt', '/etc/passwd', 'tokenizer/vocab.json']) {
      const refused = await loader.readFile({ key: sd.key }, sneaky).catch((caught: unknown) => caught);
      expect((refused as NodeError).code).withContext(sneaky).toBe('model_file_not_found');
    }
    loader.release();
  });

  it('gives a corrupt model file as invalid_model and caches nothing', async () => {
    const file = path.join(dataDir, 'broken.onnx');
    await writeFile(file, 'not a model');
    const broken = await records.insert({ key: crypto.randomUUID(), name: 'broken', base: 'any', type: 'onnx', format: 'onnx', source: file, path: file, sizeBytes: 11, hash: 'blake3:00', description: '', ownerId: ALICE.id, metadata: {} });
    const error = await loaderFor(ALICE.id).load({ key: broken.key }).catch((caught: unknown) => caught);
    expect((error as NodeError).code).toBe('invalid_model');
    expect(cache.stats()).toEqual(jasmine.objectContaining({ models: 0, failedLoads: 1 }));
  });

  it('refuses a model larger than the cache as model_too_large', async () => {
    const small = new ModelCache<unknown>({ maxBytes: 1024 });
    const loader = createWorkerModelLoader({ records, cache: small, ownerId: ALICE.id, dataDir });
    const error = await loader.load({ key: starter('ocr_recognition').key }).catch((caught: unknown) => caught);
    expect((error as NodeError).code).toBe('model_too_large');
  });
});
