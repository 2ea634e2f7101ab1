/**
 * Plugin packs go live across a cluster without a restart: an api and a worker platform in one
 * test process, sharing the database, the data dir and the machine's NATS as transporter. A pack
 * installed on the api reaches the worker through the `plugins.changed` broadcast (well before the
 * agents' periodic re-read) and its nodes run there; after uninstall the catalogue drops them and
 * enqueueing a graph that uses them is refused. A user whose plan runs on the performance pool
 * waits, told why, until a worker of that pool joins; it loads the installed pack and runs the item.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { startPlatform, type Platform } from '../services/platform/platform';
import { RECONCILE_INTERVAL_MS } from '../services/plugins/plugin-agent.service';
import type { PackListing } from '../services/plugins/plugins.service';
import { missingService, serviceUrls } from './support/services-available';
import { eventually } from './support/eventually';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

const GREETING = path.resolve(__dirname, 'fixtures/greeting-pack');

describe('live plugin packs on an api and a worker', () => {
  const db = useTestDatabase();
  const platforms: Platform[] = [];
  let shared: Record<string, string>;
  let run: string;
  let dataDir: string;
  let apiUrl: string;
  let token: string;

  let missing: string | undefined;

  beforeAll(async () => {
    db.skipIfMissing();
    missing = await missingService('NATS', serviceUrls().nats);
    if (missing) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-live-packs-'));
    run = `livepacks${process.pid}x${Date.now()}`;
    shared = {
      DATABASE_URL: db.url,
      PINKSEA_TRANSPORTER: serviceUrls().nats,
      PINKSEA_NAMESPACE: run,
      PINKSEA_QUEUE_NAME: run,
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_LOG_LEVEL: 'error',
    };
    const api = await startPlatform(loadConfig({ ...shared, PINKSEA_ROLE: 'api', PINKSEA_NODE_ID: `${run}-api`, PINKSEA_PORT: '0', PINKSEA_ADMIN_EMAIL: 'admin@example.com', PINKSEA_ADMIN_PASSWORD: 'correct horse battery' }));
    platforms.push(api);
    platforms.push(await startPlatform(loadConfig({ ...shared, PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: `${run}-worker` })));
    apiUrl = api.url!;
    const login = await request<{ accessToken: string }>(apiUrl, 'POST', '/auth/login', { body: { email: 'admin@example.com', password: 'correct horse battery' } });
    expect(login.status).withContext(JSON.stringify(login.body)).toBe(200);
    token = login.body.accessToken;
  }, 90_000);

  afterAll(async () => {
    for (const platform of platforms.reverse()) await platform.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  const graph = { nodes: [{ id: 'hi', type: 'greeting.hello', inputs: { name: 'sea' } }], edges: [] };
  const enqueue = (as = token) =>
    request<{ enqueued: number; batchId: string; error?: { code: string; message: string } }>(apiUrl, 'POST', '/queue/default/enqueue_batch', { token: as, body: { batch: { graph } } });
  const workerStatus = async () => {
    const listed = await request<PackListing[]>(apiUrl, 'GET', '/plugins', { token });
    return listed.body.find((pack) => pack.name === 'greeting-pack')?.nodes.find((node) => node.nodeId.endsWith('-worker'))?.status;
  };

  it('loads an installed pack on the worker, runs its nodes there, and refuses them after uninstall', async () => {
    if (missing) pending(missing);
    expect((await enqueue()).status).toBe(422);

    const installed = await request(apiUrl, 'POST', '/plugins/install', { token, body: { folder: GREETING } });
    expect(installed.status).withContext(JSON.stringify(installed.body)).toBe(201);
    // Well inside the agents' periodic re-read: only the broadcast gets the pack there this fast.
    expect(RECONCILE_INTERVAL_MS).toBeGreaterThan(10_000);
    await eventually(async () => (await workerStatus()) === 'loaded', 5_000, 'the worker to load greeting-pack');
    expect((await request(apiUrl, 'GET', '/nodes/greeting.hello')).status).toBe(200);

    const enqueued = await enqueue();
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    await eventually(async () => (await request<{ completed: number }>(apiUrl, 'GET', '/queue/default/status', { token })).body.completed === 1, 30_000, 'the greeting item to complete');
    const [row] = (await db.dataSource.query(`SELECT worker FROM queue_items`)) as { worker: string }[];
    expect(row!.worker).toMatch(/-worker$/);

    // A pro user's items run on the performance pool, which has no worker yet.
    const pro = await request<{ accessToken: string; user: { id: string } }>(apiUrl, 'POST', '/auth/register', { body: { email: 'pro@example.com', password: 'a long enough password', displayName: 'Pro' } });
    expect((await request(apiUrl, 'PATCH', `/admin/users/${pro.body.user.id}`, { token, body: { plan: 'pro' } })).status).toBe(200);
    const waiting = await enqueue(pro.body.accessToken);
    expect(waiting.status).withContext(JSON.stringify(waiting.body)).toBe(200);
    const listed = await request<{ items: { id: string; status: string; pool: string; waitingReason?: string }[] }>(apiUrl, 'GET', '/queue/default/list', { token: pro.body.accessToken });
    const [proItem] = listed.body.items;
    expect(proItem).toEqual(jasmine.objectContaining({ status: 'pending', pool: 'performance', waitingReason: 'No worker of the "performance" pool is running; the item starts when one joins' }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await request<{ status: string }>(apiUrl, 'GET', `/queue/default/i/${proItem!.id}`, { token: pro.body.accessToken })).body.status).toBe('pending');

    // A performance worker joins after the pack was installed: it loads the pack and runs the item.
    platforms.push(await startPlatform(loadConfig({ ...shared, PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: `${run}-fast`, PINKSEA_WORKER_POOL: 'performance' })));
    await eventually(
      async () => (await request<{ status: string }>(apiUrl, 'GET', `/queue/default/i/${proItem!.id}`, { token: pro.body.accessToken })).body.status === 'completed',
      30_000,
      'the pro item to complete on the performance worker',
    );
    const done = await request<{ worker: string; results: unknown }>(apiUrl, 'GET', `/queue/default/i/${proItem!.id}`, { token: pro.body.accessToken });
    expect(done.body.worker).toBe(`${run}-fast`);
    expect(JSON.stringify(done.body.results)).toContain('sea');

    const removed = await request(apiUrl, 'DELETE', '/plugins/greeting-pack', { token });
    expect(removed.status).toBe(200);
    expect((await request(apiUrl, 'GET', '/nodes/greeting.hello')).status).toBe(404);
    const refused = await enqueue();
    expect(refused.status).toBe(422);
    expect(refused.body.error?.message).toContain('greeting.hello');
    expect((await request(apiUrl, 'GET', '/nodes/core.add')).status).toBe(200);
  }, 90_000);
});
