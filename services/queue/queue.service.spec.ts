import { createQueueKit } from '../../test/support/queue-kit';
import { testAccounts, ALICE } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { createQueueService } from './queue.service';
import { waitingReason } from './waiting-reason';

describe('queue routes without a worker', () => {
  const db = useTestDatabase();
  let platform: TestPlatform;
  let kit: Awaited<ReturnType<typeof createQueueKit>>;

  beforeAll(async () => {
    db.skipIfMissing();
    kit = await createQueueKit(db.dataSource, db.url, { queueName: `routes-${process.pid}-${Date.now()}` });
    platform = await startTestPlatform([testAccounts, createQueueService(kit.queue)]);
  });
  afterAll(async () => {
    await platform?.stop();
    await kit?.transport.close();
  });

  it('says why a pending item waits when no worker is up', async () => {
    db.skipIfMissing();
    const graph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
    const enqueued = await request<{ enqueued: number }>(platform.url, 'POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token: ALICE.token });
    expect(enqueued.status).toBe(200);
    const list = await request<{ items: { id: string; status: string; waitingReason?: string }[] }>(platform.url, 'GET', '/queue/default/list', { token: ALICE.token });
    expect(list.body.items[0]).toEqual(jasmine.objectContaining({ status: 'pending', waitingReason: 'No worker is running; the item starts when one joins' }));
    const item = await request<{ waitingReason?: string }>(platform.url, 'GET', `/queue/default/i/${list.body.items[0]!.id}`, { token: ALICE.token });
    expect(item.body.waitingReason).toContain('No worker is running');
    expect((await kit.queue.counts(ALICE.id, 'default')).pending).toBe(1);
  });
});

describe('waitingReason', () => {
  it('is silent once a worker of the pool is up, and names a missing pool', () => {
    const worker = (pool: string) => ({ available: true, metadata: { worker: { pool } } });
    expect(waitingReason([{ available: true, metadata: {} }])).toContain('No worker is running');
    expect(waitingReason([worker('basic')])).toBeUndefined();
    expect(waitingReason([worker('performance')], 'basic')).toBe('No worker of the "basic" pool is running; the item starts when one joins');
    expect(waitingReason([{ available: false, metadata: { worker: { pool: 'basic' } } }])).toContain('No worker is running');
  });
});
