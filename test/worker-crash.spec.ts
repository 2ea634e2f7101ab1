/**
 * A worker killed with SIGKILL in the middle of an item loses nothing: another worker takes the
 * item once the dead one's lock expires and finishes it; after the attempt limit the item fails
 * with the reason instead of running forever. Real processes, real PostgreSQL, real kill -9.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../engine/registry/node-registry';
import { FIRST_PARTY_PACKS } from '../services/plugins/first-party-packs';
import { loadPackFromFolder } from '../services/plugins/pack-loader';
import { JobTransport } from '../services/queue/job-transport';
import { QueueRepository } from '../services/queue/queue.repository';
import { SessionQueue } from '../services/queue/session-queue';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { eventually } from './support/eventually';
import { ALICE } from './support/test-tenants';
import { useTestDatabase } from './support/test-database';

const SLOW_PACK = path.resolve(__dirname, 'fixtures/slow-pack');
const sleepGraph = (ms: number) => ({ nodes: [{ id: 'nap', type: 'slowtest.sleep', inputs: { ms } }], edges: [] });

describe('a worker killed mid-item (kill -9)', () => {
  const db = useTestDatabase();
  let dataDir: string;
  let queue: SessionQueue;
  let store: QueueRepository;
  let transport: JobTransport;
  const processes: PlatformProcess[] = [];
  let queueName: string;

  beforeAll(async () => {
    db.skipIfMissing();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-crash-'));
    await db.dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ($1, 'a@example.com', 'x')`, [ALICE.id]);
  });

  beforeEach(async () => {
    db.skipIfMissing();
    queueName = `crash-${process.pid}-${Date.now()}`;
    const registry = new NodeRegistry();
    for (const folder of [...FIRST_PARTY_PACKS, SLOW_PACK]) await loadPackFromFolder(folder, registry);
    store = new QueueRepository(db.dataSource);
    transport = new JobTransport({ redisUrl: '', postgresUrl: db.url, queueName });
    queue = new SessionQueue({ store, transport, registry, events: { emit: () => undefined }, maxBatchItems: 100, interrupt: () => undefined });
  });

  afterEach(async () => {
    for (const child of processes.splice(0)) await child.kill('SIGKILL');
    await transport?.close();
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function worker(name: string, extra: Record<string, string> = {}): PlatformProcess {
    const child = startPlatformProcess({
      PINKSEA_ROLE: 'worker',
      PINKSEA_NODE_ID: name,
      DATABASE_URL: db.url,
      REDIS_URL: '',
      PINKSEA_TRANSPORTER: '',
      PINKSEA_QUEUE_NAME: queueName,
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_PACK_PATHS: SLOW_PACK,
      PINKSEA_JOB_LOCK: '2s',
      PINKSEA_JOB_STALLED_CHECK: '1s',
      ...extra,
    });
    processes.push(child);
    return child;
  }

  async function itemState(itemId: string) {
    const [row] = (await db.dataSource.query(`SELECT status, attempts, worker, error FROM queue_items WHERE id = $1`, [itemId])) as {
      status: string;
      attempts: number;
      worker: string | null;
      error: { code: string; message: string } | null;
    }[];
    return row!;
  }

  it('hands the item to another worker, which finishes it', async () => {
    const { batchId } = await queue.enqueueBatch(ALICE.id, 'default', { batch: { graph: sleepGraph(3000) } });
    const [item] = (await store.listItems(ALICE.id, 'default', { batchId }, 1, 0)).items;
    const first = worker('worker-a');
    await first.waitFor(/Pinksea \(worker\) is running/);
    await eventually(async () => (await itemState(item!.id)).worker === 'worker-a', 30_000, 'worker-a to take the item');

    await first.kill('SIGKILL');
    expect((await itemState(item!.id)).status).toBe('in_progress');

    const second = worker('worker-b');
    await second.waitFor(/Pinksea \(worker\) is running/);
    await eventually(async () => (await itemState(item!.id)).status === 'completed', 40_000, 'worker-b to finish the item');
    expect(await itemState(item!.id)).toEqual(jasmine.objectContaining({ status: 'completed', attempts: 2, worker: 'worker-b', error: null }));
  }, 120_000);

  it('fails the item with the reason once it was interrupted more often than allowed', async () => {
    const { batchId } = await queue.enqueueBatch(ALICE.id, 'default', { batch: { graph: sleepGraph(3000) } });
    const [item] = (await store.listItems(ALICE.id, 'default', { batchId }, 1, 0)).items;
    const first = worker('worker-c', { PINKSEA_MAX_ITEM_ATTEMPTS: '1' });
    await eventually(async () => (await itemState(item!.id)).worker === 'worker-c', 40_000, 'worker-c to take the item');
    await first.kill('SIGKILL');

    worker('worker-d', { PINKSEA_MAX_ITEM_ATTEMPTS: '1' });
    await eventually(async () => (await itemState(item!.id)).status === 'failed', 40_000, 'the item to fail');
    const state = await itemState(item!.id);
    expect(state.error?.code).toBe('worker_lost');
    expect(state.error?.message).toContain('interrupted once');
  }, 120_000);
});
