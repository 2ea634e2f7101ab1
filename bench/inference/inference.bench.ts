/**
 * `npm run bench:inference`: what running ONNX models through the platform costs, in one run, on
 * fresh databases on the machine's PostgreSQL and the machine's NATS (the bench makes and drops
 * everything it uses).
 *   1. End to end: an item (render an image → tensor → onnx.run on a convolution model) through the
 *      API, queue and runner of an `all` platform, warm cache, against calling `session.run`
 *      directly on the same model and an input of the same shape: median ms and the ratio.
 *   2. Model loads: an `api` node and two `worker` processes whose caches hold one model each;
 *      items alternating between model A and model B, one after the other, with cache-aware
 *      routing, then with routing off (whichever worker takes the job first), on fresh workers:
 *      loads, and total time.
 *   3. Event-loop delay on an `api` node while a worker process loads a large model, against the
 *      same node idle; and, for contrast, on an `all` node that loads it in its own process.
 *
 *   npm run bench:inference -- [items=12] [alternating=16] [largeMb=300] [parts=1,2,3]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { testServiceUrls } from '../../config/config';
import type { Graph } from '../../engine/graph/graph';
import { ModelRepository } from '../../services/models/model.repository';
import { attr, writeOnnxModel } from '../../nodes/diffusion';
import { startPlatformProcess, type PlatformProcess } from '../../test/support/platform-process';
import { sleep, type BenchApi } from '../queue/bench-api-client';
import { freshDatabase, startBenchPlatform, Teardown, type BenchPlatform } from '../queue/bench-environment';
import { formatStages, medianStages, StageTracer, type ItemStages } from '../queue/item-stages';

const ITEMS = Number(process.argv[2] ?? 12);
const ALTERNATING = Number(process.argv[3] ?? 16);
const LARGE_MB = Number(process.argv[4] ?? 300);
const PARTS = new Set((process.argv[5] ?? '1,2,3').split(','));
const SIDE = 128;
const SMALL_MODEL_FLOATS = 12 * 1024 * 1024 / 4; // 12 MiB of weights each

/** Deterministic weights; the values do not matter to the timings. */
function weights(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 0.1;
  }
  return out;
}

/** x [1,3,S,S] → three 3x3 convolutions (3→32→32→3) with ReLU: real work, tens of ms on a CPU. */
function convolutionModel(): Buffer {
  const conv = (name: string, input: string, output: string, inC: number, outC: number) => ({
    node: { opType: 'Conv', inputs: [input, `${name}.w`, `${name}.b`], outputs: [output], attributes: { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) } },
    initializers: [
      { name: `${name}.w`, type: 'float32' as const, dims: [outC, inC, 3, 3], data: weights(outC * inC * 9, outC + inC) },
      { name: `${name}.b`, type: 'float32' as const, dims: [outC], data: weights(outC, outC) },
    ],
  });
  const layers = [conv('c1', 'x', 'h1', 3, 32), conv('c2', 'r1', 'h2', 32, 32), conv('c3', 'r2', 'y', 32, 3)];
  return writeOnnxModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 3, SIDE, SIDE] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, 3, SIDE, SIDE] }],
    nodes: [layers[0]!.node, { opType: 'Relu', inputs: ['h1'], outputs: ['r1'] }, layers[1]!.node, { opType: 'Relu', inputs: ['h2'], outputs: ['r2'] }, layers[2]!.node],
    initializers: layers.flatMap((layer) => layer.initializers),
  });
}

/** x [1,3,64,64] → flatten → MatMul with `floats` weights: a model whose size is its weights. */
function matmulModel(floats: number, seed: number): Buffer {
  const inner = 3 * 64 * 64;
  const outer = Math.max(1, Math.floor(floats / inner));
  return writeOnnxModel({
    inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 64, 64] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1, outer] }],
    nodes: [
      { opType: 'Flatten', inputs: ['x'], outputs: ['flat'], attributes: { axis: attr.int(1) } },
      { opType: 'MatMul', inputs: ['flat', 'w'], outputs: ['y'] },
    ],
    initializers: [{ name: 'w', type: 'float32', dims: [inner, outer], data: weights(inner * outer, seed) }],
  });
}

/** A shared model record pointing at `file`, as an admin's install leaves it. */
async function register(platform: BenchPlatform, name: string, file: string): Promise<string> {
  const key = randomUUID();
  const sizeBytes = (await stat(file)).size;
  await new ModelRepository(platform.platform.database.dataSource).insert({
    key, name, base: 'any', type: 'onnx', format: 'onnx', source: file, path: file, sizeBytes, hash: 'blake3:bench', description: 'bench model', ownerId: null, metadata: {},
  });
  return key;
}

function inferenceGraph(modelKey: string, side: number): Graph {
  return {
    nodes: [
      { id: 'image', type: 'image.render_text', inputs: { text: 'Pinksea', fontSize: 24, width: side, height: side } },
      { id: 'tensor', type: 'onnx.tensor_from_image', inputs: {} },
      { id: 'run', type: 'onnx.run', inputs: { model: { key: modelKey } } },
    ],
    edges: [
      { source: { nodeId: 'image', field: 'image' }, destination: { nodeId: 'tensor', field: 'image' } },
      { source: { nodeId: 'tensor', field: 'tensor' }, destination: { nodeId: 'run', field: 'inputs' } },
    ],
  };
}

async function runItems(api: BenchApi, graphs: readonly Graph[]): Promise<number> {
  const started = performance.now();
  const batches = await Promise.all(graphs.map((graph) => api.enqueue('bench', graph)));
  for (const batch of batches) await api.waitForBatch('bench', batch.batchId, 1, { intervalMs: 5, timeoutMs: 300_000 });
  return performance.now() - started;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function endToEnd(serverUrl: string, dir: string, teardown: Teardown): Promise<void> {
  const file = path.join(dir, 'conv.onnx');
  await writeFile(file, convolutionModel());
  const platform = await startBenchPlatform({ role: 'all', databaseUrl: await freshDatabase(serverUrl, teardown), redisUrl: '', concurrency: 1 }, teardown);
  const key = await register(platform, 'conv', file);
  const graph = inferenceGraph(key, SIDE);
  const tracer = await StageTracer.connect(platform.api);
  await tracer.run('bench', graph); // loads the model into the worker's cache
  const samples: ItemStages[] = [];
  for (let i = 0; i < ITEMS; i += 1) samples.push(await tracer.run('bench', graph));
  tracer.close();

  const session = await InferenceSession.create(file);
  const input = new Tensor('float32', weights(3 * SIDE * SIDE, 7), [1, 3, SIDE, SIDE]);
  await session.run({ x: input });
  const directMs: number[] = [];
  for (let i = 0; i < ITEMS; i += 1) {
    const started = performance.now();
    await session.run({ x: input });
    directMs.push(performance.now() - started);
  }
  await session.release();
  const stages = medianStages(samples);
  const [p, d] = [stages.total, median(directMs)];
  console.log(`1. ONNX item end to end (API → queue → worker → done, ${SIDE}x${SIDE} convolutions, warm cache), median of ${ITEMS}:`);
  console.log(`   platform ${p.toFixed(1)} ms, session.run ${d.toFixed(1)} ms, ratio ${(p / d).toFixed(2)} (overhead ${(p - d).toFixed(1)} ms per item)`);
  console.log(`   where it goes (medians of each stage, as the client sees it over HTTP and its socket; nodes = render, tensor, onnx.run):`);
  console.log(formatStages(stages));
}

interface Cluster {
  readonly api: BenchPlatform;
  readonly workers: PlatformProcess[];
}

async function startCluster(serverUrl: string, nats: string, env: Record<string, string>, workerEnv: Record<string, string>, teardown: Teardown): Promise<Cluster> {
  const databaseUrl = await freshDatabase(serverUrl, teardown);
  const namespace = `bench${randomBytes(4).toString('hex')}`;
  const shared = { PINKSEA_TRANSPORTER: nats, PINKSEA_NAMESPACE: namespace, PINKSEA_QUEUE_NAME: namespace };
  const api = await startBenchPlatform({ role: 'api', databaseUrl, redisUrl: '', concurrency: 1, env: { ...shared, ...env } }, teardown);
  const workers: PlatformProcess[] = [];
  for (const name of ['worker-1', 'worker-2']) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-bench-worker-'));
    teardown.defer(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
    const worker = startPlatformProcess({ ...shared, ...workerEnv, DATABASE_URL: databaseUrl, REDIS_URL: '', PINKSEA_ROLE: 'worker', PINKSEA_NODE_ID: `${namespace}-${name}`, PINKSEA_DATA_DIR: dataDir });
    teardown.defer(`stop ${name}`, () => worker.kill('SIGTERM'));
    workers.push(worker);
  }
  await Promise.all(workers.map((worker) => worker.waitFor(/Pinksea \(worker\) is running/, 120_000)));
  // Until the api node has heard of both workers, nothing can be routed to them.
  for (let i = 0; i < 200 && api.platform.broker.registry.getNodeList({ onlyAvailable: true, withServices: false }).length < 3; i += 1) await sleep(50);
  return { api, workers };
}

async function cacheMisses(cluster: Cluster): Promise<number> {
  let total = 0;
  for (const node of cluster.api.platform.broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as { id: string; metadata?: { worker?: unknown } }[]) {
    if (!node.metadata?.worker) continue;
    const metrics = (await cluster.api.platform.broker.call('$node.metrics', { includes: 'pinksea.model_cache.misses' }, { nodeID: node.id })) as { values: { value: number }[] }[];
    total += metrics[0]?.values[0]?.value ?? 0;
  }
  return total;
}

async function routing(serverUrl: string, nats: string, dir: string): Promise<void> {
  const files = [path.join(dir, 'model-a.onnx'), path.join(dir, 'model-b.onnx')];
  await writeFile(files[0]!, matmulModel(SMALL_MODEL_FLOATS, 1));
  await writeFile(files[1]!, matmulModel(SMALL_MODEL_FLOATS, 2));
  const modelBytes = (await stat(files[0]!)).size;
  console.log(`2. Model loads: two workers whose caches hold one ${(modelBytes / 2 ** 20).toFixed(0)} MiB model each, ${ALTERNATING} items alternating A, B, A, …:`);
  for (const aware of [true, false]) {
    const phase = new Teardown();
    try {
      const cluster = await startCluster(serverUrl, nats, { PINKSEA_CACHE_AWARE_ROUTING: String(aware) }, { PINKSEA_MODEL_CACHE_BYTES: String(Math.ceil(modelBytes * 1.5)) }, phase);
      const keys = [await register(cluster.api, 'model-a', files[0]!), await register(cluster.api, 'model-b', files[1]!)];
      const graphs = keys.map((key) => inferenceGraph(key, 64));
      let ms = 0;
      for (let item = 0; item < ALTERNATING; item += 1) {
        ms += await runItems(cluster.api.api, [graphs[item % 2]!]);
        // Workers republish what they hold within ~50 ms of a load; let it reach the api node.
        await sleep(100);
      }
      const misses = await cacheMisses(cluster);
      console.log(`   ${aware ? 'cache-aware routing' : 'first free worker  '}: ${String(misses).padStart(3)} model loads for ${ALTERNATING} items, ${ms.toFixed(0)} ms of item time`);
    } finally {
      await phase.run();
    }
  }
}

async function loopDelayWhile(work: () => Promise<unknown>): Promise<{ p99: number; max: number; ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, ms };
}

async function eventLoop(serverUrl: string, nats: string, dir: string, teardown: Teardown): Promise<void> {
  const file = path.join(dir, 'large.onnx');
  await writeFile(file, matmulModel((LARGE_MB * 2 ** 20) / 4, 3));
  const size = (await stat(file)).size;
  console.log(`3. Event-loop delay while a ${(size / 2 ** 20).toFixed(0)} MiB model loads (p99 / max, ms):`);
  const phase = new Teardown();
  try {
    const cluster = await startCluster(serverUrl, nats, {}, {}, phase);
    const key = await register(cluster.api, 'large', file);
    const idle = await loopDelayWhile(() => sleep(2000));
    const busy = await loopDelayWhile(() => runItems(cluster.api.api, [inferenceGraph(key, 64)]));
    console.log(`   api node, idle                     : ${idle.p99.toFixed(1)} / ${idle.max.toFixed(1)}`);
    console.log(`   api node, a worker process loads it: ${busy.p99.toFixed(1)} / ${busy.max.toFixed(1)} (the item took ${busy.ms.toFixed(0)} ms)`);
  } finally {
    await phase.run();
  }
  const single = await startBenchPlatform({ role: 'all', databaseUrl: await freshDatabase(serverUrl, teardown), redisUrl: '', concurrency: 1 }, teardown);
  const key = await register(single, 'large', file);
  const busy = await loopDelayWhile(() => runItems(single.api, [inferenceGraph(key, 64)]));
  console.log(`   all-in-one node loading it itself  : ${busy.p99.toFixed(1)} / ${busy.max.toFixed(1)} (the item took ${busy.ms.toFixed(0)} ms)`);
}

async function main(): Promise<void> {
  const services = testServiceUrls();
  const teardown = new Teardown();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-bench-models-'));
  teardown.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  process.once('SIGINT', () => void Teardown.runAll().then(() => process.exit(130)));
  try {
    console.log(`bench:inference on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), CPU execution provider`);
    if (PARTS.has('1')) await endToEnd(services.postgres, dir, teardown);
    if (PARTS.has('2')) await routing(services.postgres, services.nats, dir);
    if (PARTS.has('3')) await eventLoop(services.postgres, services.nats, dir, teardown);
  } finally {
    await teardown.run();
  }
}

void main().catch(async (error: unknown) => {
  console.error(error);
  await Teardown.runAll();
  process.exit(1);
});
