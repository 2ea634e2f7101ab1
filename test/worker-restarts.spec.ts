/**
 * Workers killed with SIGKILL again and again, each brought back at once under its old node id:
 * every item still ends, none is left in progress on a worker that only shares the dead one's
 * name, and each item has exactly one gallery image however often it ran (the attempt that takes
 * a killed item over discards what the killed one saved). Real processes: two workers over the
 * machine's PostgreSQL (BullMQ on its PostgreSQL backend) and NATS, short job locks.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeRegistry } from '../engine/registry/node-registry';
import { FIRST_PARTY_PACKS } from '../services/plugins/first-party-packs';
import { loadPackFromFolder } from '../services/plugins/pack-loader';
import { JobTransport } from '../services/queue/job-transport';
import { QueueRepository } from '../services/queue/queue.repository';
import { SessionQueue } from '../services/queue/session-queue';
import { eventually } from './support/eventually';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { missingService, serviceUrls } from './support/services-available';
import { useTestDatabase } from './support/test-database';
import { ALICE } from './support/test-tenants';

const SLOW_PACK = path.resolve(__dirname, 'fixtures/slow-pack');
const ITEMS = 40;
const KILLS = 5;

/** Draws a small image, saves it to the gallery, then naps: a kill often lands after the save. */
const graph = {
  nodes: [
    { id: 'sign', type: 'image.render_text', inputs: { text: 'ONCE', fontSize: 16, width: 64, height: 24 } },
    { id: 'keep', type: 'image.save' },
    { id: 'nap', type: 'slowtest.sleep', inputs: { ms: 1500 } },
  ],
  edges: [
    { source: { nodeId: 'sign', field: 'image' }, destination: { nodeId: 'keep', field: 'image' } },
    { source: { nodeId: 'keep', field: 'width' }, destination: { nodeId: 'nap', field: 'value' } },
  ],
};

describe('workers killed and restarted under their old node ids', () => {
  const db = useTestDatabase();
  const workers = new Map<string, PlatformProcess>();
  let missing: string | undefined;
  let dataDir: string;
  let run: string;
  let transport: JobTransport | undefined;

  beforeAll(async () => {
    db.skipIfMissing();
    missing = await missingService('NATS', serviceUrls().nats);
    if (missing) return;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-restarts-'));
    run = `restarts${process.pid}x${Date.now()}`;
    await db.dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ($1, 'a@example.com', 'x')`, [ALICE.id]);
  });

  afterAll(async () => {
    for (const child of workers.values()) await child.kill('SIGKILL');
    await transport?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  function start(name: string): PlatformProcess {
    const child = startPlatformProcess({
      PINKSEA_ROLE: 'worker',
      PINKSEA_NODE_ID: name,
      DATABASE_URL: db.url,
      REDIS_URL: '',
      PINKSEA_TRANSPORTER: serviceUrls().nats,
      PINKSEA_NAMESPACE: run,
      PINKSEA_QUEUE_NAME: run,
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_PACK_PATHS: SLOW_PACK,
      PINKSEA_WORKER_CONCURRENCY: '2',
      PINKSEA_JOB_LOCK: '2s',
      PINKSEA_JOB_STALLED_CHECK: '1s',
      // Kills hit whatever runs: an item may be hit more than the default three times.
      PINKSEA_MAX_ITEM_ATTEMPTS: '20',
    });
    workers.set(name, child);
    return child;
  }

  interface ItemRow {
    id: string;
    status: string;
    attempts: number;
    worker: string | null;
  }
  const items = async (batchId: string) =>
    (await db.dataSource.query(`SELECT id::text, status, attempts, worker FROM queue_items WHERE batch_id = $1 ORDER BY id`, [batchId])) as ItemRow[];
  const imagesOf = async (batchId: string) =>
    (await db.dataSource.query(
      `SELECT i.id::text AS id, count(g.name) FILTER (WHERE NOT g.intermediate)::int AS gallery, count(g.name) FILTER (WHERE g.intermediate)::int AS working
       FROM queue_items i LEFT JOIN images g ON g.session_id = i.id::text WHERE i.batch_id = $1 GROUP BY i.id ORDER BY i.id`,
      [batchId],
    )) as { id: string; gallery: number; working: number }[];

  it('ends every item, each with one gallery image', async () => {
    if (missing) pending(missing);
    const registry = new NodeRegistry();
    for (const folder of [...FIRST_PARTY_PACKS, SLOW_PACK]) await loadPackFromFolder(folder, registry);
    transport = new JobTransport({ redisUrl: '', postgresUrl: db.url, queueName: run });
    const queue = new SessionQueue({ store: new QueueRepository(db.dataSource), transport, registry, events: { emit: () => undefined }, maxBatchItems: 100, interrupt: () => undefined });

    await Promise.all(['worker-a', 'worker-b'].map((name) => start(name).waitFor(/Pinksea \(worker\) is running/, 90_000)));
    // Every working image is recorded too (as for the studio's editor), so it must exist once as well.
    const { batchId } = await queue.enqueueBatch(ALICE.id, 'default', { batch: { graph, runs: ITEMS }, keepIntermediates: true });

    // Kill the worker that holds an item whose gallery image is already saved, and bring it back
    // at once under the same name; then the other one, and so on.
    for (let kill = 0; kill < KILLS; kill++) {
      const name = kill % 2 === 0 ? 'worker-a' : 'worker-b';
      await eventually(
        async () => {
          const [row] = (await db.dataSource.query(
            `SELECT 1 FROM queue_items i JOIN images g ON g.session_id = i.id::text AND NOT g.intermediate
             WHERE i.batch_id = $1 AND i.status = 'in_progress' AND i.worker = $2 LIMIT 1`,
            [batchId, name],
          )) as unknown[];
          return row !== undefined;
        },
        30_000,
        `${name} to hold a saved item (kill ${kill + 1})`,
      );
      await workers.get(name)!.kill('SIGKILL');
      start(name);
    }

    await eventually(async () => (await items(batchId)).every((item) => item.status === 'completed'), 90_000, 'every item to complete').catch(async (error: unknown) => {
      const stuck = (await items(batchId)).filter((item) => item.status !== 'completed');
      throw new Error(`${String(error)}: ${JSON.stringify(stuck)}\n${[...workers.values()].map((child) => child.output().slice(-2000)).join('\n---\n')}`);
    });
    const done = await items(batchId);
    expect(done.length).toBe(ITEMS);
    // The kills cut attempts short (not always one each: an item may finish as its worker is killed).
    expect(done.some((item) => item.attempts > 1)).withContext('an item that ran again after a kill').toBeTrue();
    expect((await imagesOf(batchId)).filter((row) => row.gallery !== 1 || row.working !== 1)).withContext('items without exactly one gallery and one working image').toEqual([]);
    // The discarded attempts' files went with their records. A kill in the middle of another
    // item's save (file written, record not yet) may leave a file nobody lists: at most one a kill.
    const records = new Set(((await db.dataSource.query(`SELECT name FROM images`)) as { name: string }[]).map((row) => `${row.name}.png`));
    const files = (await readdir(path.join(dataDir, 'images', ALICE.id))).filter((name) => name.endsWith('.png'));
    expect([...records].filter((name) => !files.includes(name))).withContext('records without their file').toEqual([]);
    expect(files.filter((name) => !records.has(name)).length).withContext('files without a record').toBeLessThanOrEqual(KILLS);
  }, 115_000);
});
