/**
 * One child of `npm run bench:diffusion`: starts an in-process `all` platform on a fresh database,
 * notes the peak RSS once it is idle, runs one text-to-image generation through its API (the demo
 * pipeline, or the pipeline folder given), notes the peak again, and prints both as JSON on the
 * last line of stdout. It drops the database and data dir it made.
 *
 *   node --import tsx bench/diffusion/generate-once.ts [pipelineFolder]
 */
import { testServiceUrls } from '../../config/config';
import { freshDatabase, startBenchPlatform, Teardown } from '../queue/bench-environment';
import { demoModelKey, registerPipeline, textToImageGraph } from './generation-setup';

export interface GenerationMemory {
  /** process.resourceUsage().maxRSS, KiB: after the platform started, and after one generation. */
  readonly idleMaxRssKiB: number;
  readonly generationMaxRssKiB: number;
  readonly generationMs: number;
}

async function main(): Promise<void> {
  const folder = process.argv[2];
  const teardown = new Teardown();
  process.once('SIGTERM', () => void Teardown.runAll().then(() => process.exit(143)));
  try {
    const bench = await startBenchPlatform({ role: 'all', databaseUrl: await freshDatabase(testServiceUrls().postgres, teardown), redisUrl: '', concurrency: 1 }, teardown);
    const key = folder ? await registerPipeline(bench, 'bench pipeline', folder) : await demoModelKey(bench);
    const idleMaxRssKiB = process.resourceUsage().maxRSS;
    const started = performance.now();
    const batch = await bench.api.enqueue('bench', textToImageGraph(key));
    await bench.api.waitForBatch('bench', batch.batchId, 1, { intervalMs: 20, timeoutMs: 300_000 });
    const result: GenerationMemory = { idleMaxRssKiB, generationMaxRssKiB: process.resourceUsage().maxRSS, generationMs: performance.now() - started };
    console.log(JSON.stringify(result));
  } finally {
    await teardown.run();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
