/**
 * The standard generation graph from simple parameters, as InvokeAI's linear UI builds it: model
 * loader, positive and negative prompts, noise, (image to latents for an init image), denoise,
 * latents to image, save. Text to image without an init image; image to image with one (strength
 * decides where denoising starts); inpainting with an init image and a mask (white repaints). A
 * high-res fix adds a second pass: the latents scaled up, re-noised part way and denoised again,
 * which adds detail a plain upscale would not. A batch count sweeps the seed, and every saved
 * image carries all the parameters.
 */
import type { Batch } from '../../engine/batch/expand-batch';
import type { Graph, GraphEdge, GraphNode } from '../../engine/graph/graph';

export interface GenerationParams {
  readonly prompt: string;
  readonly negativePrompt: string;
  /** Key of a `main` (diffusion pipeline) model. */
  readonly model: string;
  readonly width: number;
  readonly height: number;
  readonly steps: number;
  readonly cfgScale: number;
  readonly scheduler: string;
  /** The first image's seed; image i of the batch uses seed + i. */
  readonly seed: number;
  /** How much of an init image is repainted, 0 (none) to 1 (all). */
  readonly strength: number;
  readonly initImage?: string;
  readonly mask?: string;
  readonly batchCount: number;
  /** A second pass at this many times the size (its sides rounded to multiples of 8). */
  readonly hires?: { readonly scale: number; readonly strength: number };
}

/** The image size of a high-res pass: each side scaled and rounded to a multiple of 8. */
export function hiresSize(params: Pick<GenerationParams, 'width' | 'height' | 'hires'>): { width: number; height: number } {
  const scaled = (side: number) => Math.round((side * (params.hires?.scale ?? 1)) / 8) * 8;
  return { width: scaled(params.width), height: scaled(params.height) };
}

/** What the saved images record of how they were made. */
export type GenerationMetadata = Omit<GenerationParams, 'batchCount' | 'initImage' | 'mask'> & {
  readonly mode: 'txt2img' | 'img2img' | 'inpaint';
  readonly initImage?: string;
  readonly mask?: string;
};

export const MAX_SEED = 2 ** 32 - 1;

const link = (source: string, sourceField: string, target: string, targetField: string): GraphEdge => ({
  source: { nodeId: source, field: sourceField },
  destination: { nodeId: target, field: targetField },
});

export function generationMode(params: Pick<GenerationParams, 'initImage' | 'mask'>): GenerationMetadata['mode'] {
  if (!params.initImage) return 'txt2img';
  return params.mask ? 'inpaint' : 'img2img';
}

export function generationMetadata(params: GenerationParams, seed: number): GenerationMetadata {
  const { batchCount: _count, initImage, mask, ...rest } = params;
  return { ...rest, seed, mode: generationMode(params), ...(initImage ? { initImage } : {}), ...(mask ? { mask } : {}) };
}

/** A denoise pass with the request's sampler settings, starting `start` of the way into the schedule. */
function denoiseNode(id: string, params: GenerationParams, start: number, mask?: string): GraphNode {
  const { steps, cfgScale, scheduler, seed } = params;
  return {
    id,
    type: 'diffusion.denoise_latents',
    inputs: { steps, cfgScale, scheduler, denoisingStart: start, denoisingEnd: 1, seed, ...(mask ? { mask: { imageName: mask } } : {}) },
  };
}

/** What every denoise pass takes from the loader, the prompts and its noise node. */
function denoiseLinks(id: string, noise: string): GraphEdge[] {
  return [
    link('model', 'unet', id, 'unet'),
    link('positive', 'conditioning', id, 'positive'),
    link('negative', 'conditioning', id, 'negative'),
    link(noise, 'noise', id, 'noise'),
  ];
}

export function buildGenerationGraph(params: GenerationParams): Graph {
  const mode = generationMode(params);
  const nodes: GraphNode[] = [
    { id: 'model', type: 'diffusion.main_model_loader', inputs: { model: { key: params.model } } },
    { id: 'positive', type: 'diffusion.prompt', inputs: { prompt: params.prompt } },
    { id: 'negative', type: 'diffusion.prompt', inputs: { prompt: params.negativePrompt } },
    { id: 'noise', type: 'diffusion.noise', inputs: { seed: params.seed, width: params.width, height: params.height } },
    denoiseNode('denoise', params, mode === 'txt2img' ? 0 : 1 - params.strength, params.mask),
    { id: 'decode', type: 'diffusion.latents_to_image', inputs: { tiled: params.hires !== undefined } },
    { id: 'save', type: 'image.save', inputs: { metadata: generationMetadata(params, params.seed) } },
  ];
  const edges: GraphEdge[] = [
    link('model', 'clip', 'positive', 'clip'),
    link('model', 'clip', 'negative', 'clip'),
    ...denoiseLinks('denoise', 'noise'),
    link('model', 'vaeDecoder', 'decode', 'vae'),
    link('decode', 'image', 'save', 'image'),
  ];
  if (params.hires) {
    const size = hiresSize(params);
    nodes.push(
      { id: 'upscale', type: 'diffusion.resize_latents', inputs: { ...size, mode: 'bilinear' } },
      { id: 'hires_noise', type: 'diffusion.noise', inputs: { seed: params.seed, ...size } },
      denoiseNode('hires', params, 1 - params.hires.strength),
    );
    edges.push(
      link('denoise', 'latents', 'upscale', 'latents'),
      link('upscale', 'latents', 'hires', 'latents'),
      ...denoiseLinks('hires', 'hires_noise'),
      link('hires', 'latents', 'decode', 'latents'),
    );
  } else {
    edges.push(link('denoise', 'latents', 'decode', 'latents'));
  }
  if (params.initImage) {
    nodes.push({ id: 'encode', type: 'diffusion.image_to_latents', inputs: { image: { imageName: params.initImage } } });
    edges.push(link('model', 'vaeEncoder', 'encode', 'vae'), link('encode', 'latents', 'denoise', 'latents'));
  }
  return { nodes, edges };
}

/** The graph and, for more than one image, the seeds swept with the metadata that records them. */
export function buildGenerationBatch(params: GenerationParams): Batch {
  const graph = buildGenerationGraph(params);
  if (params.batchCount <= 1) return { graph };
  const seeds = Array.from({ length: params.batchCount }, (_, index) => (params.seed + index) % (MAX_SEED + 1));
  return {
    graph,
    data: [
      [
        { nodeId: 'noise', field: 'seed', items: seeds },
        { nodeId: 'denoise', field: 'seed', items: seeds },
        ...(params.hires
          ? [
              { nodeId: 'hires_noise', field: 'seed', items: seeds },
              { nodeId: 'hires', field: 'seed', items: seeds },
            ]
          : []),
        { nodeId: 'save', field: 'metadata', items: seeds.map((seed) => generationMetadata(params, seed)) },
      ],
    ],
  };
}
