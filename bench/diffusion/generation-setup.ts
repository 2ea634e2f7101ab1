/**
 * What both halves of the diffusion bench generate with: the text-to-image graph (20 steps,
 * euler, cfg 7.5, 512x512 by default), the platform's demo pipeline, and a heavier UNet built
 * with the tiny pipeline's `unetChannels` and registered as a shared main model.
 */
import { randomUUID } from 'node:crypto';
import type { Graph } from '../../engine/graph/graph';
import { buildGenerationGraph } from '../../services/generation/generation-graph';
import { hashFolder } from '../../services/models/model-hash';
import { ModelRepository } from '../../services/models/model.repository';
import { probeModel } from '../../services/models/onnx-probe';
import { demoPipeline } from '../../services/models/starter-models';
import type { BenchPlatform } from '../queue/bench-environment';

export const STEPS = 20;
export const SIDE = 512;
/** Hidden channels of the heavy UNet's 3x3 convolutions: tens of ms per batch-2 step at 64x64 latents. */
export const HEAVY_UNET_CHANNELS = 96;

/** The key of the demo pipeline the platform registered on start. */
export async function demoModelKey(bench: BenchPlatform): Promise<string> {
  const source = demoPipeline(bench.config.dataDir).source;
  const [record] = await new ModelRepository(bench.platform.database.dataSource).findSharedBySource([source]);
  if (!record) throw new Error(`the platform registered no ${source}`);
  return record.key;
}

/** A shared main model whose path is `folder`, as an admin's install leaves it. */
export async function registerPipeline(bench: BenchPlatform, name: string, folder: string): Promise<string> {
  const probe = await probeModel(folder);
  if (probe.type !== 'main') throw new Error(`${folder} is not a main model (${probe.type})`);
  const key = randomUUID();
  await new ModelRepository(bench.platform.database.dataSource).insert({
    key, name, base: probe.base, type: 'main', format: probe.format, source: `bench:${folder}`, path: folder, sizeBytes: probe.sizeBytes,
    hash: await hashFolder(folder), description: 'bench model', ownerId: null, metadata: { graphs: probe.graphs },
  });
  return key;
}

/** The standard text-to-image graph the generate route builds (services/generation), on this model. */
export function textToImageGraph(modelKey: string, options: { seed?: number; side?: number; steps?: number } = {}): Graph {
  const { seed = 1, side = SIDE, steps = STEPS } = options;
  return buildGenerationGraph({
    model: modelKey,
    prompt: 'a red house by the sea, highly detailed',
    negativePrompt: 'blurry',
    width: side,
    height: side,
    steps,
    cfgScale: 7.5,
    scheduler: 'euler',
    seed,
    strength: 1,
    batchCount: 1,
  });
}
