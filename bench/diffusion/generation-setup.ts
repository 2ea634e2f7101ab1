/**
 * What both halves of the diffusion bench generate with: the text-to-image graph (20 steps,
 * euler, cfg 7.5, 512x512 by default), the platform's demo pipeline, and a heavier UNet built
 * with the tiny pipeline's `unetChannels` and registered as a shared main model.
 */
import { randomUUID } from 'node:crypto';
import type { Graph } from '../../engine/graph/graph';
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

export function textToImageGraph(modelKey: string, options: { seed?: number; side?: number; steps?: number } = {}): Graph {
  const { seed = 1, side = SIDE, steps = STEPS } = options;
  return {
    nodes: [
      { id: 'model', type: 'diffusion.main_model_loader', inputs: { model: { key: modelKey } } },
      { id: 'pos', type: 'diffusion.prompt', inputs: { prompt: 'a red house by the sea, highly detailed' } },
      { id: 'neg', type: 'diffusion.prompt', inputs: { prompt: 'blurry' } },
      { id: 'noise', type: 'diffusion.noise', inputs: { seed, width: side, height: side } },
      { id: 'denoise', type: 'diffusion.denoise_latents', inputs: { steps, cfgScale: 7.5, scheduler: 'euler', seed } },
      { id: 'decode', type: 'diffusion.latents_to_image', inputs: {} },
    ],
    edges: [
      edge('model.clip', 'pos.clip'),
      edge('model.clip', 'neg.clip'),
      edge('model.unet', 'denoise.unet'),
      edge('pos.conditioning', 'denoise.positive'),
      edge('neg.conditioning', 'denoise.negative'),
      edge('noise.noise', 'denoise.noise'),
      edge('denoise.latents', 'decode.latents'),
      edge('model.vaeDecoder', 'decode.vae'),
    ],
  };
}

function edge(from: string, to: string): Graph['edges'][number] {
  const [sourceNode, sourceField] = from.split('.') as [string, string];
  const [destinationNode, destinationField] = to.split('.') as [string, string];
  return { source: { nodeId: sourceNode, field: sourceField }, destination: { nodeId: destinationNode, field: destinationField } };
}
