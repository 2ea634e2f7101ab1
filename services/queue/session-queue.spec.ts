import { createQueueKit } from '../../test/support/queue-kit';
import { eventually } from '../../test/support/eventually';
import { ALICE, BOB } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import { GraphValidationError, BatchValidationError } from '../../engine/errors';
import { jobPriority } from './job-transport';
import { SessionQueue } from './session-queue';
import { missingService, serviceUrls } from '../../test/support/services-available';

const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };

describe('session queue (PostgreSQL + BullMQ on PostgreSQL)', () => {
  const originalTimeout = jasmine.DEFAULT_TIMEOUT_INTERVAL;
  beforeAll(() => (jasmine.DEFAULT_TIMEOUT_INTERVAL = 40_000));
  afterAll(() => (jasmine.DEFAULT_TIMEOUT_INTERVAL = originalTimeout));
  const db = useTestDatabase();
  let kit: Awaited<ReturnType<typeof createQueueKit>>;
  let counter = 0;
  /** Each spec works in its own queue, so items of other specs never show up. */
  let q: string;

  beforeEach(async () => {
    db.skipIfMissing();
    q = `q${++counter}`;
    kit = await createQueueKit(db.dataSource, db.url, { queueName: `spec-${process.pid}-${counter}` });
  });
  afterEach(async () => kit?.transport.close());

  it('expands a batch into one stored item per session and runs each with its own values', async () => {
    const result = await kit.queue.enqueueBatch(ALICE.id, q, {
      batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items: [10, 20, 30] }]], runs: 2 },
    });
    expect(result.enqueued).toBe(6);
    const worker = kit.transport.startWorker((id) => kit.runner.process(id), 2);
    try {
      await eventually(async () => (await kit.queue.counts(ALICE.id, q)).completed === 6, 20_000, 'six completed items');
    } finally {
      await worker.close();
    }
    const page = await kit.queue.list(ALICE.id, q, { batchId: result.batchId }, 10, 0);
    expect(page.total).toBe(6);
    const sums = page.items.map((item) => (item.results as { outputs: { sum: { value: number }[] } }).outputs.sum[0]!.value);
    expect(sums).toEqual([12, 22, 32, 12, 22, 32]);
    expect(page.items.every((item) => item.attempts === 1 && item.worker === 'spec-worker')).toBeTrue();
    // core.add needs no GPU: nothing to bill.
    expect(page.items.every((item) => item.acceleratorSeconds === 0)).toBeTrue();
    const names = kit.events.filter((event) => event.ownerId === ALICE.id).map((event) => event.name);
    expect(names).toContain('batch_enqueued');
    expect(names.filter((name) => name === 'invocation_complete').length).toBe(6);
    expect(kit.events.some((event) => event.ownerId !== ALICE.id)).toBeFalse();
  });

  it('refuses invalid graphs and oversized batches before storing anything', async () => {
    await expectAsync(kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: { nodes: [{ id: 'x', type: 'nope.node' }], edges: [] } } })).toBeRejectedWithError(GraphValidationError);
    const items = Array.from({ length: 40 }, (_, index) => index);
    await expectAsync(
      kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items }], [{ nodeId: 'sum', field: 'b', items }]] } }),
    ).toBeRejectedWithError(BatchValidationError);
    expect((await kit.queue.counts(ALICE.id, q)).total).toBe(0);
  });

  it('refuses graphs over the node limit and values nested too deep, naming where, before storing anything', async () => {
    const limited = new SessionQueue({ store: kit.store, transport: kit.transport, registry: kit.registry, events: { emit: () => undefined }, maxBatchItems: 1000, interrupt: () => undefined, graphLimits: { maxNodes: 2 } });
    const three = { nodes: ['a', 'b', 'c'].map((id) => ({ id, type: 'core.add' })), edges: [] };
    const tooLarge = await limited.enqueueBatch(ALICE.id, q, { batch: { graph: three } }).then(() => undefined, (error: unknown) => error);
    expect(tooLarge).toEqual(jasmine.any(GraphValidationError));
    expect((tooLarge as GraphValidationError).issues).toEqual([jasmine.objectContaining({ code: 'graph_too_large', field: 'nodes', expected: 'at most 2 nodes' })]);
    let deep: unknown = 1;
    for (let level = 0; level < 5_000; level++) deep = [deep];
    const inGraph = await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: deep } }], edges: [] } } }).then(() => undefined, (error: unknown) => error);
    expect((inGraph as GraphValidationError).issues).toEqual([jasmine.objectContaining({ code: 'value_too_deep', nodeId: 'sum', field: 'a' })]);
    const inData = await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items: [deep] }]] } }).then(() => undefined, (error: unknown) => error);
    expect(inData).toEqual(jasmine.any(BatchValidationError));
    expect((inData as BatchValidationError).issues).toEqual([jasmine.objectContaining({ nodeId: 'sum', field: 'a' })]);
    expect((await kit.queue.counts(ALICE.id, q)).total).toBe(0);
  });

  it('records a failing node on the item with its code and node', async () => {
    await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: { nodes: [{ id: 'bad', type: 'core.divide', inputs: { a: 1, b: 0 } }], edges: [] } } });
    const worker = kit.transport.startWorker((id) => kit.runner.process(id), 1);
    try {
      await eventually(async () => (await kit.queue.counts(ALICE.id, q)).failed === 1, 20_000, 'a failed item');
    } finally {
      await worker.close();
    }
    const [item] = (await kit.queue.list(ALICE.id, q, { status: 'failed' }, 10, 0)).items;
    expect(item!.error).toEqual(jasmine.objectContaining({ code: 'division_by_zero', nodeId: 'bad', field: 'b', kind: 'user' }));
  });

  it('cancels pending items, stops a running one between nodes, and retries them', async () => {
    const slow = { nodes: [{ id: 'wait', type: 'test.slow', inputs: { steps: 200, stepMs: 10 } }], edges: [] };
    const { batchId } = await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: slow, runs: 3 } });
    const worker = kit.transport.startWorker((id) => kit.runner.process(id), 1);
    try {
      await eventually(() => kit.runner.active.length === 1, 20_000, 'a running item');
      const result = await kit.queue.cancel(ALICE.id, q, { kind: 'batch', batchId });
      expect(result.canceled).toBe(3);
      await eventually(() => kit.runner.active.length === 0, 5_000, 'the running item to stop');
      const counts = await kit.queue.counts(ALICE.id, q);
      expect([counts.canceled, counts.completed, counts.pending]).toEqual([3, 0, 0]);

      const canceled = (await kit.queue.list(ALICE.id, q, {}, 10, 0)).items.map((item) => item.id);
      await kit.queue.cancel(ALICE.id, q, { kind: 'all' });
      const { retried } = await kit.queue.retry(ALICE.id, q, [canceled[0]!]);
      expect(retried).toEqual([canceled[0]!]);
      await eventually(() => kit.runner.active.includes(canceled[0]!), 20_000, 'the retried item to run');
    } finally {
      await kit.queue.cancel(ALICE.id, q, { kind: 'all' });
      await worker.close();
    }
  });

  it('keeps each user to their own items', async () => {
    const { batchId } = await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: addGraph } });
    const [itemA] = (await kit.queue.list(ALICE.id, q, {}, 10, 0)).items;
    await expectAsync(kit.queue.get(BOB.id, itemA!.id)).toBeRejectedWith(jasmine.objectContaining({ code: 'not_found' }));
    expect((await kit.queue.list(BOB.id, q, {}, 10, 0)).total).toBe(0);
    await expectAsync(kit.queue.cancel(BOB.id, q, { kind: 'item', itemId: itemA!.id })).toBeRejectedWith(jasmine.objectContaining({ code: 'not_found' }));
    await expectAsync(kit.queue.cancel(BOB.id, q, { kind: 'batch', batchId })).toBeRejectedWith(jasmine.objectContaining({ code: 'not_found' }));
    expect(await kit.queue.cancel(BOB.id, q, { kind: 'all' })).toEqual({ canceled: 0 });
    expect((await kit.queue.get(ALICE.id, itemA!.id)).status).toBe('pending');
    expect(await kit.queue.prune(BOB.id, q)).toEqual({ deleted: 0 });
  });

  it('serves one user\'s single item before another\'s long backlog (fair dequeue)', async () => {
    await kit.queue.enqueueBatch(ALICE.id, q, { batch: { graph: addGraph, runs: 30 } });
    await kit.queue.enqueueBatch(BOB.id, q, { batch: { graph: addGraph } });
    const order: string[] = [];
    const worker = kit.transport.startWorker(async (id) => {
      await kit.runner.process(id);
      const item = (await kit.store.getItem(BOB.id, id)) ? 'B' : 'A';
      order.push(item);
    }, 1);
    try {
      await eventually(() => order.length >= 5, 20_000, 'five items');
    } finally {
      await worker.close();
    }
    expect(order.indexOf('B')).toBeLessThanOrEqual(1);
  });

  it('orders job priorities by batch priority first, then rank', () => {
    expect(jobPriority(9, 0)).toBe(1);
    expect(jobPriority(0, 0)).toBeGreaterThan(jobPriority(1, 50_000));
    expect(jobPriority(0, 3)).toBeGreaterThan(jobPriority(0, 2));
  });
});

describe('session queue routing: pools, workers\' own queues and live workers', () => {
  const db = useTestDatabase();
  let counter = 0;
  const kits: Awaited<ReturnType<typeof createQueueKit>>[] = [];
  const modelGraph = { nodes: [{ id: 'm', type: 'test.model_key', inputs: { model: { key: 'model-a' } } }], edges: [] };

  async function kitFor(options: Omit<Parameters<typeof createQueueKit>[2], 'queueName'>) {
    const kit = await createQueueKit(db.dataSource, db.url, { queueName: `route-${process.pid}-${Date.now()}-${++counter}`, ...options });
    kits.push(kit);
    return kit;
  }

  beforeEach(() => db.skipIfMissing());
  afterEach(async () => {
    for (const kit of kits.splice(0)) await kit.transport.close();
  });

  it('puts an item on the queue of its owner\'s pool and records the pool', async () => {
    const kit = await kitFor({ queue: { poolOf: async (ownerId) => (ownerId === BOB.id ? 'performance' : 'basic') } });
    const { batchId } = await kit.queue.enqueueBatch(BOB.id, 'pools', { batch: { graph: addGraph, runs: 2 } });
    expect((await kit.queue.list(BOB.id, 'pools', { batchId }, 10, 0)).items.map((item) => item.pool)).toEqual(['performance', 'performance']);
    expect((await kit.transport.counts(kit.transport.poolQueue('performance'))).waiting).toBe(2);
    expect((await kit.transport.counts(kit.transport.poolQueue('basic'))).waiting).toBe(0);
  });

  it('routes items to the worker holding their model while its backlog has room, the rest to the pool', async () => {
    const holder = { nodeId: 'gpu-7', pool: 'basic', models: ['model-a'], concurrency: 1 };
    const kit = await kitFor({ queue: { workers: () => [holder, { ...holder, nodeId: 'gpu-8', models: ['model-b'] }] } });
    await kit.queue.enqueueBatch(ALICE.id, 'route', { batch: { graph: modelGraph, runs: 3 } });
    await kit.queue.enqueueBatch(ALICE.id, 'route', { batch: { graph: addGraph } });
    expect((await kit.transport.counts(kit.transport.workerQueue('gpu-7'))).waiting).toBe(2);
    expect((await kit.transport.counts(kit.transport.workerQueue('gpu-8'))).waiting).toBe(0);
    expect((await kit.transport.counts(kit.transport.poolQueue('basic'))).waiting).toBe(2);

    // The holder takes both queues within its one slot, and runs its routed items.
    let running = 0;
    let most = 0;
    const worker = kit.transport.startWorker(
      async (id) => {
        most = Math.max(most, ++running);
        try {
          await kit.runner.process(id);
        } finally {
          running -= 1;
        }
      },
      1,
      [kit.transport.workerQueue('gpu-7'), kit.transport.poolQueue('basic')],
    );
    try {
      await eventually(async () => (await kit.queue.counts(ALICE.id, 'route')).completed === 4, 20_000, 'four completed items');
    } finally {
      await worker.close();
    }
    expect(most).toBe(1);
    const keys = (await kit.queue.list(ALICE.id, 'route', {}, 10, 0)).items.map((item) => (item.results as { outputs: Record<string, { key?: string }[]> }).outputs['m']?.[0]?.key);
    expect(keys.filter(Boolean)).toEqual(['model-a', 'model-a', 'model-a']);
  });

  it('hands a departed worker\'s own queue back to its pool', async () => {
    const kit = await kitFor({ queue: { workers: () => [{ nodeId: 'gone-1', pool: 'basic', models: ['model-a'], concurrency: 2 }] } });
    await kit.queue.enqueueBatch(ALICE.id, 'gone', { batch: { graph: modelGraph, runs: 3 } });
    expect((await kit.transport.counts(kit.transport.workerQueue('gone-1'))).waiting).toBe(3);
    expect(await kit.queue.releaseWorkerQueue('gone-1', 'basic')).toBe(3);
    expect((await kit.transport.counts(kit.transport.workerQueue('gone-1'))).waiting).toBe(0);
    expect((await kit.transport.counts(kit.transport.poolQueue('basic'))).waiting).toBe(3);
  });
});

describe('session queue on the Redis backend', () => {
  const db = useTestDatabase();
  let missing: string | undefined;
  beforeAll(async () => {
    missing = await missingService('Redis', serviceUrls().redis);
  });

  it('carries items to workers through Redis the same way', async () => {
    db.skipIfMissing();
    if (missing) pending(missing);
    const kit = await createQueueKit(db.dataSource, db.url, { redisUrl: serviceUrls().redis, queueName: `spec-redis-${process.pid}-${Date.now()}` });
    const worker = kit.transport.startWorker((id) => kit.runner.process(id), 2);
    try {
      await kit.queue.enqueueBatch(ALICE.id, 'redis', { batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'b', items: [1, 2, 3] }]] } });
      await eventually(async () => (await kit.queue.counts(ALICE.id, 'redis')).completed === 3, 20_000, 'three completed items');
      const sums = (await kit.queue.list(ALICE.id, 'redis', {}, 10, 0)).items.map((item) => (item.results as { outputs: { sum: { value: number }[] } }).outputs.sum[0]!.value);
      expect(sums).toEqual([2, 3, 4]);
    } finally {
      await worker.close();
      await kit.transport.close();
    }
  }, 40_000);
});
