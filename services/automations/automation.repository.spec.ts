/**
 * The automation and run stores on a real PostgreSQL: how run records are written (once per fire key, an end
 * never overwritten, a batch with a refused write), retention by count and age, claiming due
 * retries once across concurrent schedulers, moving schedules with a stale cursor, and the hourly
 * activity behind the Automations page's sparkline.
 */
import { randomUUID } from 'node:crypto';
import { ALICE, BOB, insertTestUsers } from '../../test/support/test-tenants';
import { useTestDatabase } from '../../test/support/test-database';
import type { Automation } from './automation-records';
import { AutomationRepository } from './automation.repository';
import { RunRepository, type RunWrite } from './run.repository';
import { RunWriter } from './run-writer';

describe('AutomationRepository', () => {
  const db = useTestDatabase();
  let repository: AutomationRepository;
  let runs: RunRepository;
  let automation: Automation;

  const run = (overrides: Partial<RunWrite> = {}): RunWrite => {
    const id = randomUUID();
    return {
      id,
      automationId: automation.id,
      ownerId: ALICE.id,
      version: 1,
      trigger: 'webhook',
      triggerNode: 'hook',
      fireKey: `webhook:${id}`,
      attempt: 1,
      retryOf: null,
      status: 'running',
      mode: 'inline',
      input: { body: { n: 1 } },
      nodes: [],
      output: null,
      error: null,
      queueItemIds: [],
      createdAt: new Date(),
      startedAt: new Date(),
      finishedAt: null,
      retryAt: null,
      runner: 'node-1',
      ...overrides,
    };
  };

  async function makeAutomation(ownerId: string, settings: Parameters<AutomationRepository['create']>[2]['settings'] = {}): Promise<Automation> {
    const graph = { nodes: [{ id: 'hook', type: 'trigger.webhook' }], edges: [] };
    const [workflow] = (await db.dataSource.query(`INSERT INTO workflows (owner_id, name, graph) VALUES ($1, 'w', $2) RETURNING id`, [ownerId, graph])) as { id: string }[];
    await db.dataSource.query(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, $2)`, [workflow!.id, graph]);
    return (await repository.create(ownerId, workflow!.id, { version: 1, triggers: [{ kind: 'manual', nodeId: 'hook' }], webhookToken: null, nextFireAt: null, settings }))!;
  }

  beforeAll(async () => {
    db.skipIfMissing();
    await insertTestUsers(db.dataSource);
    repository = new AutomationRepository(db.dataSource);
    runs = new RunRepository(db.dataSource);
    automation = await makeAutomation(ALICE.id);
  });

  afterAll(() => runs?.close());

  const statusOf = async (id: string) => ((await db.dataSource.query(`SELECT status FROM automation_runs WHERE id = $1`, [id])) as { status: string }[])[0]?.status;

  it('inserts a run once per fire key, updates it while open, and never overwrites its end', async () => {
    const first = run({ fireKey: 'schedule:2026-12-07T10:00:00.000Z' });
    expect(await runs.writeRuns([first])).toEqual(new Set([first.id]));
    // Another run with the same fire key (a second scheduler) is not written.
    const twin = run({ fireKey: first.fireKey });
    expect((await runs.writeRuns([twin])).size).toBe(0);
    expect((await runs.runByFireKey(automation.id, first.fireKey))?.id).toBe(first.id);
    expect(await runs.writeRuns([{ ...first, status: 'succeeded', finishedAt: new Date() }])).toEqual(new Set([first.id]));
    // A late write of the start, or another end, finds it ended and leaves it.
    expect((await runs.writeRuns([{ ...first, status: 'failed', finishedAt: new Date() }])).size).toBe(0);
    expect(await statusOf(first.id)).toBe('succeeded');
  });

  it('writes a batch in one statement, and the writer retries one by one when a write is refused', async () => {
    const writer = new RunWriter(runs);
    const good = [run(), run(), run()];
    // A status the table's check refuses fails the statement; retried alone, only that write fails.
    const bad = run({ status: 'bogus' as RunWrite['status'] });
    const results = await Promise.allSettled([...good, bad].map((entry) => writer.write(entry)));
    expect(results.slice(0, 3).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(results[3]!.status).toBe('rejected');
    for (const entry of good) expect(await statusOf(entry.id)).toBe('running');
    // Relaxed writes land the same way.
    const relaxed = run();
    expect(await writer.write(relaxed, 'relaxed')).toBeTrue();
    expect(await statusOf(relaxed.id)).toBe('running');
  });

  it('keeps runs by count and by age per automation, open runs always', async () => {
    const kept = await makeAutomation(ALICE.id, { keepRunsCount: 2, keepRunsDays: 1 });
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const ended = (minutes: number) => run({ automationId: kept.id, status: 'succeeded', createdAt: minutesAgo(minutes), finishedAt: minutesAgo(minutes) });
    const written = [ended(1), ended(2), ended(3), ended(4), run({ automationId: kept.id, status: 'running', createdAt: minutesAgo(5000) })];
    const old = ended(3 * 24 * 60);
    await runs.writeRuns([...written, old]);
    const others = (await db.dataSource.query(`SELECT count(*)::int AS n FROM automation_runs WHERE automation_id <> $1`, [kept.id])) as { n: number }[];
    const deleted = await runs.pruneRuns();
    const left = ((await db.dataSource.query(`SELECT id FROM automation_runs WHERE automation_id = $1`, [kept.id])) as { id: string }[]).map((row) => row.id).sort();
    expect(left).toEqual([written[0]!.id, written[1]!.id, written[4]!.id].sort());
    expect(deleted).toBe(3);
    // Other automations' runs (within their defaults) stay.
    expect(((await db.dataSource.query(`SELECT count(*)::int AS n FROM automation_runs WHERE automation_id <> $1`, [kept.id])) as { n: number }[])[0]!.n).toBe(others[0]!.n);
  });

  it('lets one of several schedulers claim a due retry', async () => {
    const failed = run({ status: 'failed', finishedAt: new Date(), retryAt: new Date(Date.now() - 1000) });
    await runs.writeRuns([failed]);
    const claims = await Promise.all([runs.claimDueRetries(new Date(), 10), runs.claimDueRetries(new Date(), 10), runs.claimDueRetries(new Date(), 10)]);
    const claimed = claims.flat().filter((entry) => entry.id === failed.id);
    expect(claimed.length).toBe(1);
    expect((await runs.claimDueRetries(new Date(), 10)).some((entry) => entry.id === failed.id)).toBeFalse();
  });

  it('moves a schedule only from the cursor it was read with', async () => {
    const target = (await repository.findForFiring(automation.id))!;
    const moved = await repository.advanceSchedules([{ id: automation.id, from: target.scheduleCursor, cursor: new Date(), next: new Date(Date.now() + 60_000) }]);
    expect(moved).toEqual(new Set([automation.id]));
    // A second scheduler holding the old cursor moves nothing.
    expect((await repository.advanceSchedules([{ id: automation.id, from: target.scheduleCursor, cursor: new Date(), next: null }])).size).toBe(0);
  });

  it("counts the last day's runs per hour, oldest first, for the owner only", async () => {
    const counted = await makeAutomation(ALICE.id);
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000 - 60_000);
    await runs.writeRuns([
      run({ automationId: counted.id, status: 'succeeded', createdAt: hoursAgo(0) }),
      run({ automationId: counted.id, status: 'failed', createdAt: hoursAgo(0) }),
      run({ automationId: counted.id, status: 'succeeded', createdAt: hoursAgo(5) }),
      run({ automationId: counted.id, status: 'succeeded', createdAt: hoursAgo(30) }),
    ]);
    const activity = (await runs.recentActivity(ALICE.id, [counted.id])).get(counted.id)!;
    expect(activity.lastDay.length).toBe(24);
    expect(activity.lastDay[23]).toEqual({ succeeded: 1, failed: 1, other: 0 });
    expect(activity.lastDay[18]).toEqual({ succeeded: 1, failed: 0, other: 0 });
    expect(activity.lastDay.reduce((sum, hour) => sum + hour.succeeded + hour.failed + hour.other, 0)).toBe(3);
    expect(activity.lastRun?.status).toMatch(/succeeded|failed/);
    // Bob asking with Alice's automation id sees nothing of it.
    expect((await runs.recentActivity(BOB.id, [counted.id])).get(counted.id)!.lastRun).toBeNull();
  });
});
