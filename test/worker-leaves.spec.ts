/**
 * A worker that holds a model dies (kill -9) with items routed to its own queue, one of them
 * running: the scheduler notices it is gone, hands its queue back to the pool, and the other worker
 * runs every item. Real processes: an api, a scheduler and two workers on the machine's PostgreSQL
 * (BullMQ on its PostgreSQL backend) and NATS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './support/eventually';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { missingService, serviceUrls } from './support/services-available';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

const SLOW_PACK = path.resolve(__dirname, 'fixtures/slow-pack');

describe('a worker that dies holding routed items', () => {
  const db = useTestDatabase();
  const workers = new Map<string, PlatformProcess>();
  let api: PlatformProcess | undefined;
  let scheduler: PlatformProcess | undefined;
  let missing: string | undefined;
  let dataDir: string;
  let apiUrl: string;

  beforeAll(async () => {
    db.skipIfMissing();
    missing = await missingService('NATS', serviceUrls().nats);
    if (missing) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-leaves-'));
    const run = `leaves${process.pid}x${Date.now()}`;
    const shared = { DATABASE_URL: db.url, REDIS_URL: '', PINKSEA_TRANSPORTER: serviceUrls().nats, PINKSEA_NAMESPACE: run, PINKSEA_QUEUE_NAME: run, PINKSEA_DATA_DIR: dataDir, PINKSEA_PACK_PATHS: SLOW_PACK };
    api = startPlatformProcess({ ...shared, PINKSEA_ROLE: 'api', PINKSEA_NODE_ID: `${run}-api`, PINKSEA_PORT: '0', PINKSEA_JWT_SECRET: 'a shared secret for this cluster' });
    apiUrl = (await api.waitFor(/API: (http\S+)/, 90_000))[1]!;
    // The scheduler is the role that hands a departed worker's queue back to its pool.
    scheduler = startPlatformProcess({ ...shared, PINKSEA_ROLE: 'scheduler', PINKSEA_NODE_ID: `${run}-scheduler` });
    for (const name of ['worker-a', 'worker-b']) workers.set(name, startPlatformProcess({ ...shared, PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: name }));
    await Promise.all([scheduler, ...workers.values()].map((child) => child.waitFor(/Pinksea \((worker|scheduler)\) is running/, 90_000)));
  }, 180_000);

  afterAll(async () => {
    for (const child of [...workers.values(), scheduler, api]) await child?.kill('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('has the other worker run them once the scheduler sees it gone', async () => {
    if (missing) pending(missing);
    const session = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/register', { body: { email: 'lee@example.com', password: 'a long enough password', displayName: 'Lee' } });
    const token = session.body.accessToken;
    const models = await request<{ items: { key: string; type: string }[] }>(apiUrl, 'GET', '/models?type=ocr_detection', { token });
    const graph = (ms: number) => ({
      nodes: [
        { id: 'sign', type: 'image.render_text', inputs: { text: 'GONE', fontSize: 40, width: 256, height: 96 } },
        { id: 'find', type: 'ocr.detect_text', inputs: { detectionModel: { key: models.body.items[0]!.key } } },
        { id: 'nap', type: 'slowtest.sleep', inputs: { ms } },
      ],
      edges: [{ source: { nodeId: 'sign', field: 'image' }, destination: { nodeId: 'find', field: 'image' } }],
    });
    const items = async (batchId: string) =>
      (await request<{ items: { id: string; status: string; worker: string | null; attempts: number }[] }>(apiUrl, 'GET', `/queue/default/list?batchId=${batchId}`, { token })).body.items;
    const enqueue = async (ms: number, runs: number) => {
      const response = await request<{ batchId: string }>(apiUrl, 'POST', '/queue/default/enqueue_batch', { token, body: { batch: { graph: graph(ms), runs } } });
      expect(response.status).withContext(JSON.stringify(response.body)).toBe(200);
      return response.body.batchId;
    };

    // One worker loads the model and then holds it.
    const first = await enqueue(0, 1);
    await eventually(async () => (await items(first))[0]?.status === 'completed', 60_000, 'the first item');
    const holder = (await items(first))[0]!.worker!;
    const other = holder === 'worker-a' ? 'worker-b' : 'worker-a';
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Two slow items go to the holder's own queue; it dies while running the first.
    const batch = await enqueue(4000, 2);
    await eventually(async () => (await items(batch)).some((item) => item.status === 'in_progress' && item.worker === holder), 30_000, 'the holder to start one');
    expect((await items(batch)).every((item) => item.worker === null || item.worker === holder)).toBeTrue();
    await workers.get(holder)!.kill('SIGKILL');

    await eventually(async () => (await items(batch)).every((item) => item.status === 'completed'), 90_000, 'both items to finish on the other worker');
    const done = await items(batch);
    expect(done.map((item) => item.worker)).toEqual([other, other]);
    expect(done.some((item) => item.attempts === 2)).toBeTrue();
  }, 180_000);
});
