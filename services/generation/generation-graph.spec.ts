import path from 'node:path';
import { prepareGraph } from '../../engine/graph/validate-graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { expandBatch } from '../../engine/batch/expand-batch';
import { loadPackFromFolder } from '../plugins/pack-loader';
import { buildGenerationBatch, buildGenerationGraph, MAX_SEED, type GenerationParams } from './generation-graph';

const params: GenerationParams = {
  prompt: 'a cat',
  negativePrompt: 'blurry',
  model: 'sd',
  width: 512,
  height: 384,
  steps: 20,
  cfgScale: 7,
  scheduler: 'euler',
  seed: 42,
  strength: 0.6,
  batchCount: 1,
};

describe('the generation graph', () => {
  const registry = new NodeRegistry();
  beforeAll(async () => {
    for (const pack of ['image', 'diffusion']) await loadPackFromFolder(path.resolve(__dirname, '../../nodes', pack), registry);
  });

  const denoise = (graph: ReturnType<typeof buildGenerationGraph>) => graph.nodes.find((node) => node.id === 'denoise')!.inputs!;

  it('is a valid text-to-image graph that starts denoising from pure noise', () => {
    const graph = buildGenerationGraph(params);
    expect(() => prepareGraph(graph, registry)).not.toThrow();
    expect(graph.nodes.map((node) => node.id)).toEqual(['model', 'positive', 'negative', 'noise', 'denoise', 'decode', 'save']);
    expect(denoise(graph)['denoisingStart']).toBe(0);
  });

  it('encodes an init image and starts at 1 - strength for image to image, with the mask for inpainting', () => {
    const img2img = buildGenerationGraph({ ...params, initImage: 'init.png' });
    expect(() => prepareGraph(img2img, registry)).not.toThrow();
    expect(denoise(img2img)['denoisingStart']).toBeCloseTo(0.4, 10);
    expect(img2img.edges).toContain({ source: { nodeId: 'encode', field: 'latents' }, destination: { nodeId: 'denoise', field: 'latents' } });
    const inpaint = buildGenerationGraph({ ...params, initImage: 'init.png', mask: 'mask.png' });
    expect(() => prepareGraph(inpaint, registry)).not.toThrow();
    expect(denoise(inpaint)['mask']).toEqual({ imageName: 'mask.png' });
    const save = inpaint.nodes.find((node) => node.id === 'save')!.inputs!['metadata'];
    expect(save).toEqual(jasmine.objectContaining({ mode: 'inpaint', initImage: 'init.png', mask: 'mask.png', strength: 0.6, seed: 42 }));
  });

  it('sweeps consecutive seeds over a batch, each image recording its own, wrapping at the largest seed', () => {
    const batch = buildGenerationBatch({ ...params, seed: MAX_SEED, batchCount: 3 });
    const sessions = [...expandBatch(batch)];
    expect(sessions.length).toBe(3);
    const seedsOf = (values: (typeof sessions)[number], nodeId: string) => values.find((value) => value.nodeId === nodeId && value.field !== 'metadata')?.value;
    expect(sessions.map((values) => seedsOf(values, 'noise'))).toEqual([MAX_SEED, 0, 1]);
    expect(sessions.map((values) => seedsOf(values, 'denoise'))).toEqual([MAX_SEED, 0, 1]);
    expect(sessions.map((values) => (values.find((value) => value.field === 'metadata')!.value as { seed: number }).seed)).toEqual([MAX_SEED, 0, 1]);
    expect(buildGenerationBatch(params).data).toBeUndefined();
  });

  it('adds a high-res pass: the latents scaled up and denoised again from part way, decoded in tiles', () => {
    const graph = buildGenerationGraph({ ...params, width: 520, height: 384, hires: { scale: 1.5, strength: 0.4 } });
    expect(() => prepareGraph(graph, registry)).not.toThrow();
    expect(graph.nodes.find((node) => node.id === 'upscale')!.inputs).toEqual(jasmine.objectContaining({ width: 784, height: 576 }));
    expect(graph.nodes.find((node) => node.id === 'hires')!.inputs!['denoisingStart']).toBeCloseTo(0.6, 10);
    expect(graph.edges).toContain({ source: { nodeId: 'hires', field: 'latents' }, destination: { nodeId: 'decode', field: 'latents' } });
    expect(graph.edges.some((edge) => edge.source.nodeId === 'denoise' && edge.destination.nodeId === 'decode')).toBeFalse();
    const sessions = [...expandBatch(buildGenerationBatch({ ...params, hires: { scale: 2, strength: 0.5 }, batchCount: 2 }))];
    expect(sessions.map((values) => values.filter((value) => value.field === 'seed').map((value) => `${value.nodeId}=${String(value.value)}`))).toEqual([
      ['noise=42', 'denoise=42', 'hires_noise=42', 'hires=42'],
      ['noise=43', 'denoise=43', 'hires_noise=43', 'hires=43'],
    ]);
  });
});
