/**
 * `npm run bench:diffusion`: what the platform adds to Stable Diffusion sampling, in one run, on
 * fresh databases on the machine's PostgreSQL (the bench makes and drops everything it uses).
 *   1. Time per denoise step through the platform (a 512x512, 20-step euler, cfg 7.5 text-to-image
 *      graph enqueued through the HTTP API of an in-process `all` platform; per-step times are the
 *      spacing of the item's consecutive `invocation_progress` events on a socket.io client, median)
 *      against a bare loop of `session.run` on the same UNet with inputs of the same shapes
 *      (batch 2, latents 64x64, encoder_hidden_states [2, 77, 768], the timestep as the model
 *      declares it), for the demo UNet and a heavier one (`unetChannels`). Platform runs and bare
 *      runs alternate, so load from other processes on the machine hits both alike.
 *   2. Peak memory (max RSS) of one such generation, each in a fresh child process
 *      (generate-once.ts): idle after start, after the generation, and the difference.
 *
 *   npm run bench:diffusion -- [rounds=3] [heavyChannels=96]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { io as connect, type Socket } from 'socket.io-client';
import { testServiceUrls } from '../../config/config';
import { inputShape, inputType } from '../../nodes/diffusion/src/sd-model';
import { demoPipeline } from '../../services/models/starter-models';
import { buildTinySdPipeline } from '../../nodes/diffusion';
import type { BenchApi } from '../queue/bench-api-client';
import { freshDatabase, startBenchPlatform, Teardown, type BenchPlatform } from '../queue/bench-environment';
import type { GenerationMemory } from './generate-once';
import { demoModelKey, HEAVY_UNET_CHANNELS, registerPipeline, SIDE, STEPS, textToImageGraph } from './generation-setup';

const ROUNDS = Number(process.argv[2] ?? 3);
const HEAVY_CHANNELS = Number(process.argv[3] ?? HEAVY_UNET_CHANNELS);
const LATENT = SIDE / 8;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mib = (kib: number) => kib / 1024;

interface Pipeline {
  readonly label: string;
  readonly key: string;
  readonly folder: string;
  /** Empty for the demo pipeline the child's platform registers itself. */
  readonly childArgs: readonly string[];
}

interface StepTimes {
  readonly label: string;
  readonly platformMs: number;
  /** The denoise node from start to complete event, over the steps: setup and the last previews included. */
  readonly nodeMs: number;
  readonly bareMs: number;
  readonly platformSteps: number;
  readonly bareRuns: number;
}

/** Arrival times of each batch's denoise progress events, by batch id. */
class ProgressListener {
  private readonly arrivals = new Map<string, { step: number; at: number }[]>();
  /** When the denoise node started and completed, by batch id. */
  private readonly node = new Map<string, { started?: number; completed?: number }>();
  private constructor(private readonly socket: Socket) {
    for (const [name, field] of [['invocation_started', 'started'], ['invocation_complete', 'completed']] as const) {
      socket.on(name, (payload: { batchId: string; nodeId: string }) => {
        if (payload.nodeId !== 'denoise') return;
        this.node.set(payload.batchId, { ...this.node.get(payload.batchId), [field]: performance.now() });
      });
    }
    socket.on('invocation_progress', (payload: { batchId: string; nodeId: string; step?: number }) => {
      if (payload.nodeId !== 'denoise' || payload.step === undefined) return;
      const list = this.arrivals.get(payload.batchId) ?? [];
      list.push({ step: payload.step, at: performance.now() });
      this.arrivals.set(payload.batchId, list);
    });
  }

  static connect(api: BenchApi): Promise<ProgressListener> {
    const socket = connect(new URL(api.url).origin, { path: '/api/v1/socket.io', auth: { token: api.token }, transports: ['websocket'], reconnection: false });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new ProgressListener(socket)));
      socket.once('connect_error', reject);
    });
  }

  /** Milliseconds between consecutive steps of the batch; fails unless steps 1..steps came once each, in order. */
  spacings(batchId: string, steps: number): number[] {
    const list = this.arrivals.get(batchId) ?? [];
    const order = list.map((event) => event.step).join(',');
    if (order !== Array.from({ length: steps }, (_, i) => i + 1).join(',')) throw new Error(`batch ${batchId}: progress steps came as [${order}], not 1..${steps}`);
    return list.slice(1).map((event, i) => event.at - list[i]!.at);
  }

  /** The denoise node's whole time (setup included) over `steps`, as the events' arrivals show it. */
  nodeMsPerStep(batchId: string, steps: number): number {
    const times = this.node.get(batchId);
    if (times?.started === undefined || times.completed === undefined) throw new Error(`batch ${batchId}: no denoise start/complete events`);
    return (times.completed - times.started) / steps;
  }

  close(): void {
    this.socket.close();
  }
}

async function generate(api: BenchApi, key: string, seed: number, steps = STEPS): Promise<string> {
  const batch = await api.enqueue('bench', textToImageGraph(key, { seed, steps }));
  // Seldom: each poll is an HTTP request and a query served by the process that is sampling.
  await api.waitForBatch('bench', batch.batchId, 1, { intervalMs: 250, timeoutMs: 300_000 });
  // The last progress event may still be on its way over the socket.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return batch.batchId;
}

/** The UNet's inputs for one CFG step: batch 2, latents LATENT², the declared timestep type and shape. */
function unetFeeds(session: InferenceSession): Record<string, Tensor> {
  const sample = new Float32Array(2 * 4 * LATENT * LATENT);
  let state = 7;
  for (let i = 0; i < sample.length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    sample[i] = (state / 2 ** 32 - 0.5) * 3.4;
  }
  const states = new Float32Array(2 * 77 * 768).map((_, i) => Math.sin(i) * 0.5);
  const type = inputType(session, 'timestep') ?? 'int64';
  const shape = inputShape(session, 'timestep');
  const dims = shape?.length === 0 ? [] : [1];
  const timestep = type === 'float32' ? new Tensor('float32', Float32Array.from([500]), dims) : type === 'int32' ? new Tensor('int32', Int32Array.from([500]), dims) : new Tensor('int64', BigInt64Array.from([500n]), dims);
  return {
    sample: new Tensor('float32', sample, [2, 4, LATENT, LATENT]),
    timestep,
    encoder_hidden_states: new Tensor('float32', states, [2, 77, 768]),
  };
}

async function stepTimes(bench: BenchPlatform, listener: ProgressListener, pipeline: Pipeline): Promise<StepTimes> {
  await generate(bench.api, pipeline.key, 100, 2); // loads every part into the worker's cache
  const session = await InferenceSession.create(path.join(pipeline.folder, 'unet', 'model.onnx'), { executionProviders: ['cpu'] });
  const feeds = unetFeeds(session);
  for (let i = 0; i < 3; i += 1) await session.run(feeds);
  const platform: number[] = [];
  const node: number[] = [];
  const bare: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const batchId = await generate(bench.api, pipeline.key, round + 1);
      platform.push(...listener.spacings(batchId, STEPS));
      node.push(listener.nodeMsPerStep(batchId, STEPS));
      for (let i = 0; i < STEPS; i += 1) {
        const started = performance.now();
        await session.run(feeds);
        bare.push(performance.now() - started);
      }
    }
  } finally {
    await session.release();
  }
  return { label: pipeline.label, platformMs: median(platform), nodeMs: median(node), bareMs: median(bare), platformSteps: platform.length, bareRuns: bare.length };
}

function runChild(args: readonly string[]): Promise<GenerationMemory> {
  const node = path.join(process.cwd(), 'node_modules', '.bin', 'node');
  const child = spawn(node, ['--import', 'tsx', path.join(__dirname, 'generate-once.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`generate-once ${args.join(' ')} exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(last) as GenerationMemory);
    });
  });
}

async function main(): Promise<void> {
  const services = testServiceUrls();
  const teardown = new Teardown();
  process.once('SIGINT', () => void Teardown.runAll().then(() => process.exit(130)));
  try {
    const cpus = os.cpus();
    console.log(`bench:diffusion on ${cpus.length} CPUs (${cpus[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, CPU execution provider`);
    console.log(`${SIDE}x${SIDE} text to image (latents ${LATENT}x${LATENT}, CFG batch 2), ${STEPS} steps, euler, cfg 7.5; heavy UNet = tiny + 3x3 convs with ${HEAVY_CHANNELS} channels\n`);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-bench-diffusion-'));
    teardown.defer(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const heavyFolder = path.join(dir, `tiny-sd-heavy-${HEAVY_CHANNELS}`);
    await buildTinySdPipeline(heavyFolder, { seed: 1, unetChannels: HEAVY_CHANNELS });

    const bench = await startBenchPlatform({ role: 'all', databaseUrl: await freshDatabase(services.postgres, teardown), redisUrl: '', concurrency: 1 }, teardown);
    const listener = await ProgressListener.connect(bench.api);
    teardown.defer('close the socket', async () => listener.close());
    const pipelines: Pipeline[] = [
      { label: 'Tiny SD (demo) UNet', key: await demoModelKey(bench), folder: demoPipeline(bench.config.dataDir).path, childArgs: [] },
      { label: `heavy UNet (${HEAVY_CHANNELS} ch)`, key: await registerPipeline(bench, 'Tiny SD heavy (bench)', heavyFolder), folder: heavyFolder, childArgs: [heavyFolder] },
    ];
    const times: StepTimes[] = [];
    for (const pipeline of pipelines) times.push(await stepTimes(bench, listener, pipeline));
    listener.close();

    const memory: { label: string; result: GenerationMemory }[] = [];
    for (const pipeline of pipelines) memory.push({ label: pipeline.label, result: await runChild(pipeline.childArgs) });

    console.log(`1. Time per denoise step, median (platform: spacing of progress events, ${ROUNDS} generations; bare: session.run, ${ROUNDS * STEPS} runs)`);
    console.log('   UNet                    | platform ms/step | bare ms/step | ratio | overhead ms/step | node start→complete ms/step | ratio');
    console.log('   ------------------------|------------------|--------------|-------|------------------|-----------------------------|------');
    for (const row of times) {
      const cells = [row.platformMs.toFixed(2).padStart(16), row.bareMs.toFixed(2).padStart(12), (row.platformMs / row.bareMs).toFixed(3).padStart(5), (row.platformMs - row.bareMs).toFixed(2).padStart(16)];
      console.log(`   ${row.label.padEnd(24)}| ${cells.join(' | ')} | ${row.nodeMs.toFixed(2).padStart(27)} | ${(row.nodeMs / row.bareMs).toFixed(2)}`);
    }
    console.log('   (Progress events trail the steps by one preview; where a step is shorter than a preview, they come in bursts and their spacing says little: read the node column.)');
    console.log(`\n2. Peak memory (max RSS) of one ${SIDE}x${SIDE}, ${STEPS}-step generation in a fresh process with an in-process all platform`);
    console.log('   UNet                    | idle peak MiB | generation peak MiB | difference MiB | generation ms');
    console.log('   ------------------------|---------------|---------------------|----------------|--------------');
    for (const { label, result } of memory) {
      const [idle, peak] = [mib(result.idleMaxRssKiB), mib(result.generationMaxRssKiB)];
      console.log(`   ${label.padEnd(24)}| ${idle.toFixed(1).padStart(13)} | ${peak.toFixed(1).padStart(19)} | ${(peak - idle).toFixed(1).padStart(14)} | ${result.generationMs.toFixed(0).padStart(12)}`);
    }
  } finally {
    await teardown.run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    void Teardown.runAll().then(() => process.exit(1));
  },
);
