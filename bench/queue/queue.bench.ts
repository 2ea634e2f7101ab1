/**
 * `npm run bench:queue`: what the platform's session queue costs, through the real API, on fresh
 * databases the bench creates and drops.
 *   1. enqueueing a 10,000-item batch (one field swept over 10,000 values) on an `api` platform
 *      whose queue nobody consumes: ms and items/s;
 *   2. end-to-end throughput of trivial items (one core.add) through API → queue → runner on an
 *      `all` platform, from the enqueue until the last item is completed, as a ratio to bare
 *      BullMQ addBulk + Worker on the same backend and concurrency, in the same run;
 *   3. p50/p99 latency of cheap routes while the workers run CPU-heavy items
 *      (range → iterate → add → collect), as a ratio to the same routes on the idle server.
 * (1) and (2) run on BullMQ's PostgreSQL backend and on Redis (skipped, with the reason, when
 * Redis does not answer); (3) on the PostgreSQL backend, the `npm start` default.
 * The last line carries the PostgreSQL-backend throughput ratio.
 *
 *   npm run bench:queue -- [rounds=3] [items=2000] [parts=1,2,3]
 */
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { testServiceUrls } from '../../config/config';
import type { Graph } from '../../engine/graph/graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { MemoryContextHost } from '../../nodes/sdk/testing';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import { sleep, type BenchApi } from './bench-api-client';
import { adminQuery, emptyRedisDatabase, freshDatabase, PLATFORM_QUEUE_NAME, redisProblem, runBench, startBenchPlatform, Teardown } from './bench-environment';
import { probeLatency, type ProbeResult } from './latency-probe';
import { RawBullmqBaseline } from './raw-bullmq-baseline';
import { fanOutGraph, medians } from '../bench-kit';

const ROOT = path.resolve(__dirname, '../..');
const ROUNDS = Number(process.argv[2] ?? 3);
const ITEMS = Number(process.argv[3] ?? 2000);
const PARTS = new Set((process.argv[4] ?? '1,2,3').split(','));
const ENQUEUE_ITEMS = 10_000;
/** Worker concurrency of the platform and of the raw BullMQ worker alike. */
const CONCURRENCY = 4;
/** Each CPU-heavy item runs this many add nodes (plus range, iterate, collect). */
const HEAVY_RANGE = 20_000;
const HEAVY_ITEMS = 200;
/** How often the throughput rounds ask for the batch's counts: often enough to end within ~1% of a round. */
const POLL_MS = 50;
/**
 * Per route and phase: a request every 30 ms, 200 at most, none after 6 s. A modest rate, so
 * the busy numbers show how long one request waits, not a backlog of the probe's own making;
 * and enough requests that p99 is a percentile (of 60, it would be the slowest but one).
 */
const PROBE = { count: 200, intervalMs: 30, maxMs: 6000 };

const ADD_GRAPH: Graph = { nodes: [{ id: 'add', type: 'core.add', inputs: { a: 0, b: 1 } }], edges: [] };
const HEAVY_GRAPH = fanOutGraph(HEAVY_RANGE);

interface Backend {
  readonly label: 'PostgreSQL' | 'Redis';
  readonly redis: boolean;
}

interface ThroughputRow {
  readonly backend: string;
  readonly platformMs: number;
  readonly rawMs: number;
}

interface LatencyRow {
  readonly route: string;
  readonly idle: ProbeResult;
  readonly busy: ProbeResult;
}

interface BusyNote {
  readonly completed: number;
  readonly windowMs: number;
  readonly loopDelayP99: number;
  readonly loopDelayMax: number;
}

async function main(): Promise<void> {
  const services = testServiceUrls();
  try {
    await adminQuery(services.postgres, 'SELECT 1');
  } catch (error) {
    throw new Error(`the queue bench needs PostgreSQL at ${new URL(services.postgres).host}: ${(error as Error).message}`, { cause: error });
  }
  const redisSkipped = await redisProblem(services.redis);
  const backends: Backend[] = [{ label: 'PostgreSQL', redis: false }, ...(redisSkipped ? [] : [{ label: 'Redis' as const, redis: true }])];

  const enqueueRows: { backend: string; ms: number }[] = [];
  if (PARTS.has('1')) for (const backend of backends) enqueueRows.push({ backend: backend.label, ms: await benchEnqueue(services, backend) });
  const throughputRows: ThroughputRow[] = [];
  let latency: { rows: LatencyRow[]; busy: BusyNote } | undefined;
  for (const backend of backends) {
    if (!PARTS.has('2') && (backend.redis || !PARTS.has('3'))) continue;
    const result = await benchThroughput(services, backend, !backend.redis && PARTS.has('3'));
    if (result.row) throughputRows.push(result.row);
    latency ??= result.latency;
  }

  console.log(`queue bench (median of ${ROUNDS} alternating rounds after a warm-up, ${process.version}, ${os.cpus().length} CPUs)`);
  if (enqueueRows.length > 0) console.log(`\n1. enqueue a ${fmt(ENQUEUE_ITEMS)}-item batch through POST /queue/{id}/enqueue_batch (api role, no worker)`);
  if (enqueueRows.length > 0) console.table(enqueueRows.map((row) => ({ backend: row.backend, 'ms': fixed(row.ms), 'items/s': fmt(Math.round((ENQUEUE_ITEMS * 1000) / row.ms)) })));
  if (throughputRows.length > 0) console.log(`\n2. ${fmt(ITEMS)} trivial items (core.add), enqueue → last completed; concurrency ${CONCURRENCY}`);
  if (throughputRows.length > 0) console.table(
    throughputRows.map((row) => ({
      backend: row.backend,
      'platform ms': fixed(row.platformMs),
      'platform items/s': fmt(Math.round((ITEMS * 1000) / row.platformMs)),
      'raw BullMQ ms': fixed(row.rawMs),
      'raw items/s': fmt(Math.round((ITEMS * 1000) / row.rawMs)),
      'platform / raw': (row.rawMs / row.platformMs).toFixed(3),
    })),
  );
  if (latency) {
    const { busy } = latency;
    console.log(`\n3. API latency, idle vs. workers busy with range(${fmt(HEAVY_RANGE)}) → iterate → add → collect items (PostgreSQL backend, all role)`);
    console.table(
      latency.rows.map((row) => ({
        route: row.route,
        'idle p50 ms': fixed(row.idle.p50),
        'idle p99 ms': fixed(row.idle.p99),
        'busy p50 ms': fixed(row.busy.p50),
        'busy p99 ms': fixed(row.busy.p99),
        'busy max ms': fixed(row.busy.max),
        'p50 busy/idle': (row.busy.p50 / row.idle.p50).toFixed(1),
        'p99 busy/idle': (row.busy.p99 / row.idle.p99).toFixed(1),
      })),
    );
    console.log(
      `busy window: ${fmt(busy.completed)} heavy items completed in ${fixed(busy.windowMs)} ms; ` +
        `main event-loop delay p99 ${fixed(busy.loopDelayP99)} ms, max ${fixed(busy.loopDelayMax)} ms`,
    );
  }
  if (redisSkipped) console.log(`Redis rows skipped: ${redisSkipped}`);
  const pg = throughputRows.find((row) => row.backend === 'PostgreSQL');
  if (pg) console.log(`PostgreSQL backend: end-to-end throughput / raw BullMQ = ${(pg.rawMs / pg.platformMs).toFixed(3)} (${fmt(ITEMS)} trivial items, concurrency ${CONCURRENCY})`);
}

/** Median ms to enqueue the 10,000-item batch on an `api` platform; the items are canceled and pruned between rounds. */
async function benchEnqueue(services: ReturnType<typeof testServiceUrls>, backend: Backend): Promise<number> {
  const teardown = new Teardown();
  try {
    const databaseUrl = await freshDatabase(services.postgres, teardown);
    const redisUrl = backend.redis ? await emptyRedisDatabase(services.redis, () => [PLATFORM_QUEUE_NAME], teardown) : '';
    const { api } = await startBenchPlatform({ role: 'api', databaseUrl, redisUrl, concurrency: 1 }, teardown);
    const sweep = { nodeId: 'add', field: 'a', items: Array.from({ length: ENQUEUE_ITEMS }, (_, index) => index) };
    const [ms] = await medians([
      async () => {
        const started = performance.now();
        const { enqueued } = await api.enqueue('enqueue', ADD_GRAPH, sweep);
        const elapsed = performance.now() - started;
        if (enqueued !== ENQUEUE_ITEMS) throw new Error(`enqueued ${enqueued} items, not ${ENQUEUE_ITEMS}`);
        await api.cancelAll('enqueue');
        await api.prune('enqueue');
        return elapsed;
      },
    ], ROUNDS, 1);
    return ms!;
  } finally {
    await teardown.run();
  }
}

/**
 * Throughput of the `all` platform against raw BullMQ, in alternating rounds on one backend; on
 * the PostgreSQL backend, then the latency of cheap routes idle and busy on the same platform.
 */
async function benchThroughput(
  services: ReturnType<typeof testServiceUrls>,
  backend: Backend,
  withLatency: boolean,
): Promise<{ row?: ThroughputRow; latency?: { rows: LatencyRow[]; busy: BusyNote } }> {
  const teardown = new Teardown();
  const rawName = `bench-raw-${process.pid}`;
  try {
    const databaseUrl = await freshDatabase(services.postgres, teardown);
    const redisUrl = backend.redis ? await emptyRedisDatabase(services.redis, () => [PLATFORM_QUEUE_NAME, rawName], teardown) : '';
    const { api, config } = await startBenchPlatform({ role: 'all', databaseUrl, redisUrl, concurrency: CONCURRENCY }, teardown);

    const registry = new NodeRegistry();
    await loadPackFromFolder(path.join(ROOT, 'nodes', 'core'), registry);
    const add = registry.lookup('core.add');
    if (!add.ok) throw new Error(add.message);
    const context = new MemoryContextHost().createContext(
      { sessionId: 'bench', nodeId: 'add', instanceId: 'add', type: 'core.add', version: add.definition.version },
      { signal: new AbortController().signal, progress: () => undefined },
    );
    const raw = new RawBullmqBaseline({
      name: rawName,
      redisUrl,
      postgresUrl: databaseUrl,
      concurrency: CONCURRENCY,
      lockDurationMs: config.jobLockMs,
      stalledIntervalMs: config.jobStalledCheckMs,
      node: add.definition,
      context,
    });
    teardown.defer('close the raw BullMQ queue and worker', () => raw.close());

    const sweep = { nodeId: 'add', field: 'a', items: Array.from({ length: ITEMS }, (_, index) => index) };
    if (!PARTS.has('2')) return { latency: await benchLatency(api) };
    const [platformMs, rawMs] = await medians([
      async () => {
        const started = performance.now();
        const { batchId } = await api.enqueue('bench', ADD_GRAPH, sweep);
        await api.waitForBatch('bench', batchId, ITEMS, { intervalMs: POLL_MS });
        const elapsed = performance.now() - started;
        await api.prune('bench');
        return elapsed;
      },
      () => raw.run(ITEMS),
    ], ROUNDS, 1);
    const row = { backend: backend.label, platformMs: platformMs!, rawMs: rawMs! };
    return withLatency ? { row, latency: await benchLatency(api) } : { row };
  } finally {
    await teardown.run();
  }
}

async function benchLatency(api: BenchApi): Promise<{ rows: LatencyRow[]; busy: BusyNote }> {
  const routes = [
    { route: 'GET /health', url: `${api.url}/health` },
    { route: 'GET /queue/{id}/status', url: `${api.url}/queue/bench/status`, token: api.token },
  ];
  const idle: ProbeResult[] = [];
  for (const route of routes) idle.push(await probeLatency({ ...route, ...PROBE }));

  const { batchId } = await api.enqueue('heavy', HEAVY_GRAPH, { nodeId: 'add', field: 'b', items: Array.from({ length: HEAVY_ITEMS }, (_, index) => index) });
  const deadline = performance.now() + 30_000;
  while ((await api.status('heavy', batchId)).in_progress === 0) {
    if (performance.now() > deadline) throw new Error('no CPU-heavy item started within 30 s');
    await sleep(10);
  }
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const busy: ProbeResult[] = [];
  for (const route of routes) busy.push(await probeLatency({ ...route, ...PROBE }));
  const windowMs = performance.now() - started;
  loop.disable();
  const counts = await api.status('heavy', batchId);
  if (counts.pending === 0 && counts.in_progress === 0) console.warn(`warning: the busy batch ran out before the probe ended; raise HEAVY_ITEMS`);

  await api.cancelAll('heavy');
  const drained = performance.now() + 60_000;
  while ((await api.status('heavy', batchId)).in_progress > 0 && performance.now() < drained) await sleep(50);
  await api.prune('heavy');
  return {
    rows: routes.map((route, index) => ({ route: route.route, idle: idle[index]!, busy: busy[index]! })),
    busy: { completed: counts.completed, windowMs, loopDelayP99: loop.percentile(99) / 1e6, loopDelayMax: loop.max / 1e6 },
  };
}

const fixed = (ms: number) => ms.toFixed(1);
const fmt = (value: number) => value.toLocaleString('en-US');

runBench(main);
