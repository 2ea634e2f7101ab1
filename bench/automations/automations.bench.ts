/**
 * `npm run bench:automations`: what automations cost, in one run, on fresh databases the bench
 * makes and drops on the machine's PostgreSQL, with the platform in-process as `npm start` runs it
 * (role `all`).
 *   1. Sync webhooks: a workflow webhook → JSON Get → Text Template → JSON Object → Respond,
 *      posted at 10 connections for a measured span, every run kept in the history (checked: the
 *      history holds a succeeded run for each answer). Beside it, a bare Node http server of this
 *      process answering the same JSON to the same client: the floor. Runs/s, p50 and p99, and
 *      the ratio to the goal of 1,000 runs/s (n8n answers about 27 on this kind of machine).
 *   2. 1,000 schedules due at the same second: 1,000 automations whose cron fires every 20
 *      seconds; at the first fire time after all exist, how long until each run started and
 *      ended, and whether any fire time ran twice (the goal: all started within 2 s, none twice).
 *
 *   npm run bench:automations -- [seconds=5] [schedules=1000]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { testServiceUrls } from '../../config/config';
import type { Graph } from '../../engine/graph/graph';
import type { BenchApi } from '../queue/bench-api-client';
import { adminQuery, freshDatabase, runBench, startBenchPlatform, Teardown } from '../queue/bench-environment';
import { runLoad, type LoadResult } from './load-client';

const SECONDS = Number(process.argv[2] ?? 5);
const SCHEDULES = Number(process.argv[3] ?? 1000);
const CONNECTIONS = 10;
const GOAL_RUNS_PER_SECOND = 1000;
const N8N_RUNS_PER_SECOND = 27;
const SCHEDULE_EVERY_SECONDS = 20;
const START_GOAL_MS = 2000;
const BODY = JSON.stringify({ name: 'Ada', order: { sku: 'SKU-1', quantity: 2 } });
const ANSWER = JSON.stringify({ greeting: 'Hello Ada' });

const edge = (from: string, output: string, to: string, input: string) => ({ source: { nodeId: from, field: output }, destination: { nodeId: to, field: input } });

const WEBHOOK_GRAPH: Graph = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook', inputs: { mode: 'sync', rateLimitPerMinute: 1_000_000 } },
    { id: 'name', type: 'core.json_get', inputs: { path: 'name' } },
    { id: 'greet', type: 'core.template', inputs: { template: 'Hello {a}' } },
    { id: 'build', type: 'core.json_build', inputs: { keyA: 'greeting' } },
    { id: 'respond', type: 'trigger.respond', inputs: {} },
  ],
  edges: [edge('hook', 'body', 'name', 'value'), edge('name', 'text', 'greet', 'a'), edge('greet', 'value', 'build', 'valueA'), edge('build', 'value', 'respond', 'body')],
};

const scheduleGraph = (): Graph => ({
  nodes: [
    { id: 'clock', type: 'trigger.schedule', inputs: { cron: `*/${SCHEDULE_EVERY_SECONDS} * * * * *`, timeZone: 'UTC', overlap: 'allow' } },
    { id: 'respond', type: 'trigger.respond', inputs: {} },
  ],
  edges: [edge('clock', 'fireTime', 'respond', 'body')],
});

async function main(): Promise<void> {
  const services = testServiceUrls();
  try {
    await adminQuery(services.postgres, 'SELECT 1');
  } catch (error) {
    throw new Error(`the automations bench needs PostgreSQL at ${new URL(services.postgres).host}: ${(error as Error).message}`, { cause: error });
  }
  const teardown = new Teardown();
  try {
    const databaseUrl = await freshDatabase(services.postgres, teardown);
    const { api } = await startBenchPlatform({ role: 'all', databaseUrl, redisUrl: '', concurrency: 1 }, teardown);
    // A plan with room for the schedules below (the trial allows a few automations).
    await withClient(databaseUrl, (client) => client.query(`UPDATE users SET plan = 'enterprise'`));
    console.log(`automations bench: ${CONNECTIONS} connections, ${SECONDS} s measured per phase (after 2 s of warm-up), ${SCHEDULES} schedules`);

    // 1. The floor: a bare server of this process answering the same JSON.
    const bare = await startBareServer();
    teardown.defer('stop the bare server', () => new Promise((resolve) => bare.close(resolve)));
    const floor = await load(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/hook`);
    const automation = await automate(api, WEBHOOK_GRAPH);
    const hookUrl = `${api.url}${automation.webhookPath}`;
    const before = await countRuns(databaseUrl, automation.id);
    const hooks = await load(hookUrl);
    const after = await countRuns(databaseUrl, automation.id);
    console.log(row('bare node http server (floor)', floor));
    console.log(row('sync webhook → 3 core nodes → respond', hooks));
    // Every answer has its run in the history (the warm-up's and the measured span's).
    console.log(`  run history: ${after.succeeded - before.succeeded} succeeded runs recorded, ${after.other - before.other} others; ${hooks.requests} answers measured`);
    if (hooks.failures > 0) console.log(`  ${hooks.failures} requests failed, e.g. ${hooks.firstFailure}`);

    // 2. Schedules due at the same second.
    const scheduled = SCHEDULES > 0 ? await scheduleBurst(api, databaseUrl) : { fired: 0, startedMaxMs: NaN, twice: 0 };

    console.log(
      `result: sync webhooks ${hooks.perSecond.toFixed(0)} runs/s (p50 ${hooks.p50.toFixed(1)} ms, p99 ${hooks.p99.toFixed(1)} ms) = ${(hooks.perSecond / GOAL_RUNS_PER_SECOND).toFixed(2)}x the goal of ${GOAL_RUNS_PER_SECOND}` +
        ` (${(hooks.perSecond / N8N_RUNS_PER_SECOND).toFixed(0)}x n8n's ${N8N_RUNS_PER_SECOND}), ${(hooks.perSecond / floor.perSecond).toFixed(2)}x the bare server's ${floor.perSecond.toFixed(0)}/s;` +
        ` ${scheduled.fired}/${SCHEDULES} schedules started within ${scheduled.startedMaxMs.toFixed(0)} ms (goal ${START_GOAL_MS}), ${scheduled.twice} fired twice`,
    );
  } finally {
    await teardown.run();
  }
}

function load(url: string): Promise<LoadResult> {
  return runLoad({ url, method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, warmupMs: 2000, durationMs: SECONDS * 1000 });
}

function row(label: string, result: LoadResult): string {
  return `  ${label.padEnd(42)} ${result.perSecond.toFixed(0).padStart(6)} req/s   p50 ${result.p50.toFixed(2).padStart(6)} ms   p99 ${result.p99.toFixed(2).padStart(6)} ms`;
}

/** What Node itself costs: read the body, parse it, answer the same JSON. */
function startBareServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string };
      const answer = body.name === 'Ada' ? ANSWER : '{}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface CreatedAutomation {
  readonly id: string;
  readonly webhookPath: string | null;
}

async function automate(api: BenchApi, graph: Graph): Promise<CreatedAutomation> {
  const workflow = await call<{ id: string }>(api, 'POST', '/workflows', { name: `bench ${Math.random().toString(36).slice(2, 8)}`, graph });
  await call(api, 'POST', `/workflows/${workflow.id}/versions`, { note: 'bench' });
  return call<CreatedAutomation>(api, 'POST', '/automations', { workflowId: workflow.id });
}

async function call<T>(api: BenchApi, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${api.url}${route}`, { method, headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function countRuns(databaseUrl: string, automationId: string): Promise<{ succeeded: number; other: number }> {
  return withClient(databaseUrl, async (client) => {
    const rows = (await client.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM automation_runs WHERE automation_id = $1 GROUP BY status`, [automationId])).rows;
    const succeeded = Number(rows.find((entry) => entry.status === 'succeeded')?.n ?? 0);
    return { succeeded, other: rows.reduce((sum, entry) => sum + Number(entry.n), 0) - succeeded };
  });
}

async function withClient<T>(databaseUrl: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Makes SCHEDULES automations firing every 20 s, then measures the first fire time all of them share. */
async function scheduleBurst(api: BenchApi, databaseUrl: string): Promise<{ fired: number; startedMaxMs: number; twice: number }> {
  const made = Date.now();
  const ids: string[] = [];
  const queue = Array.from({ length: SCHEDULES }, (_, index) => index);
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (queue.pop() !== undefined) ids.push((await automate(api, scheduleGraph())).id);
    }),
  );
  const ready = Date.now();
  // The first fire time after the last automation was made: all of them are due at it.
  const fireAt = Math.ceil((ready + 1) / (SCHEDULE_EVERY_SECONDS * 1000)) * SCHEDULE_EVERY_SECONDS * 1000;
  console.log(`  made ${SCHEDULES} scheduled automations in ${((ready - made) / 1000).toFixed(1)} s; all fire at ${new Date(fireAt).toISOString()}`);
  await new Promise((resolve) => setTimeout(resolve, fireAt - Date.now() + START_GOAL_MS + 3000));
  const fireTime = new Date(fireAt).toISOString();
  const stats = await withClient(databaseUrl, async (client) => {
    const rows = (
      await client.query<{ automation_id: string; started: Date; finished: Date | null; status: string }>(
        `SELECT automation_id, COALESCE(started_at, created_at) AS started, finished_at AS finished, status FROM automation_runs
          WHERE automation_id = ANY($1) AND input->>'fireTime' = $2`,
        [ids, fireTime],
      )
    ).rows;
    return rows;
  });
  const perAutomation = new Map<string, number>();
  for (const entry of stats) perAutomation.set(entry.automation_id, (perAutomation.get(entry.automation_id) ?? 0) + 1);
  const started = stats.map((entry) => entry.started.getTime() - fireAt).sort((a, b) => a - b);
  const finished = stats.flatMap((entry) => (entry.finished ? [entry.finished.getTime() - fireAt] : [])).sort((a, b) => a - b);
  const at = (values: number[], quantile: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil(quantile * values.length) - 1))] ?? NaN;
  const startedMaxMs = started[started.length - 1] ?? NaN;
  console.log(
    `  ${SCHEDULES} schedules due at one second: ${perAutomation.size} fired; started after p50 ${at(started, 0.5).toFixed(0)} ms, max ${startedMaxMs.toFixed(0)} ms;` +
      ` ended after p50 ${at(finished, 0.5).toFixed(0)} ms, max ${(finished[finished.length - 1] ?? NaN).toFixed(0)} ms; ${stats.filter((entry) => entry.status === 'succeeded').length} succeeded`,
  );
  // Stop them before the next fire time, so the teardown does not race a burst.
  await withClient(databaseUrl, (client) => client.query(`UPDATE automations SET enabled = false WHERE id = ANY($1)`, [ids]));
  return { fired: perAutomation.size, startedMaxMs, twice: [...perAutomation.values()].filter((count) => count > 1).length };
}

runBench(main);
