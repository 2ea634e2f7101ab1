/**
 * A worker's claims and finishes share statements, and one write PostgreSQL refuses fails alone.
 * Real PostgreSQL through the real repository.
 */
import { createQueueKit } from '../../test/support/queue-kit';
import { ALICE } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import { ItemWriteBatcher } from './item-write-batcher';
import type { ItemWriteResults, ItemWrites, WorkerIncarnation } from './queue-store';

const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
const worker = { nodeId: 'batcher', instanceId: 'batcher-1' };

describe('item write batcher', () => {
  const db = useTestDatabase();
  beforeEach(() => db.skipIfMissing());

  async function setUp(queueId: string, runs: number) {
    const kit = await createQueueKit(db.dataSource, db.url, { queueName: `batcher-${process.pid}-${Date.now()}` });
    const { batchId } = await kit.queue.enqueueBatch(ALICE.id, queueId, { batch: { graph: addGraph, runs } });
    const ids = (await kit.queue.list(ALICE.id, queueId, { batchId }, 10, 0)).items.map((item) => item.id);
    const statements: ItemWrites[] = [];
    const batcher = new ItemWriteBatcher({
      store: {
        writeItems: (writes: ItemWrites, incarnation: WorkerIncarnation, live?: readonly string[], known?: readonly string[]): Promise<ItemWriteResults> => {
          statements.push(writes);
          return kit.store.writeItems(writes, incarnation, live, known);
        },
      },
      worker,
      liveInstances: () => [],
      knownBatches: () => [batchId],
    });
    return { kit, ids, batcher, statements, batchId };
  }

  it('sends what is asked in one turn as one statement, and what is asked meanwhile as the next', async () => {
    const { kit, ids, batcher, statements } = await setUp('together', 4);
    try {
      const claimed = await Promise.all(ids.slice(0, 3).map((id) => batcher.claim(id)));
      expect(claimed.map((item) => item?.id)).toEqual(ids.slice(0, 3));
      // The graph is not sent again for a batch the worker holds.
      expect(claimed.every((item) => item !== undefined && item.graph === undefined && item.status === 'in_progress')).toBeTrue();
      expect(statements.length).toBe(1);

      const first = batcher.finish({ itemId: ids[0]!, status: 'completed', outcome: { results: { n: 1 } } });
      // Asked while the first statement is on its way: these two go together, after it.
      await new Promise((resolve) => setImmediate(resolve));
      const rest = [batcher.finish({ itemId: ids[1]!, status: 'failed', outcome: {} }), batcher.claim(ids[3]!)];
      expect(await first).toBeTrue();
      expect(await rest[0]).toBeTrue();
      expect((await rest[1]) as unknown).toEqual(jasmine.objectContaining({ id: ids[3], attempts: 1 }));
      expect(statements.slice(1).map((writes) => [writes.claims.length, writes.finishes.length])).toEqual([[0, 1], [1, 1]]);

      // Two claims of one item at once: only one gets it.
      const twice = await Promise.all([batcher.claim(ids[2]!), batcher.claim(ids[2]!)]);
      expect(twice.filter(Boolean).length).toBeLessThanOrEqual(1);
    } finally {
      await kit.transport.close();
    }
  });

  it('retries a refused statement one write at a time, so only the bad write fails', async () => {
    const { kit, ids, batcher, statements } = await setUp('alone', 2);
    try {
      await Promise.all(ids.map((id) => batcher.claim(id)));
      // PostgreSQL's jsonb refuses a NUL character.
      const [bad, good] = await Promise.allSettled([
        batcher.finish({ itemId: ids[0]!, status: 'completed', outcome: { results: { text: 'a\u0000b' } } }),
        batcher.finish({ itemId: ids[1]!, status: 'completed', outcome: { results: { text: 'ok' } } }),
      ]);
      expect(bad.status).toBe('rejected');
      expect(good).toEqual({ status: 'fulfilled', value: true });
      expect(statements.slice(1).map((writes) => writes.finishes.length)).toEqual([2, 1, 1]);
      const items = (await kit.queue.list(ALICE.id, 'alone', {}, 10, 0)).items;
      expect(items.map((item) => item.status)).toEqual(['in_progress', 'completed']);
    } finally {
      await kit.transport.close();
    }
  });
});
