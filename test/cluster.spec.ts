/**
 * The cluster: one `api` and two `worker` processes on the machine's PostgreSQL, Redis (the job
 * queue) and NATS (the broker transporter), each with a data dir of its own and their files on an
 * S3-compatible server (s3rver, started here): they share no folder at all. A batch enqueued
 * through the API is shared by both workers, and their events reach the user's socket on the api
 * process. Items that use a model go to the worker whose cache already holds it. An upload feeds an
 * item on a worker, whose result the api serves to its owner only; a model and a pack installed
 * through the api reach workers that never had them.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { eventually } from './support/eventually';
import { missingService, serviceUrls } from './support/services-available';
import { useTestDatabase } from './support/test-database';
import { request, requestBinary } from './support/test-platform';
import { writeOnnxModel } from '../nodes/diffusion';
import { startS3Server, type TestS3Server } from './support/s3-server';
import { pixelsOf, solidPng } from './support/test-images';

const SLOW_PACK = path.resolve(__dirname, 'fixtures/slow-pack');
const GREETING = path.resolve(__dirname, 'fixtures/greeting-pack');
const ADMIN = { email: 'admin@localhost', password: 'cluster admin password' };

describe('a cluster of one api and two worker processes (PostgreSQL, Redis, NATS)', () => {
  const db = useTestDatabase();
  const urls = serviceUrls();
  const processes: PlatformProcess[] = [];
  let missing: string | undefined;
  const dataDirs: string[] = [];
  let s3: TestS3Server | undefined;
  let apiUrl: string;
  let socket: Socket | undefined;

  beforeAll(async () => {
    db.skipIfMissing();
    missing = (await missingService('Redis', urls.redis)) ?? (await missingService('NATS', urls.nats));
    if (missing) return;
    s3 = await startS3Server('cluster');
    const run = `cluster${process.pid}x${Date.now()}`;
    // Every process its own data dir: what they share goes through the bucket.
    const ownDataDir = async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-cluster-'));
      dataDirs.push(dir);
      return dir;
    };
    const shared = {
      ...s3.env,
      DATABASE_URL: db.url,
      REDIS_URL: urls.redis,
      PINKSEA_TRANSPORTER: urls.nats,
      PINKSEA_NAMESPACE: run,
      PINKSEA_QUEUE_NAME: run,
      PINKSEA_PACK_PATHS: SLOW_PACK,
      PINKSEA_JWT_SECRET: 'a shared secret for every api process of this cluster',
    };
    const api = startPlatformProcess({ ...shared, PINKSEA_DATA_DIR: await ownDataDir(), PINKSEA_ROLE: 'api', PINKSEA_NODE_ID: 'api-1', PINKSEA_PORT: '0', PINKSEA_ADMIN_PASSWORD: ADMIN.password });
    processes.push(api);
    // Workers start after the api has migrated the database.
    apiUrl = (await api.waitFor(/API: (http\S+)/, 90_000))[1]!;
    for (const name of ['worker-1', 'worker-2']) processes.push(startPlatformProcess({ ...shared, PINKSEA_DATA_DIR: await ownDataDir(), PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: name }));
    await Promise.all(processes.slice(1).map((child) => child.waitFor(/Pinksea \(worker\) is running/, 90_000)));
  }, 180_000);

  afterAll(async () => {
    socket?.close();
    for (const child of processes) await child.kill('SIGTERM');
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    await s3?.stop();
  }, 60_000);

  it('shares a batch across both workers and streams their events to the owner', async () => {
    if (missing) pending(missing);
    const session = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/register', { body: { email: 'dana@example.com', password: 'a long enough password', displayName: 'Dana' } });
    expect(session.status).withContext(JSON.stringify(session.body)).toBe(201);
    const token = session.body.accessToken;

    socket = connect(new URL(apiUrl).origin, { path: '/api/v1/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    const completed: { nodeId: string }[] = [];
    socket.on('invocation_complete', (payload: { nodeId: string }) => completed.push(payload));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });

    const graph = { nodes: [{ id: 'nap', type: 'slowtest.sleep', inputs: { ms: 400 } }], edges: [] };
    const data = [[{ nodeId: 'nap', field: 'value', items: [1, 2, 3, 4, 5, 6, 7, 8] }]];
    const enqueued = await request<{ enqueued: number }>(apiUrl, 'POST', '/queue/default/enqueue_batch', { body: { batch: { graph, data } }, token });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    expect(enqueued.body.enqueued).toBe(8);

    await eventually(async () => (await request<{ completed: number }>(apiUrl, 'GET', '/queue/default/status', { token })).body.completed === 8, 60_000, 'eight completed items');
    const rows = (await db.dataSource.query(`SELECT worker, count(*)::int AS count FROM queue_items GROUP BY worker ORDER BY worker`)) as { worker: string; count: number }[];
    expect(rows.map((row) => row.worker)).toEqual(['worker-1', 'worker-2']);
    expect(rows.every((row) => row.count > 0)).toBeTrue();

    await eventually(() => completed.length === 8, 10_000, 'eight invocation_complete events on the socket');
    expect(completed.every((event) => event.nodeId === 'nap')).toBeTrue();
  }, 120_000);

  it('sends items to the worker whose model cache holds their model', async () => {
    if (missing) pending(missing);
    const session = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/register', { body: { email: 'erin@example.com', password: 'a long enough password', displayName: 'Erin' } });
    const token = session.body.accessToken;
    const models = await request<{ items: { key: string; type: string }[] }>(apiUrl, 'GET', '/models?limit=50', { token });
    const detection = models.body.items.find((model) => model.type === 'ocr_detection')!.key;
    const graph = {
      nodes: [
        { id: 'sign', type: 'image.render_text', inputs: { text: 'ROUTE', fontSize: 48, width: 320, height: 96 } },
        { id: 'find', type: 'ocr.detect_text', inputs: { detectionModel: { key: detection } } },
      ],
      edges: [{ source: { nodeId: 'sign', field: 'image' }, destination: { nodeId: 'find', field: 'image' } }],
    };
    const runOne = async (): Promise<string> => {
      const enqueued = await request<{ batchId: string }>(apiUrl, 'POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token });
      expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
      const list = () => request<{ items: { status: string; worker: string; error: unknown }[] }>(apiUrl, 'GET', `/queue/default/list?batchId=${enqueued.body.batchId}`, { token });
      await eventually(async () => ['completed', 'failed'].includes((await list()).body.items[0]?.status ?? ''), 60_000, 'the detection item to finish');
      const [item] = (await list()).body.items;
      expect(item!.error).toBeNull();
      return item!.worker;
    };
    // The first item goes to whichever worker is free first, which then holds the model.
    const holder = await runOne();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Free-for-all, the next four would all land there one time in sixteen.
    const next: string[] = [];
    for (let index = 0; index < 4; index += 1) next.push(await runOne());
    expect(next).toEqual([holder, holder, holder, holder]);
  }, 120_000);

  const signIn = async (email: string, password: string): Promise<string> => {
    const login = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/login', { body: { email, password } });
    expect(login.status).withContext(JSON.stringify(login.body)).toBe(200);
    return login.body.accessToken;
  };
  const register = async (email: string): Promise<string> => {
    const session = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/register', { body: { email, password: 'a long enough password', displayName: email.split('@')[0] } });
    expect(session.status).withContext(JSON.stringify(session.body)).toBe(201);
    return session.body.accessToken;
  };
  /** Runs a one-item batch and answers the finished item. */
  const runItem = async (token: string, graph: unknown) => {
    const enqueued = await request<{ batchId: string }>(apiUrl, 'POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    type Item = { status: string; worker: string; error: unknown; results: { outputs: Record<string, Record<string, unknown>[]> } };
    const list = () => request<{ items: Item[] }>(apiUrl, 'GET', `/queue/default/list?batchId=${enqueued.body.batchId}`, { token });
    await eventually(async () => ['completed', 'failed'].includes((await list()).body.items[0]?.status ?? ''), 60_000, 'the item to finish');
    const [item] = (await list()).body.items;
    expect(item!.error).toBeNull();
    return item!;
  };

  it('runs an uploaded image through a worker and serves the result to its owner only, all through the bucket', async () => {
    if (missing) pending(missing);
    const token = await register('frank@example.com');
    const other = await register('gita@example.com');
    const upload = await request<{ name: string }>(apiUrl, 'POST', '/images/upload', { token, rawBody: await solidPng(64, 48, '#3366ff'), headers: { 'content-type': 'image/png' } });
    expect(upload.status).withContext(JSON.stringify(upload.body)).toBe(201);
    const graph = {
      nodes: [
        { id: 'init', type: 'image.load', inputs: { image: { imageName: upload.body.name } } },
        { id: 'big', type: 'image.resize', inputs: { width: 128, height: 96 } },
        { id: 'keep', type: 'image.save', inputs: {} },
      ],
      edges: [
        { source: { nodeId: 'init', field: 'image' }, destination: { nodeId: 'big', field: 'image' } },
        { source: { nodeId: 'big', field: 'image' }, destination: { nodeId: 'keep', field: 'image' } },
      ],
    };
    const item = await runItem(token, graph);
    expect(['worker-1', 'worker-2']).toContain(item.worker);
    const saved = (item.results.outputs['keep']![0]!['image'] as { imageName: string }).imageName;

    // The owner gets it (a redirect to a presigned URL of the bucket, which fetch follows).
    const full = await requestBinary(apiUrl, 'GET', `/images/${saved}/full`, { token });
    expect(full.status).toBe(200);
    const pixels = await pixelsOf(full.bytes);
    expect([pixels.width, pixels.height]).toEqual([128, 96]);
    expect(Array.from(pixels.data.subarray(0, 3))).toEqual([0x33, 0x66, 0xff]);
    // Another user learns nothing: the same answer as for a name that does not exist.
    const refused = await request(apiUrl, 'GET', `/images/${saved}/full`, { token: other });
    expect(refused.status).toBe(404);
    expect((await request(apiUrl, 'GET', `/images/${saved}/url`, { token: other })).status).toBe(404);
  }, 120_000);

  it('runs a model installed through the api on workers that never had its file, and a pack installed there too', async () => {
    if (missing) pending(missing);
    const admin = await signIn(ADMIN.email, ADMIN.password);
    // A small ONNX model in a folder only this test process sees; the api installs it into the bucket.
    const modelFile = path.join(dataDirs[0]!, '..', `cluster-model-${process.pid}-${Date.now()}.onnx`);
    await writeFile(modelFile, writeOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 32, 32] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 32, 32] }],
      nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
      initializers: [],
    }));
    try {
      const job = await request<{ id: string }>(apiUrl, 'POST', '/models/install', { token: admin, body: { source: modelFile, name: 'cluster relu', shared: true } });
      expect(job.status).withContext(JSON.stringify(job.body)).toBe(202);
      const jobOf = () => request<{ status: string; modelKey: string | null; error: unknown }>(apiUrl, 'GET', `/models/jobs/${job.body.id}`, { token: admin });
      await eventually(async () => ['completed', 'failed'].includes((await jobOf()).body.status), 60_000, 'the install to finish');
      const installed = (await jobOf()).body;
      expect(installed.error).toBeNull();
      const graph = {
        nodes: [
          { id: 'text', type: 'image.render_text', inputs: { text: 'S3', fontSize: 16, width: 32, height: 32 } },
          { id: 'tensor', type: 'onnx.tensor_from_image', inputs: {} },
          { id: 'run', type: 'onnx.run', inputs: { model: { key: installed.modelKey } } },
        ],
        edges: [
          { source: { nodeId: 'text', field: 'image' }, destination: { nodeId: 'tensor', field: 'image' } },
          { source: { nodeId: 'tensor', field: 'tensor' }, destination: { nodeId: 'run', field: 'inputs' } },
        ],
      };
      // Two items, so (most likely) both workers fetch it; each must have run it from the bucket.
      const ran = [await runItem(admin, graph), await runItem(admin, graph)];
      expect(ran.every((item) => item.status === 'completed')).toBeTrue();
      // Each worker that ran it fetched its file from the bucket into its own model cache.
      for (const worker of new Set(ran.map((item) => item.worker))) {
        const dir = dataDirs[worker === 'worker-1' ? 1 : 2]!;
        expect(await readdir(path.join(dir, 'model-cache', installed.modelKey!))).withContext(worker).not.toEqual([]);
      }
    } finally {
      await rm(modelFile, { force: true });
    }

    // A pack installed on the api (its tarball goes to the bucket) loads on the workers.
    const pack = await request(apiUrl, 'POST', '/plugins/install', { token: admin, body: { folder: GREETING } });
    expect(pack.status).withContext(JSON.stringify(pack.body)).toBeLessThan(300);
    const hello = { nodes: [{ id: 'hi', type: 'greeting.hello', inputs: { name: 'bucket' } }], edges: [] };
    await eventually(async () => {
      const listed = await request<{ name: string; nodes: { nodeId: string; status: string }[] }[]>(apiUrl, 'GET', '/plugins', { token: admin });
      const nodes = listed.body.find((entry) => entry.name === 'greeting-pack')?.nodes ?? [];
      return ['worker-1', 'worker-2'].every((name) => nodes.some((node) => node.nodeId === name && node.status === 'loaded'));
    }, 30_000, 'the pack loaded on both workers');
    const greeted = await runItem(admin, hello);
    expect(greeted.status).toBe('completed');
  }, 180_000);
});
