/**
 * Schedules across scheduler processes that die: two real `scheduler` processes on the real
 * PostgreSQL and NATS, schedules firing every 2 seconds. The leader is killed with -9 and the
 * standby takes over without losing or repeating a fire time; then both are killed, and the one
 * started again after a pause handles the fire times missed meanwhile by each schedule's catch-up
 * policy (skip, latest, all). No fire time ever runs twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testServiceUrls } from '../config/config';
import type { Graph } from '../engine/graph/graph';
import { NodeRegistry } from '../engine/registry/node-registry';
import { readTriggers } from '../services/automations/automation-triggers';
import { AutomationRepository } from '../services/automations/automation.repository';
import { FIRST_PARTY_PACKS } from '../services/plugins/first-party-packs';
import { loadPackFromFolder } from '../services/plugins/pack-loader';
import { eventually } from './support/eventually';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { ALICE } from './support/test-tenants';
import { useTestDatabase } from './support/test-database';

const EVERY_SECONDS = 2;
const POLICIES = ['skip', 'latest', 'all'] as const;
type Policy = (typeof POLICIES)[number];

const scheduleGraph = (catchUp: Policy): Graph => ({
  nodes: [
    { id: 'clock', type: 'trigger.schedule', inputs: { cron: `*/${EVERY_SECONDS} * * * * *`, timeZone: 'UTC', catchUp, catchUpWindowMinutes: 10, overlap: 'allow' } },
    { id: 'respond', type: 'trigger.respond', inputs: {} },
  ],
  edges: [{ source: { nodeId: 'clock', field: 'fireTime' }, destination: { nodeId: 'respond', field: 'body' } }],
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduler processes killed with -9', () => {
  const db = useTestDatabase();
  const processes: PlatformProcess[] = [];
  const automations = new Map<Policy, string>();
  let dataDir: string;
  const namespace = `failover-${process.pid}`;

  beforeAll(async () => {
    db.skipIfMissing();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-failover-'));
    await db.dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ($1, 'a@example.com', 'x')`, [ALICE.id]);
    const registry = new NodeRegistry();
    for (const folder of FIRST_PARTY_PACKS) await loadPackFromFolder(folder, registry);
    const repository = new AutomationRepository(db.dataSource);
    for (const policy of POLICIES) {
      const graph = scheduleGraph(policy);
      const [workflow] = (await db.dataSource.query(`INSERT INTO workflows (owner_id, name, graph) VALUES ($1, $2, $3) RETURNING id`, [ALICE.id, `every 2 s, ${policy}`, graph])) as { id: string }[];
      await db.dataSource.query(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, $2)`, [workflow!.id, graph]);
      const { triggers, issues } = readTriggers(graph, registry);
      expect(issues).toEqual([]);
      const automation = await repository.create(ALICE.id, workflow!.id, { version: 1, triggers, webhookToken: null, nextFireAt: new Date(), settings: {} });
      automations.set(policy, automation!.id);
    }
  }, 30_000);

  afterAll(async () => {
    for (const child of processes.splice(0)) await child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const startScheduler = async (name: string): Promise<PlatformProcess> => {
    const child = startPlatformProcess({
      PINKSEA_ROLE: 'scheduler',
      PINKSEA_NODE_ID: `${namespace}-${name}`,
      PINKSEA_NAMESPACE: namespace,
      PINKSEA_TRANSPORTER: testServiceUrls().nats,
      DATABASE_URL: db.url,
      PINKSEA_DATA_DIR: path.join(dataDir, name),
      PINKSEA_QUEUE_NAME: namespace,
      PINKSEA_LOG_LEVEL: 'info',
    });
    processes.push(child);
    await child.waitFor(/Pinksea \(scheduler\) is running/);
    return child;
  };

  const leaderOf = (children: readonly PlatformProcess[]) => children.find((child) => child.output().includes('now the active automation scheduler'));

  /** Every fire time of each automation that has a run, and how many runs it has. */
  async function fireTimes(policy: Policy): Promise<Map<number, number>> {
    const rows = (await db.dataSource.query(`SELECT input->>'fireTime' AS time FROM automation_runs WHERE automation_id = $1 AND trigger = 'schedule'`, [automations.get(policy)])) as { time: string }[];
    const times = new Map<number, number>();
    for (const row of rows) times.set(Date.parse(row.time), (times.get(Date.parse(row.time)) ?? 0) + 1);
    return times;
  }

  it('hands over on a kill without a gap, catches up by policy after an outage, and never fires twice', async () => {
    const first = await startScheduler('a');
    const second = await startScheduler('b');
    await eventually(() => leaderOf([first, second]) !== undefined, 10_000, 'a leader');
    await sleep(5000);
    const leader = leaderOf([first, second])!;
    const standby = leader === first ? second : first;
    await leader.kill('SIGKILL');
    // The standby leads within the lock's retry time; the fire times meanwhile are still on time.
    await eventually(() => standby.output().includes('now the active automation scheduler'), 10_000, 'the standby to lead');
    await sleep(5000);
    const beforeOutage = Date.now();
    await standby.kill('SIGKILL');
    // No scheduler for longer than a fire time counts as on time: these are missed.
    await sleep(16_000);
    const restarted = Date.now();
    const third = await startScheduler('c');
    await eventually(() => third.output().includes('now the active automation scheduler'), 10_000, 'the restarted scheduler to lead');
    await sleep(5000);
    await third.kill('SIGTERM');

    const step = EVERY_SECONDS * 1000;
    for (const policy of POLICIES) {
      const times = await fireTimes(policy);
      expect([...times.values()].every((count) => count === 1)).withContext(`${policy}: a fire time ran twice`).toBeTrue();
      const sorted = [...times.keys()].sort((a, b) => a - b);
      const missing: number[] = [];
      for (let time = sorted[0]!; time <= sorted[sorted.length - 1]!; time += step) if (!times.has(time)) missing.push(time);
      // Missed while none ran: fire times from the one the killed scheduler may have been firing to those the restarted one came up after.
      const outage = missing.filter((time) => time > beforeOutage - 2 * step && time < restarted + 2 * step);
      expect(missing.length).withContext(`${policy}: gaps outside the outage ${JSON.stringify(missing.map((time) => new Date(time).toISOString()))}`).toBe(outage.length);
      if (policy === 'all') expect(missing).withContext('catch-up "all" fills the outage').toEqual([]);
      if (policy === 'skip') expect(outage.length).withContext('catch-up "skip" leaves the outage empty').toBeGreaterThanOrEqual(2);
      if (policy === 'latest') {
        const skipped = (await fireTimes('skip')).size;
        // One more than skip's: the latest missed fire time ran.
        expect(times.size - skipped).toBe(1);
        expect(times.size).toBeLessThan((await fireTimes('all')).size);
      }
    }
    const [{ open }] = (await db.dataSource.query(`SELECT count(*)::int AS open FROM automation_runs WHERE status IN ('queued', 'running') AND finished_at IS NULL AND created_at < now() - interval '20 seconds'`)) as { open: number }[];
    expect(open).toBe(0);
  }, 120_000);
});
