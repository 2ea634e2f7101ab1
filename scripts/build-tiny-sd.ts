/**
 * Writes the tiny Stable Diffusion ONNX pipeline (see nodes/diffusion/demo/tiny-sd-pipeline.ts) into a
 * folder, for demos and benchmarks where no real model can be downloaded.
 *
 *   npx tsx scripts/build-tiny-sd.ts <folder> [--seed N]
 */
import path from 'node:path';
import { folderSize } from '../services/models/onnx-probe';
import { buildTinySdPipeline } from '../nodes/diffusion';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seedIndex = args.indexOf('--seed');
  const seed = seedIndex >= 0 ? Number(args[seedIndex + 1]) : 1;
  const folder = args.find((arg, index) => !arg.startsWith('--') && (seedIndex < 0 || index !== seedIndex + 1));
  if (!folder || !Number.isInteger(seed)) {
    console.error('Usage: npx tsx scripts/build-tiny-sd.ts <folder> [--seed N]');
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  await buildTinySdPipeline(path.resolve(folder), { seed });
  const megabytes = (await folderSize(folder)) / 1024 / 1024;
  console.log(`Wrote a tiny SD 1.x ONNX pipeline to ${folder} (${megabytes.toFixed(1)} MB, seed ${seed}) in ${Math.round(performance.now() - started)} ms`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
