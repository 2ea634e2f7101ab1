/**
 * The diffusion pack end to end on the tiny SD pipeline: text to image through the engine, image
 * to image and inpainting node by node, the errors a user can cause, and a timing of the sampler
 * loop against bare UNet calls (printed, not asserted).
 */
import sharp from 'sharp';
import { CanceledError, type ConditioningRef, type ImageRef, type ModelRef, type TensorRef } from '@pinksea/node-sdk';
import { createTestContext, edge, expectNodeError, graph, invokeNode, MemoryContextHost, node, rejectionOf } from '@pinksea/node-sdk/testing';
import type { EngineEvent } from '../../engine/execution/engine-events';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import denoiseLatents from './denoise-latents.node';
import { blockyImage, maskImage, OCR_KEY, rgbOf, setUpTinySd, TINY_SD_KEY, type TinySd } from './diffusion-testing';
import imageToLatents from './image-to-latents.node';
import latentsToImage from './latents-to-image.node';
import mainModelLoader from './main-model-loader.node';
import noiseNode from './noise.node';
import promptEncode from './prompt-encode.node';
import resizeLatents from './resize-latents.node';
import { clearTokenizerCache } from './src/tokenizer-cache';

const MODEL: ModelRef = { key: TINY_SD_KEY };
const part = (submodel: string): ModelRef => ({ key: TINY_SD_KEY, type: 'main', submodel });

function txt2imgGraph(options: { seed: number; width?: number; height?: number; steps?: number; scheduler?: string }) {
  const { seed, width = 64, height = 64, steps = 4, scheduler = 'euler' } = options;
  return graph(
    [
      node('model', 'diffusion.main_model_loader', { model: MODEL }),
      node('pos', 'diffusion.prompt', { prompt: 'a (red:1.2) house by the sea' }),
      node('neg', 'diffusion.prompt', { prompt: 'blurry' }),
      node('noise', 'diffusion.noise', { seed, width, height }),
      node('denoise', 'diffusion.denoise_latents', { steps, cfgScale: 7.5, scheduler, seed }),
      node('decode', 'diffusion.latents_to_image', {}),
    ],
    [
      edge('model.clip', 'pos.clip'),
      edge('model.clip', 'neg.clip'),
      edge('model.unet', 'denoise.unet'),
      edge('pos.conditioning', 'denoise.positive'),
      edge('neg.conditioning', 'denoise.negative'),
      edge('noise.noise', 'denoise.noise'),
      edge('denoise.latents', 'decode.latents'),
      edge('model.vaeDecoder', 'decode.vae'),
    ],
  );
}

describe('diffusion pack', () => {
  let tiny: TinySd;
  let registry: NodeRegistry;

  beforeAll(async () => {
    tiny = await setUpTinySd();
    registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
  });

  afterAll(async () => {
    clearTokenizerCache();
    await tiny.dispose();
  });

  async function run(g: ReturnType<typeof graph>, host: MemoryContextHost, signal?: AbortSignal, onEvent?: (event: EngineEvent) => void): Promise<RunResult> {
    return runGraph(g, { registry, host, signal, onEvent });
  }

  async function imageBytes(host: MemoryContextHost, result: RunResult): Promise<Uint8Array> {
    expect(result.error).toBeUndefined();
    const ref = result.outputsOf('decode')[0]!['image'] as ImageRef;
    return host.images.images.get(ref.imageName)!.data;
  }

  describe('text to image through the engine', () => {
    it('loads all seven nodes from the manifest', () => {
      for (const type of ['main_model_loader', 'prompt', 'noise', 'denoise_latents', 'latents_to_image', 'image_to_latents', 'resize_latents']) {
        expect(registry.packOf(`diffusion.${type}`)).withContext(type).toBe('@pinksea/nodes-diffusion');
      }
    });

    it('gives the same image for the same seed, another for another seed, at the requested size', async () => {
      const hostA = tiny.host();
      const hostB = tiny.host();
      const hostC = tiny.host();
      const events: EngineEvent[] = [];
      const a = await run(txt2imgGraph({ seed: 42, width: 96, height: 64 }), hostA, undefined, (event) => events.push(event));
      const b = await run(txt2imgGraph({ seed: 42, width: 96, height: 64 }), hostB);
      const c = await run(txt2imgGraph({ seed: 43, width: 96, height: 64 }), hostC);
      const [bytesA, bytesB, bytesC] = [await imageBytes(hostA, a), await imageBytes(hostB, b), await imageBytes(hostC, c)];
      expect(Buffer.from(bytesA).equals(Buffer.from(bytesB))).toBeTrue();
      expect(Buffer.from(bytesA).equals(Buffer.from(bytesC))).toBeFalse();
      expect(a.outputsOf('decode')[0]).toEqual(jasmine.objectContaining({ width: 96, height: 64 }));
      const decoded = await rgbOf(bytesA);
      expect([decoded.width, decoded.height]).toEqual([96, 64]);

      const progress = events.filter((event) => event.name === 'invocation_progress' && event.payload.nodeId === 'denoise');
      expect(progress.map((event) => (event.payload as { step?: number }).step)).toEqual([1, 2, 3, 4]);
      for (const event of progress) {
        const preview = (event.payload as { preview?: { width: number; height: number; dataUrl: string } }).preview!;
        expect([preview.width, preview.height]).toEqual([12, 8]);
        const png = await sharp(Buffer.from(preview.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')).metadata();
        expect([png.format, png.width, png.height]).toEqual(['png', 12, 8]);
      }
    });

    for (const scheduler of ['ddim', 'euler_a', 'dpmpp_2m', 'dpmpp_2m_karras']) {
      it(`runs with the ${scheduler} scheduler`, async () => {
        const host = tiny.host();
        const result = await run(txt2imgGraph({ seed: 1, scheduler, steps: 3 }), host);
        const { data } = await rgbOf(await imageBytes(host, result));
        expect(data.length).toBe(64 * 64 * 3);
      });
    }

    it('stops mid-denoise with a canceled error when the run is aborted', async () => {
      const host = tiny.host();
      const controller = new AbortController();
      const steps: number[] = [];
      const result = await run(txt2imgGraph({ seed: 5, steps: 10 }), host, controller.signal, (event) => {
        if (event.name !== 'invocation_progress') return;
        steps.push(event.payload.step!);
        if (event.payload.step === 2) controller.abort();
      });
      expect(result.status).toBe('canceled');
      expect(result.nodeStatus('denoise')).toBe('canceled');
      expect(steps).toEqual([1, 2]);
      expect(result.nodeStatus('decode')).not.toBe('completed');
    });
  });

  describe('node by node', () => {
    let host: MemoryContextHost;
    let positive: ConditioningRef;
    let negative: ConditioningRef;

    const ctx = (signal?: AbortSignal) => createTestContext({ host, signal });

    async function storeImage(png: Buffer, width: number, height: number): Promise<ImageRef> {
      return host.images.save({ data: png, format: 'png', width, height });
    }

    async function decode(latents: TensorRef): Promise<{ data: Buffer; width: number; height: number }> {
      const { image } = await invokeNode(latentsToImage, { vae: part('vae_decoder'), latents }, ctx().ctx);
      return rgbOf(host.images.images.get(image.imageName)!.data);
    }

    beforeAll(async () => {
      host = tiny.host();
      positive = (await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: 'a green field' }, ctx().ctx)).conditioning;
      negative = (await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: '' }, ctx().ctx)).conditioning;
    });

    it('hands on the parts of a main model', async () => {
      const out = await invokeNode(mainModelLoader, { model: MODEL }, ctx().ctx);
      expect(out.unet).toEqual(jasmine.objectContaining({ key: TINY_SD_KEY, submodel: 'unet' }));
      expect(out.vaeDecoder.submodel).toBe('vae_decoder');
      expect(out.vaeEncoder.submodel).toBe('vae_encoder');
      expect(out.clip.submodel).toBe('text_encoder');
    });

    it('encodes a prompt to [1, 77, 768] states, and a long prompt to more windows', async () => {
      const short = await host.conditioning.get(positive);
      expect(short.embeddings[0]!.dims).toEqual([1, 77, 768]);
      expect(short.metadata).toEqual(jasmine.objectContaining({ prompt: 'a green field' }));
      const long = await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: Array(100).fill('house').join(' ') }, ctx().ctx);
      expect((await host.conditioning.get(long.conditioning)).embeddings[0]!.dims).toEqual([1, 154, 768]);
    });

    it('prompt weights change the states', async () => {
      const plain = await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: 'red house' }, ctx().ctx);
      const weighted = await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: '(red:1.5) house' }, ctx().ctx);
      const a = (await host.conditioning.get(plain.conditioning)).embeddings[0]!.data as Float32Array;
      const b = (await host.conditioning.get(weighted.conditioning)).embeddings[0]!.data as Float32Array;
      expect(a.some((value, i) => Math.abs(value - b[i]!) > 1e-3)).toBeTrue();
    });

    it('runs a negative prompt of another length (two UNet calls instead of one batch)', async () => {
      const long = await invokeNode(promptEncode, { clip: part('text_encoder'), prompt: Array(100).fill('tree').join(' ') }, ctx().ctx);
      const { noise } = await invokeNode(noiseNode, { seed: 3, width: 64, height: 64 }, ctx().ctx);
      const out = await invokeNode(denoiseLatents, { unet: part('unet'), positive, negative: long.conditioning, noise, steps: 2 }, ctx().ctx);
      expect((await host.tensors.get(out.latents)).dims).toEqual([1, 4, 8, 8]);
    });

    it('image to image with denoising start 1 returns the init image', async () => {
      const image = await storeImage(await blockyImage(64, 48), 64, 48);
      const { latents } = await invokeNode(imageToLatents, { vae: part('vae_encoder'), image }, ctx().ctx);
      expect((await host.tensors.get(latents)).dims).toEqual([1, 4, 6, 8]);
      const out = await invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, latents, steps: 10, denoisingStart: 1 }, ctx().ctx);
      const original = await rgbOf(host.images.images.get(image.imageName)!.data);
      const decoded = await decode(out.latents);
      expect([decoded.width, decoded.height]).toEqual([64, 48]);
      expect(maxDiff(decoded.data, original.data)).toBeLessThanOrEqual(1);
    });

    it('image to image with strength 0.5 changes the image', async () => {
      const image = await storeImage(await blockyImage(64, 64), 64, 64);
      const { latents } = await invokeNode(imageToLatents, { vae: part('vae_encoder'), image }, ctx().ctx);
      const out = await invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, latents, steps: 6, denoisingStart: 0.5, seed: 9 }, ctx().ctx);
      const decoded = await decode(out.latents);
      const original = await rgbOf(host.images.images.get(image.imageName)!.data);
      expect(maxDiff(decoded.data, original.data)).toBeGreaterThan(5);
    });

    it('inpainting repaints the white of the mask and keeps the black', async () => {
      const image = await storeImage(await blockyImage(64, 64, 11), 64, 64);
      const original = await rgbOf(host.images.images.get(image.imageName)!.data);
      const { latents } = await invokeNode(imageToLatents, { vae: part('vae_encoder'), image }, ctx().ctx);
      const { noise } = await invokeNode(noiseNode, { seed: 4, width: 64, height: 64 }, ctx().ctx);
      // Drawn at twice the image size: resized to the latents.
      const mask = await storeImage(await maskImage(128, 128, (x) => x < 64), 128, 128);
      const out = await invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, latents, noise, mask, steps: 8, denoisingStart: 0 }, ctx().ctx);
      const decoded = await decode(out.latents);
      const region = (data: Buffer, fromX: number, toX: number) => {
        const values: number[] = [];
        for (let y = 0; y < 64; y += 1) for (let x = fromX; x < toX; x += 1) for (let c = 0; c < 3; c += 1) values.push(data[(y * 64 + x) * 3 + c]!);
        return Buffer.from(values);
      };
      // Latent columns 5..7 are fully black in the mask; 0..2 fully white.
      expect(maxDiff(region(decoded.data, 40, 64), region(original.data, 40, 64))).toBeLessThanOrEqual(2);
      expect(maxDiff(region(decoded.data, 0, 24), region(original.data, 0, 24))).toBeGreaterThan(10);
    });

    it('decodes tiled as untiled (the tiny VAE is per pixel)', async () => {
      const { noise } = await invokeNode(noiseNode, { seed: 8, width: 640, height: 576 }, ctx().ctx);
      const scaled = await host.tensors.get(noise);
      const small = (scaled.data as Float32Array).map((v) => v * 0.05);
      const latents = await host.tensors.save({ ...scaled, data: small });
      const whole = await invokeNode(latentsToImage, { vae: part('vae_decoder'), latents, tiled: false }, ctx().ctx);
      const tiled = await invokeNode(latentsToImage, { vae: part('vae_decoder'), latents, tiled: true }, ctx().ctx);
      expect([tiled.width, tiled.height]).toEqual([640, 576]);
      const a = await rgbOf(host.images.images.get(whole.image.imageName)!.data);
      const b = await rgbOf(host.images.images.get(tiled.image.imageName)!.data);
      expect(maxDiff(a.data, b.data)).toBeLessThanOrEqual(1);
    });

    it('resizes latents for a second pass', async () => {
      const { noise } = await invokeNode(noiseNode, { seed: 8, width: 64, height: 64 }, ctx().ctx);
      for (const mode of ['nearest', 'bilinear'] as const) {
        const out = await invokeNode(resizeLatents, { latents: noise, width: 128, height: 96, mode }, ctx().ctx);
        expect((await host.tensors.get(out.latents)).dims).toEqual([1, 4, 12, 16]);
        expect([out.width, out.height]).toEqual([128, 96]);
      }
    });

    it('throws CanceledError when the signal is aborted between steps', async () => {
      const controller = new AbortController();
      const test = createTestContext({ host, signal: controller.signal });
      const { noise } = await invokeNode(noiseNode, { seed: 3, width: 64, height: 64 }, ctx().ctx);
      const origin = test.ctx.progress.bind(test.ctx);
      const context = Object.create(test.ctx, {
        progress: { value: (update: { step?: number }) => (origin(update as never), update.step === 1 && controller.abort()) },
      }) as typeof test.ctx;
      await expectAsync(invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, noise, steps: 5 }, context)).toBeRejectedWithError(CanceledError);
      expect(test.progress.length).toBe(1);
    });

    describe('refuses bad input', () => {
      it('a width that is not a multiple of 8', async () => {
        await expectNodeError(() => invokeNode(noiseNode, { seed: 1, width: 100, height: 64 }, ctx().ctx), 'invalid_size', 'width');
        await expectNodeError(() => invokeNode(resizeLatents, { latents: { tensorName: 'x' }, width: 64, height: 60 }, ctx().ctx), 'invalid_size', 'height');
      });

      it('an image to encode that is not a multiple of 8', async () => {
        const image = await storeImage(await maskImage(60, 64, () => true), 60, 64);
        await expectNodeError(() => invokeNode(imageToLatents, { vae: part('vae_encoder'), image }, ctx().ctx), 'invalid_size', 'image');
      });

      it('an unknown scheduler', async () => {
        const { noise } = await invokeNode(noiseNode, { seed: 1, width: 64, height: 64 }, ctx().ctx);
        await expectNodeError(
          () => invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, noise, scheduler: 'lms' as never }, ctx().ctx),
          'unknown_scheduler',
          'scheduler',
        );
      });

      it('a prompt over three windows', async () => {
        await expectNodeError(
          () => invokeNode(promptEncode, { clip: part('text_encoder'), prompt: Array(300).fill('house').join(' ') }, ctx().ctx),
          'prompt_too_long',
          'prompt',
        );
      });

      it('a mask of another shape than the latents', async () => {
        const image = await storeImage(await blockyImage(64, 64), 64, 64);
        const { latents } = await invokeNode(imageToLatents, { vae: part('vae_encoder'), image }, ctx().ctx);
        const mask = await storeImage(await maskImage(64, 32, () => true), 64, 32);
        await expectNodeError(() => invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, latents, mask }, ctx().ctx), 'size_mismatch', 'mask');
      });

      it('a mask without init latents, and no noise nor latents', async () => {
        const { noise } = await invokeNode(noiseNode, { seed: 1, width: 64, height: 64 }, ctx().ctx);
        const mask = await storeImage(await maskImage(64, 64, () => true), 64, 64);
        await expectNodeError(() => invokeNode(denoiseLatents, { unet: part('unet'), positive, negative, noise, mask }, ctx().ctx), 'latents_required', 'mask');
        await expectNodeError(() => invokeNode(denoiseLatents, { unet: part('unet'), positive, negative }, ctx().ctx), 'noise_required', 'noise');
      });

      it('a model that is not a main model, and the wrong part of one', async () => {
        await expectNodeError(() => invokeNode(mainModelLoader, { model: { key: OCR_KEY } }, ctx().ctx), 'wrong_model_type', 'model');
        await expectNodeError(() => invokeNode(promptEncode, { clip: { key: OCR_KEY }, prompt: 'x' }, ctx().ctx), 'wrong_model_type', 'clip');
        const { noise } = await invokeNode(noiseNode, { seed: 1, width: 64, height: 64 }, ctx().ctx);
        await expectNodeError(() => invokeNode(latentsToImage, { vae: part('vae_encoder'), latents: noise }, ctx().ctx), 'wrong_submodel', 'vae');
      });

      it('an SDXL pipeline, which the manager registers but these nodes do not run yet', async () => {
        const sdxl = new MemoryContextHost(
          new Map([['sdxl', { info: { key: 'sdxl', name: 'Some SDXL', base: 'sdxl', type: 'main', format: 'onnx', sizeBytes: 0 }, load: () => Promise.reject(new RangeError('unused')) }]]),
        );
        const { ctx: context } = createTestContext({ host: sdxl });
        const error = await rejectionOf(invokeNode(mainModelLoader, { model: { key: 'sdxl' } }, context));
        expect(error).toEqual(jasmine.objectContaining({ code: 'unsupported_model_base', field: 'model' }));
        expect((error as Error).message).toContain('"Some SDXL" given to "model" is an SDXL pipeline');
      });
    });

  });
});

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i += 1) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

