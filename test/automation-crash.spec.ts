/**
 * An api process killed with -9 while it runs an automation inline: the run it answered 202 for is
 * not lost. The scheduler process, on the same PostgreSQL and NATS, finds the run whose process is
 * gone, records it failed ("run_lost"), and retries it by the automation's policy on its own
 * threads, from the run's record (the posted image included); the retry succeeds, once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { testServiceUrls } from '../config/config';
import type { Graph } from '../engine/graph/graph';
import type { AutomationRun, AutomationRunSummary } from '../services/automations/automation-records';
import { eventually } from './support/eventually';
import { startPlatformProcess, type PlatformProcess } from './support/platform-process';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

const BLURS = 6;

/** webhook (async) → blur × BLURS → respond with the image: a few seconds of work on a large image. */
const slowGraph = (): Graph => {
  const blurs = Array.from({ length: BLURS }, (_, index) => ({ id: `blur${index}`, type: 'image.blur', inputs: { radius: 60 } }));
  const chain = ['hook', ...blurs.map((blur) => blur.id)];
  return {
    nodes: [{ id: 'hook', type: 'trigger.webhook', inputs: { mode: 'async', maxBodyKb: 20_480 } }, ...blurs, { id: 'respond', type: 'trigger.respond', inputs: {} }],
    edges: [...chain.slice(1), 'respond'].map((to, index) => ({ source: { nodeId: chain[index]!, field: 'image' }, destination: { nodeId: to, field: 'image' } })),
  };
};

describe('an api process killed with -9 mid-run', () => {
  const db = useTestDatabase();
  const processes: PlatformProcess[] = [];
  let dataDir: string;
  const namespace = `crash-${process.pid}`;

  beforeAll(async () => {
    db.skipIfMissing();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-automation-crash-'));
  });

  afterAll(async () => {
    for (const child of processes.splice(0)) await child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (role: 'api' | 'scheduler', name: string): Promise<PlatformProcess> => {
    const child = startPlatformProcess({
      PINKSEA_ROLE: role,
      PINKSEA_NODE_ID: `${namespace}-${name}`,
      PINKSEA_NAMESPACE: namespace,
      PINKSEA_TRANSPORTER: testServiceUrls().nats,
      DATABASE_URL: db.url,
      // One data dir for both: the image the api kept is read by the scheduler's retry.
      PINKSEA_DATA_DIR: dataDir,
      PINKSEA_QUEUE_NAME: namespace,
      PINKSEA_PORT: '0',
    });
    processes.push(child);
    await child.waitFor(new RegExp(`Pinksea \\(${role}\\) is running`));
    return child;
  };

  it('fails the lost run and retries it by policy elsewhere, from its record, once', async () => {
    await start('scheduler', 'scheduler');
    const api = await start('api', 'api');
    const url = (await api.waitFor(/API: (http:\/\/\S+)/))[1]!;
    const call = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(url, method, route, options);
    const session = await call<{ accessToken: string }>('POST', '/auth/register', { body: { email: 'crash@automations.test', password: 'a long enough password', displayName: 'crash' } });
    const token = session.body.accessToken;
    const workflow = await call<{ id: string }>('POST', '/workflows', { token, body: { name: 'slow blur', graph: slowGraph() } });
    await call('POST', `/workflows/${workflow.body.id}/versions`, { token, body: {} });
    const automation = await call<{ id: string; webhookPath: string }>('POST', '/automations', { token, body: { workflowId: workflow.body.id, retryAttempts: 1, retryBackoffSeconds: 1 } });
    expect(automation.status).withContext(JSON.stringify(automation.body)).toBe(201);

    const png = await sharp({ create: { width: 1536, height: 1536, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    const accepted = await call<{ runId: string }>('POST', automation.body.webhookPath, { rawBody: png, headers: { 'content-type': 'image/png' } });
    expect(accepted.status).toBe(202);
    const { runId } = accepted.body;
    // Killed while its inline thread blurs.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [{ status: before }] = (await db.dataSource.query(`SELECT status FROM automation_runs WHERE id = $1`, [runId])) as { status: string }[];
    expect(before).toBe('running');
    await api.kill('SIGKILL');

    const runs = async () => (await db.dataSource.query(`SELECT id, status, attempt, trigger, retry_of, error FROM automation_runs WHERE automation_id = $1 ORDER BY attempt`, [automation.body.id])) as {
      id: string;
      status: string;
      attempt: number;
      trigger: string;
      retry_of: string | null;
      error: { code: string } | null;
    }[];
    await eventually(async () => (await runs()).some((run) => run.attempt === 2 && run.status === 'succeeded'), 60_000, 'the retry to succeed');
    const all = await runs();
    expect(all.length).toBe(2);
    expect(all[0]).toEqual(jasmine.objectContaining({ id: runId, status: 'failed', attempt: 1 }));
    expect(all[0]!.error?.code).toBe('run_lost');
    expect(all[1]).toEqual(jasmine.objectContaining({ status: 'succeeded', attempt: 2, trigger: 'retry', retry_of: runId }));

    // The history through a fresh api process says the same.
    const again = await start('api', 'api-2');
    const url2 = (await again.waitFor(/API: (http:\/\/\S+)/))[1]!;
    const history = await request<{ items: AutomationRunSummary[] }>(url2, 'GET', `/automation-runs?automationId=${automation.body.id}`, { token });
    expect(history.body.items.map((run) => run.status).sort()).toEqual(['failed', 'succeeded']);
    const retried = await request<AutomationRun>(url2, 'GET', `/automation-runs/${all[1]!.id}`, { token });
    expect(retried.body.output?.image).toEqual(jasmine.objectContaining({ width: 1536, height: 1536 }));
  }, 120_000);
});
