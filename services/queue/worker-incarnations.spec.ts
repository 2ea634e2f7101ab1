/**
 * Claims belong to a worker incarnation (node id and broker instance id), not to a node id: a
 * worker killed and restarted under its old name must not look like the one that holds its old
 * items. Real PostgreSQL and BullMQ on PostgreSQL.
 */
import { createQueueKit } from '../../test/support/queue-kit';
import { eventually } from '../../test/support/eventually';
import { ALICE } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import { MemoryContextHost } from '../../nodes/sdk/testing';
import { JobTransport } from './job-transport';
import type { ClaimedItem } from './queue-store';
import { SessionRunner } from './session-runner';

const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };

describe('worker incarnations', () => {
  const db = useTestDatabase();
  const kits: Awaited<ReturnType<typeof createQueueKit>>[] = [];
  let counter = 0;

  async function kitFor(options: Omit<Parameters<typeof createQueueKit>[2], 'queueName'> = {}) {
    const kit = await createQueueKit(db.dataSource, db.url, { queueName: `incarnations-${process.pid}-${Date.now()}-${++counter}`, ...options });
    kits.push(kit);
    return kit;
  }

  async function oneItem(kit: Awaited<ReturnType<typeof kitFor>>, queueId: string): Promise<string> {
    const { batchId } = await kit.queue.enqueueBatch(ALICE.id, queueId, { batch: { graph: addGraph } });
    return (await kit.queue.list(ALICE.id, queueId, { batchId }, 1, 0)).items[0]!.id;
  }

  beforeEach(() => db.skipIfMissing());
  afterEach(async () => {
    for (const kit of kits.splice(0)) await kit.transport.close();
  });

  it('never takes an item from a live incarnation, and takes it over once that one is gone', async () => {
    let live = ['x-1'];
    const kit = await kitFor({ workerName: 'worker-y', instanceId: 'y-1', liveInstances: () => live });
    const itemId = await oneItem(kit, 'live');
    expect(await kit.store.claim(itemId, { nodeId: 'worker-x', instanceId: 'x-1' })).toBeDefined();

    expect(await kit.runner.process(itemId)).toBe('later');
    expect(await kit.store.itemState(itemId)).toEqual({ status: 'in_progress', worker: 'worker-x', workerInstance: 'x-1' });
    // An api node's sweep leaves it alone while x-1 lives.
    const orphans = async () => (await kit.store.orphanedItems(live, 0)).map((item) => item.id);
    expect(await orphans()).not.toContain(itemId);

    live = ['y-1'];
    expect(await orphans()).toContain(itemId);
    expect(await kit.runner.process(itemId)).toBe('done');
    expect(await kit.queue.get(ALICE.id, itemId)).toEqual(jasmine.objectContaining({ status: 'completed', worker: 'worker-y', attempts: 2 }));
  });

  it('treats a worker back under its old node id as a new incarnation', async () => {
    // worker-x claimed the item in its first life (x-1), was killed, and is back as x-2.
    const live = ['x-2'];
    const kit = await kitFor({ workerName: 'worker-y', instanceId: 'y-1', liveInstances: () => live });
    const itemId = await oneItem(kit, 'restart');
    await kit.store.claim(itemId, { nodeId: 'worker-x', instanceId: 'x-1' });

    expect((await kit.store.orphanedItems(live, 0)).map((item) => item.id)).toContain(itemId);
    expect(await kit.store.claim(itemId, { nodeId: 'worker-z', instanceId: 'z-1' }, [...live, 'y-1'])).toEqual(
      jasmine.objectContaining({ worker: 'worker-z', attempts: 2 }),
    );
    // z-1 is live: nobody takes it from z-1, not even worker-x's new life.
    expect(await kit.store.claim(itemId, { nodeId: 'worker-x', instanceId: 'x-2' }, ['z-1'])).toBeUndefined();
  });

  it('finds what a restarted worker held in its former lives, and only that', async () => {
    const kit = await kitFor({ workerName: 'worker-x', instanceId: 'x-2' });
    const [former, current, other] = [await oneItem(kit, 'former'), await oneItem(kit, 'former'), await oneItem(kit, 'former')];
    await kit.store.claim(former, { nodeId: 'worker-x', instanceId: 'x-1' });
    await kit.store.claim(current, { nodeId: 'worker-x', instanceId: 'x-2' });
    await kit.store.claim(other, { nodeId: 'worker-o', instanceId: 'o-1' });
    // Claimed before incarnations were recorded: no instance, so from a former life too.
    const legacy = await oneItem(kit, 'former');
    await db.dataSource.query(`UPDATE queue_items SET status = 'in_progress', worker = 'worker-x', worker_instance = NULL WHERE id = $1`, [legacy]);

    expect((await kit.runner.heldInFormerLives()).map((item) => item.id)).toEqual([former, legacy]);
  });

  it('releases an item only for the incarnation that holds it', async () => {
    const kit = await kitFor();
    const itemId = await oneItem(kit, 'release');
    const holder = { nodeId: 'worker-x', instanceId: 'x-1' };
    await kit.store.claim(itemId, holder);
    expect(await kit.store.release(itemId, { nodeId: 'worker-x', instanceId: 'x-2' })).toBeFalse();
    expect(await kit.store.release(itemId, holder)).toBeTrue();
    expect(await kit.store.itemState(itemId)).toEqual({ status: 'pending', worker: null, workerInstance: null });
    expect(await kit.store.claim(itemId, { nodeId: 'worker-y', instanceId: 'y-1' }, ['x-1'])).toEqual(jasmine.objectContaining({ attempts: 2 }));
  });

  it('keeps the run\'s start across attempts, and has a new attempt discard what earlier ones left', async () => {
    const discarded: ClaimedItem[] = [];
    const kit = await kitFor();
    // The kit's runner has no discard hook: a runner with one, on the same store.
    const runner = new SessionRunner({
      store: kit.store,
      registry: kit.registry,
      events: { emit: () => undefined },
      hostFor: () => new MemoryContextHost(),
      workerName: 'worker-y',
      instanceId: 'y-1',
      discardEarlierAttempts: async (item) => void discarded.push(item),
    });
    const first = await oneItem(kit, 'discard');
    expect(await runner.process(first)).toBe('done');
    expect(discarded).toEqual([]);

    const second = await oneItem(kit, 'discard');
    const dead = (await kit.store.claim(second, { nodeId: 'worker-x', instanceId: 'x-1' }))!;
    expect(await runner.process(second)).toBe('done');
    expect(discarded.map((item) => [item.id, item.attempts, item.startedAt])).toEqual([[second, 2, dead.startedAt]]);

    // A retry the user asks for is a new run: it starts afresh.
    await db.dataSource.query(`UPDATE queue_items SET status = 'failed' WHERE id = $1`, [second]);
    await kit.queue.retry(ALICE.id, 'discard', [second]);
    expect((await kit.queue.get(ALICE.id, second)).startedAt).toBeNull();
  });

  it('brings a job whose item is busy back later without spending its attempts', async () => {
    const transport = new JobTransport({ redisUrl: '', postgresUrl: db.url, queueName: `later-${process.pid}-${Date.now()}`, laterMaxDelayMs: 100 });
    let calls = 0;
    // More times busy than a job has attempts (6): a failing job would be dropped by now.
    const worker = transport.startWorker(async () => (++calls <= 8 ? 'later' : 'done'), 1);
    try {
      await transport.add([{ itemIds: ['1'], priority: 1 }]);
      await eventually(() => calls === 9, 20_000, 'the ninth run of the job');
      await eventually(async () => (await transport.counts()).active === 0, 5_000, 'the job to end');
      expect(calls).toBe(9);
    } finally {
      await worker.close();
      await transport.close();
    }
  });
});
