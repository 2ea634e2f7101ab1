/**
 * Large batches travel as chunks of consecutive items, one job each: cheap items share the
 * queue's round trips, long ones still spread one at a time. Real PostgreSQL, real BullMQ on
 * PostgreSQL, the real runner.
 */
import { createQueueKit } from '../../test/support/queue-kit';
import { eventually } from '../../test/support/eventually';
import { ALICE, BOB } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import { chunkItems, JobTransport, MAX_CHUNK_ITEMS, type ChunkResult } from './job-transport';
import type { ItemWriteResults, ItemWrites, WorkerIncarnation } from './queue-store';

const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
const slowGraph = { nodes: [{ id: 'wait', type: 'test.slow', inputs: { steps: 1, stepMs: 20 } }], edges: [] };

describe('chunked jobs', () => {
  it('keeps small batches one item per job and cuts large ones into bounded chunks, in order', () => {
    expect(chunkItems(1)).toEqual([{ start: 0, length: 1 }]);
    expect(chunkItems(64).length).toBe(64);
    expect(chunkItems(200).map((chunk) => chunk.length)).toEqual([3, 3, ...Array<number>(64).fill(3), 2]);
    const big = chunkItems(10_000);
    expect(Math.max(...big.map((chunk) => chunk.length))).toBe(MAX_CHUNK_ITEMS);
    expect(big.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(10_000);
    expect(big.every((chunk, index) => index === 0 || chunk.start === big[index - 1]!.start + big[index - 1]!.length)).toBeTrue();
  });

  describe('through the queue', () => {
    const db = useTestDatabase();
    const kits: Awaited<ReturnType<typeof createQueueKit>>[] = [];
    let counter = 0;

    async function kitFor(options: Omit<Parameters<typeof createQueueKit>[2], 'queueName'> = {}) {
      const kit = await createQueueKit(db.dataSource, db.url, { queueName: `chunks-${process.pid}-${Date.now()}-${++counter}`, ...options });
      kits.push(kit);
      return kit;
    }

    beforeEach(() => db.skipIfMissing());
    afterEach(async () => {
      for (const kit of kits.splice(0)) await kit.transport.close();
    });

    it('runs a 300-item batch as chunks, every item once, with far fewer statements than items', async () => {
      const kit = await kitFor();
      const writes: ItemWrites[] = [];
      const writeItems = kit.store.writeItems.bind(kit.store);
      kit.store.writeItems = (batch: ItemWrites, worker: WorkerIncarnation, live?: readonly string[], known?: readonly string[]): Promise<ItemWriteResults> => {
        writes.push(batch);
        return writeItems(batch, worker, live, known);
      };
      const { batchId } = await kit.queue.enqueueBatch(ALICE.id, 'chunks', { batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'b', items: Array.from({ length: 300 }, (_, index) => index) }]] } });
      expect((await kit.transport.counts()).waiting).toBe(chunkItems(300).length);

      const worker = kit.transport.startWorker((id) => kit.runner.process(id), 2, undefined, (ids, budgetMs) => kit.runner.processChunk(ids, budgetMs));
      try {
        await eventually(async () => (await kit.queue.counts(ALICE.id, 'chunks', batchId)).completed === 300, 30_000, '300 completed items');
      } finally {
        await worker.close();
      }
      const items = (await kit.queue.list(ALICE.id, 'chunks', { batchId }, 500, 0)).items;
      expect(items.map((item) => (item.results as { outputs: { sum: { value: number }[] } }).outputs.sum[0]!.value)).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
      expect(items.every((item) => item.attempts === 1)).toBeTrue();
      // Each item was claimed once and finished once; claims ahead and finishes shared statements.
      expect(writes.flatMap((batch) => batch.claims).length).toBe(300);
      expect(writes.flatMap((batch) => batch.finishes).length).toBe(300);
      expect(writes.length).toBeLessThan(300);
      // Each status event once per item, in_progress before completed.
      const statuses = kit.events.filter((event) => event.name === 'queue_item_status_changed').map((event) => event.payload as { itemId: string; status: string });
      expect(statuses.filter((event) => event.status === 'completed').length).toBe(300);
      expect(statuses.filter((event) => event.status === 'in_progress').length).toBe(300);
    });

    it('hands a chunk\'s unstarted items back once its budget is spent, so a second worker takes them', async () => {
      const kit = await kitFor();
      const { batchId } = await kit.queue.enqueueBatch(ALICE.id, 'slow', { batch: { graph: slowGraph, runs: 130 } });
      // 130 items: chunks of two. With no budget, a worker runs a chunk's first item and hands the
      // other back as a one-item job, which either worker may take.
      const ran: Record<string, string[]> = { a: [], b: [] };
      const processor = (name: 'a' | 'b') => async (ids: readonly string[]): Promise<ChunkResult> => {
        const result = await kit.runner.processChunk(ids, 0);
        ran[name]!.push(...ids.slice(0, ids.length - result.unstarted.length));
        return result;
      };
      const one = (name: 'a' | 'b') => (id: string) => {
        ran[name]!.push(id);
        return kit.runner.process(id);
      };
      const first = kit.transport.startWorker(one('a'), 1, undefined, processor('a'));
      const second = kit.transport.startWorker(one('b'), 1, undefined, processor('b'));
      try {
        // Each run of a chunk ran one item: the others all came back as jobs and ran too.
        await eventually(async () => (await kit.queue.counts(ALICE.id, 'slow', batchId)).completed === 130, 30_000, '130 completed items');
      } finally {
        await first.close();
        await second.close();
      }
      expect(ran.a!.length + ran.b!.length).toBe(130);
      expect(ran.a!.length).toBeGreaterThan(2);
      expect(ran.b!.length).toBeGreaterThan(2);
      expect(new Set([...ran.a!, ...ran.b!]).size).toBe(ran.a!.length + ran.b!.length);
    }, 40_000);

    it('does not start an item claimed ahead that was canceled before its turn', async () => {
      const kit = await kitFor();
      const graph = { nodes: [{ id: 'wait', type: 'test.slow', inputs: { steps: 1, stepMs: 30 } }], edges: [] };
      const { batchId } = await kit.queue.enqueueBatch(ALICE.id, 'ahead', { batch: { graph, runs: 7 } });
      const ids = (await kit.queue.list(ALICE.id, 'ahead', { batchId }, 10, 0)).items.map((item) => item.id);
      // Windows of 1, 2 and 4 items (30 ms items are quick against a 10 s budget): the fourth item
      // starts with the sixth already claimed; it is canceled then, while the fourth runs.
      let cancel: Promise<unknown> | undefined;
      const push = kit.events.push.bind(kit.events);
      kit.events.push = (...events) => {
        for (const event of events) {
          const payload = event.payload as { itemId?: string; status?: string };
          if (event.name === 'queue_item_status_changed' && payload.itemId === ids[3] && payload.status === 'in_progress') {
            cancel = kit.queue.cancel(ALICE.id, 'ahead', { kind: 'item', itemId: ids[5]! });
          }
        }
        return push(...events);
      };
      expect(await kit.runner.processChunk(ids, 10_000)).toEqual({ later: [], unstarted: [] });
      expect(await cancel).toEqual({ canceled: 1 });
      const items = (await kit.queue.list(ALICE.id, 'ahead', { batchId }, 10, 0)).items;
      expect(items.map((item) => item.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed', 'canceled', 'completed']);
      const started = kit.events.filter((event) => event.name === 'queue_item_status_changed' && (event.payload as { status: string }).status === 'in_progress');
      expect(started.map((event) => (event.payload as { itemId: string }).itemId)).not.toContain(ids[5]!);
    });

    it('skips a chunk\'s canceled items and brings back the ones another live worker runs', async () => {
      const kit = await kitFor({ instanceId: 'me-1', liveInstances: () => ['other-1', 'me-1'] });
      const { batchId } = await kit.queue.enqueueBatch(BOB.id, 'mixed', { batch: { graph: addGraph, runs: 4 } });
      const ids = (await kit.queue.list(BOB.id, 'mixed', { batchId }, 10, 0)).items.map((item) => item.id);
      await kit.queue.cancel(BOB.id, 'mixed', { kind: 'item', itemId: ids[1]! });
      await kit.store.claim(ids[2]!, { nodeId: 'other', instanceId: 'other-1' });

      expect(await kit.runner.processChunk(ids, 10_000)).toEqual({ later: [ids[2]!], unstarted: [] });
      const statuses = (await kit.queue.list(BOB.id, 'mixed', { batchId }, 10, 0)).items.map((item) => item.status);
      expect(statuses).toEqual(['completed', 'canceled', 'in_progress', 'completed']);
    });
  });

  it('brings a chunk\'s busy items back as a job of their own and runs its unstarted ones as another', async () => {
    const url = process.env['DATABASE_URL'];
    if (!url) pending('needs DATABASE_URL');
    const transport = new JobTransport({ redisUrl: '', postgresUrl: url!, queueName: `chunk-back-${process.pid}-${Date.now()}`, laterMaxDelayMs: 100 });
    const runs: string[] = [];
    const worker = transport.startWorker(
      async (id) => void runs.push(id),
      1,
      undefined,
      async (ids) => {
        runs.push(ids.join(','));
        // The first run: item 1 ran, item 2 was busy on another worker, 3 and 4 not started.
        return ids.length === 4 ? { later: ['2'], unstarted: ['3', '4'] } : { later: [], unstarted: [] };
      },
    );
    try {
      await transport.add([{ itemIds: ['1', '2', '3', '4'], priority: 1 }]);
      await eventually(() => runs.length === 3, 20_000, 'three runs');
      await eventually(async () => (await transport.counts()).active + (await transport.counts()).waiting === 0, 5_000, 'the jobs to end');
      // The unstarted pair at once, the busy item after its pause, as a one-item job.
      expect(runs).toEqual(['1,2,3,4', '3,4', '2']);
    } finally {
      await worker.close();
      await transport.close();
    }
  });
});
