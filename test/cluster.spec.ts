/**
 * The cluster: one `api` and two `worker` processes on the machine's PostgreSQL, Redis (the job
 * queue) and NATS (the broker transporter). A batch enqueued through the API is shared by both
 * workers, and their events reach the user's socket on the api process. Items that use a model go
 * to the worker whose cache already holds it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { eventually } from './support/eventually';
import { missingService, serviceUrls } from './support/services-available';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

const SLOW_PACK = path.resolve(__dirname, 'fixtures/slow-pack');

describe('a cluster of one api and two worker processes (PostgreSQL, Redis, NATS)', () => {
  const db = useTestDatabase();
  const urls = serviceUrls();
  const processes: PlatformProcess[] = [];
  let missing: string | undefined;
  let dataDir: string;
  let apiUrl: string;
  let socket: Socket | undefined;

  beforeAll(async () => {
    db.skipIfMissing();
    missing = (await missingService('Redis', urls.redis)) ?? (await missingService('NATS', urls.nats));
    if (missing) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-cluster-'));
    const run = `cluster${process.pid}x${Date.now()}`;
    const shared = {
      DATABASE_URL: db.url,
      REDIS_URL: urls.redis,
      PINKSEA_TRANSPORTER: urls.nats,
      PINKSEA_NAMESPACE: run,
      PINKSEA_QUEUE_NAME: run,
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_PACK_PATHS: SLOW_PACK,
      PINKSEA_JWT_SECRET: 'a shared secret for every api process of this cluster',
    };
    const api = startPlatformProcess({ ...shared, PINKSEA_ROLE: 'api', PINKSEA_NODE_ID: 'api-1', PINKSEA_PORT: '0', PINKSEA_ADMIN_PASSWORD: 'cluster admin password' });
    processes.push(api);
    // Workers start after the api has migrated the database.
    apiUrl = (await api.waitFor(/API: (http\S+)/, 90_000))[1]!;
    for (const name of ['worker-1', 'worker-2']) processes.push(startPlatformProcess({ ...shared, PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: name }));
    await Promise.all(processes.slice(1).map((child) => child.waitFor(/Pinksea \(worker\) is running/, 90_000)));
  }, 180_000);

  afterAll(async () => {
    socket?.close();
    for (const child of processes) await child.kill('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
});
