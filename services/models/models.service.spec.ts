import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ADMIN, ALICE, BOB, databaseOpen, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import type { InstallJob } from './model-events';
import type { ModelManager } from './model-manager';
import type { ModelRecord } from './model-records';
import { ModelEntity } from './model.entity';
import { createModelsService } from './models.service';
import { PACKAGED_OCR_MODELS } from './starter-models';
import { buildTinySdPipeline } from '../../nodes/diffusion';
import { LocalBlobStore } from '../storage/local-blob-store';

type List = { items: ModelRecord[]; total: number; limit: number; offset: number };
type Failure = { error: { code: string; message: string } };

const CLS = PACKAGED_OCR_MODELS.find((model) => model.type === 'ocr_classifier')!.path;

describe('models service', () => {
  const db = useTestDatabase([ModelEntity]);
  let open: TestPlatform;
  let guarded: TestPlatform;
  let manager: ModelManager;
  let guardedManager: ModelManager;
  let dataDir: string;
  let server: Server;
  let base: string;
  let modelBytes: Buffer;
  const events: { name: string; payload: InstallJob }[] = [];

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, BOB, ADMIN]);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-models-'));
    modelBytes = await readFile(CLS);
    server = http.createServer((req, res) => {
      if (req.url === '/cls.onnx') {
        res.writeHead(200, { 'content-length': modelBytes.length });
        res.end(modelBytes);
      } else if (req.url === '/corrupt.onnx') {
        res.end(Buffer.from('definitely not protobuf'));
      } else if (req.url === '/slow.onnx') {
        // Half the file, then nothing until the client gives up.
        res.writeHead(200, { 'content-length': modelBytes.length });
        res.write(modelBytes.subarray(0, modelBytes.length / 2));
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/cls.onnx' });
        res.end();
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = { dataDir, maxModelDownloadBytes: 64 * 1024 * 1024 };
    open = await startTestPlatform([
      createModelsService({ dataSource: db.dataSource, config: { ...config, allowPrivateModelUrls: true }, blobs: new LocalBlobStore(dataDir), onManager: (made) => (manager = made) }),
      testAccounts,
      { name: 'listener', events: { 'models.event': { handler: (ctx: { params: { name: string; payload: InstallJob } }) => void events.push(ctx.params) } } },
    ]);
    guarded = await startTestPlatform([
      createModelsService({ dataSource: db.dataSource, config: { ...config, allowPrivateModelUrls: false }, blobs: new LocalBlobStore(dataDir), onManager: (made) => (guardedManager = made) }),
      testAccounts,
    ]);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    server?.close();
    await open?.stop();
    await guarded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => db.skipIfMissing());

  const api = <T>(method: string, url: string, token = ALICE.token, body?: unknown, platform = open) =>
    request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
  const install = async (body: Record<string, unknown>, token = ALICE.token) => {
    const response = await api<InstallJob>('POST', '/models/install', token, body);
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(202);
    return manager.settled(response.body.id);
  };
  const exists = (file: string) => access(file).then(() => true, () => false);

  it('installs a model from a URL as a job, hashing and probing it, with progress events', async () => {
    const job = await install({ source: `${base}/cls.onnx`, name: 'Direction' });
    expect(job).toEqual(jasmine.objectContaining({ status: 'completed', bytes: modelBytes.length, totalBytes: modelBytes.length, error: null, source: `${base}/cls.onnx` }));
    const record = (await api<ModelRecord>('GET', `/models/${job.modelKey}`)).body;
    expect(record).toEqual(jasmine.objectContaining({ key: job.modelKey!, name: 'Direction', type: 'ocr_classifier', base: 'any', format: 'onnx', ownerId: ALICE.id, sizeBytes: modelBytes.length }));
    expect(record.hash).toBe(`blake3:${bytesToHex(blake3(modelBytes))}`);
    expect(record.path).toBe(path.join('models', job.modelKey!, 'cls.onnx'));
    expect((await readFile(path.join(dataDir, record.path))).equals(modelBytes)).toBeTrue();
    const statuses = events.filter((event) => event.payload.id === job.id).map((event) => `${event.name}:${event.payload.status}`);
    expect(statuses).toContain('model_install_progress:downloading');
    expect(statuses.filter((status) => status.startsWith('model_install_status_changed'))).toEqual([
      'model_install_status_changed:queued',
      'model_install_status_changed:downloading',
      'model_install_status_changed:probing',
      'model_install_status_changed:completed',
    ]);
    expect((await api<InstallJob>('GET', `/models/jobs/${job.id}`)).body).toEqual(job);
  });

  it('follows a redirect', async () => {
    const job = await install({ source: `${base}/moved` });
    expect(job.status).toBe('completed');
  });

  it('refuses a loopback URL with a 400 unless private URLs are allowed', async () => {
    const response = await api<Failure>('POST', '/models/install', ALICE.token, { source: `${base}/cls.onnx` }, guarded);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('url_not_allowed');
    expect(response.body.error.message).toContain('resolves to a private or loopback address (127.0.0.1)');
    const localhost = await api<Failure>('POST', '/models/install', ALICE.token, { source: 'http://localhost:1/x.onnx' }, guarded);
    expect(localhost.body.error.code).toBe('url_not_allowed');
    expect(guardedManager).toBeDefined();
  });

  it('fails the job with a clear error when the host cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const job = await install({ source: `http://127.0.0.1:${port}/model.onnx` });
    expect(job.status).toBe('failed');
    expect(job.error).toEqual(jasmine.objectContaining({ code: 'download_failed', kind: 'transient' }));
    expect(job.error!.message).toMatch(new RegExp(`^Could not reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(job.modelKey).toBeNull();
  });

  it('fails the job when the server answers 404', async () => {
    const job = await install({ source: `${base}/missing.onnx` });
    expect(job.error).toEqual(jasmine.objectContaining({ code: 'download_failed', message: `127.0.0.1:${new URL(base).port} answered 404 Not Found for /missing.onnx` }));
  });

  it('cancels an install mid-download and leaves no files', async () => {
    const started = await api<InstallJob>('POST', '/models/install', ALICE.token, { source: `${base}/slow.onnx` });
    const id = started.body.id;
    const half = Math.floor(modelBytes.length / 2);
    for (let i = 0; i < 200 && manager.job(ALICE, id).bytes < half; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(manager.job(ALICE, id).status).toBe('downloading');
    expect(manager.job(ALICE, id).bytes).toBe(half);
    const canceled = await api<InstallJob>('POST', `/models/jobs/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const job = await manager.settled(id);
    expect(job.status).toBe('canceled');
    expect(job.modelKey).toBeNull();
    expect(await exists(path.join(dataDir, 'models'))).toBeTrue();
    const leftovers = await readdir(path.join(dataDir, 'models'));
    const records = (await api<List>('GET', '/models?limit=200')).body.items.map((item) => item.key);
    expect(leftovers.every((key) => records.includes(key))).toBeTrue();
  });

  it('fails at probing when what arrived is not a model', async () => {
    const job = await install({ source: `${base}/corrupt.onnx` });
    expect(job.status).toBe('failed');
    expect(job.error!.code).toBe('invalid_model');
    expect(job.error!.message).toContain('"corrupt.onnx" is not a readable ONNX model');
  });

  it('installs from a local path for admins only, shared when asked', async () => {
    const refused = await api<Failure>('POST', '/models/install', ALICE.token, { source: CLS });
    expect(refused.status).toBe(403);
    const sharedByUser = await api<Failure>('POST', '/models/install', ALICE.token, { source: `${base}/cls.onnx`, shared: true });
    expect(sharedByUser.status).toBe(403);
    const job = await install({ source: CLS, shared: true, name: 'Shared direction' }, ADMIN.token);
    expect(job.status).withContext(JSON.stringify(job.error)).toBe('completed');
    const record = (await api<ModelRecord>('GET', `/models/${job.modelKey}`, BOB.token)).body;
    expect(record).toEqual(jasmine.objectContaining({ ownerId: null, type: 'ocr_classifier', source: CLS, name: 'Shared direction' }));
    expect((await readFile(path.join(dataDir, record.path))).equals(modelBytes)).toBeTrue();
    // Users cannot change or delete a shared model; admins can.
    expect((await api('PATCH', `/models/${record.key}`, BOB.token, { name: 'mine now' })).status).toBe(403);
    expect((await api('DELETE', `/models/${record.key}`, BOB.token)).status).toBe(403);
    expect((await api('DELETE', `/models/${record.key}`, ADMIN.token)).status).toBe(200);
    expect(await exists(path.join(dataDir, 'models', record.key))).toBeFalse();
  });

  it('keeps a user\'s models and jobs from other users', async () => {
    const job = await install({ source: `${base}/cls.onnx`, name: 'Alice private' });
    const key = job.modelKey!;
    expect((await api('GET', `/models/${key}`, BOB.token)).status).toBe(404);
    expect((await api<List>('GET', '/models?limit=200', BOB.token)).body.items.map((item) => item.key)).not.toContain(key);
    expect((await api<List>('GET', '/models?limit=200')).body.items.map((item) => item.key)).toContain(key);
    expect((await api('PATCH', `/models/${key}`, BOB.token, { name: 'x' })).status).toBe(404);
    expect((await api('DELETE', `/models/${key}`, BOB.token)).status).toBe(404);
    expect((await api('GET', `/models/jobs/${job.id}`, BOB.token)).status).toBe(404);
    expect((await api('GET', `/models/${key}`, ADMIN.token)).status).toBe(200);
  });

  it('renames, filters, pages and deletes', async () => {
    const job = await install({ source: `${base}/cls.onnx` });
    const key = job.modelKey!;
    const renamed = await api<ModelRecord>('PATCH', `/models/${key}`, ALICE.token, { name: 'Renamed', description: 'flips text' });
    expect(renamed.body).toEqual(jasmine.objectContaining({ name: 'Renamed', description: 'flips text' }));
    const filtered = (await api<List>('GET', '/models?type=ocr_classifier&base=any&limit=1')).body;
    expect(filtered.items.length).toBe(1);
    expect(filtered.total).toBeGreaterThanOrEqual(1);
    expect((await api<List>('GET', '/models?type=main')).body.items.every((item) => item.type === 'main')).toBeTrue();
    expect((await api('DELETE', `/models/${key}`)).status).toBe(200);
    expect((await api<Failure>('GET', `/models/${key}`)).body.error.code).toBe('not_found');
    expect((await api('GET', '/models/not-a-key')).status).toBe(404);
    expect(await exists(path.join(dataDir, 'models', key))).toBeFalse();
  });

  it('scans a folder for ONNX files and pipeline folders, telling what each is and what is installed (admins only)', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'pinksea-scan-'));
    try {
      await mkdir(path.join(folder, 'ocr'), { recursive: true });
      await copyFile(CLS, path.join(folder, 'ocr', 'cls.onnx'));
      await writeFile(path.join(folder, 'broken.onnx'), 'not a model');
      await buildTinySdPipeline(path.join(folder, 'pipelines', 'tiny'));
      await writeFile(path.join(folder, 'notes.txt'), 'ignored');

      expect((await api('POST', '/models/scan', ALICE.token, { folder })).status).toBe(403);
      const scanned = await api<{ models: { path: string; type?: string; base?: string; installedKey: string | null; error?: string }[] }>('POST', '/models/scan', ADMIN.token, { folder });
      expect(scanned.status).withContext(JSON.stringify(scanned.body)).toBe(200);
      const byPath = new Map(scanned.body.models.map((model) => [path.relative(folder, model.path), model]));
      expect([...byPath.keys()].sort()).toEqual(['broken.onnx', 'ocr/cls.onnx', 'pipelines/tiny']);
      expect(byPath.get('ocr/cls.onnx')).toEqual(jasmine.objectContaining({ type: 'ocr_classifier', installedKey: null }));
      expect(byPath.get('pipelines/tiny')).toEqual(jasmine.objectContaining({ type: 'main', base: 'sd-1' }));
      expect(byPath.get('broken.onnx')!.error).toContain('not a readable ONNX model');

      // Installed from the scanned path, it is marked as such on the next scan.
      const job = await api<InstallJob>('POST', '/models/install', ADMIN.token, { source: path.join(folder, 'ocr', 'cls.onnx'), name: 'scanned cls', shared: true });
      expect(job.status).withContext(JSON.stringify(job.body)).toBe(202);
      const done = await manager.settled(job.body.id);
      const again = await api<{ models: { path: string; installedKey: string | null }[] }>('POST', '/models/scan', ADMIN.token, { folder });
      expect(again.body.models.find((model) => model.path.endsWith('cls.onnx'))!.installedKey).toBe(done.modelKey);

      const missing = await api<Failure>('POST', '/models/scan', ADMIN.token, { folder: path.join(folder, 'nope') });
      expect([missing.status, missing.body.error.message]).toEqual([422, `folder: There is no folder at "${path.join(folder, 'nope')}"`]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
