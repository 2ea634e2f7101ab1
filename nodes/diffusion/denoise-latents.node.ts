import { defineNode, field, NodeError, output, type ConditioningRef, type NodeContext, type ProgressPreview } from '@pinksea/node-sdk';
import { throwIfCanceled } from '@pinksea/nodes-image/image-io';
import { runDenoiseLoop } from './src/denoise-loop';
import { readLatentMask } from './src/latent-mask';
import { latentsPreviewRgb, readLatents, saveLatents, type Latents } from './src/latents';
import { gaussianNoise, gaussianNoiseSource } from './src/noise';
import { createScheduler, parseSchedulerConfig, SCHEDULER_NAMES, type Scheduler } from './src/schedulers';
import { LATENT_CHANNELS, VAE_FACTOR } from './src/sd-constants';
import { encodeRgbPng } from './src/preview-png';
import { loadPart, mainModelInfo, readModelJson } from './src/sd-model';
import { UnetRunner, type TextStates } from './src/unet-runner';

/** Ancestral step noise is drawn from the seed moved by this, so it never repeats the start noise. */
const STEP_NOISE_SEED_OFFSET = 0x9e3779b9;

export default defineNode({
  type: 'diffusion.denoise_latents',
  title: 'Denoise Latents',
  description:
    'Runs the Stable Diffusion sampler: from noise to a picture that fits the prompts (text to image), from given latents (image to image), or only inside a mask (inpainting). Shows a small preview after every step.',
  category: 'generation',
  tags: ['stable diffusion', 'denoise', 'sampler', 'scheduler', 'txt2img', 'img2img', 'inpaint', 'cfg'],
  version: '1.0.0',
  needs: { gpu: true, models: ['main'] },
  inputs: {
    unet: field.model({ title: 'UNet', description: 'The denoising network, from the model loader', input: 'connection' }),
    positive: field.conditioning({ title: 'Positive conditioning', description: 'What to draw: the output of a Prompt node', input: 'connection' }),
    negative: field.conditioning({ title: 'Negative conditioning', description: 'What to steer away from: the output of a Prompt node (an empty prompt works)', input: 'connection' }),
    noise: field.latents({
      title: 'Noise',
      description: 'The noise to start from; needed for text to image. Image to image draws it from the seed when not given',
      input: 'connection',
      optional: true,
    }),
    latents: field.latents({ title: 'Latents', description: 'Init latents for image to image and inpainting', input: 'connection', optional: true }),
    mask: field.image({ title: 'Mask', description: 'Where to repaint: white is redrawn, black kept from the init latents (needs latents)', optional: true }),
    steps: field.integer({ title: 'Steps', description: 'Sampler steps over the whole schedule; more is slower and finer', default: 20, minimum: 1, maximum: 200, ui: { order: 1 } }),
    cfgScale: field.float({ title: 'CFG scale', description: 'How strongly to follow the prompt (classifier-free guidance); 1 ignores the negative prompt', default: 7.5, minimum: 1, maximum: 50, ui: { order: 2 } }),
    scheduler: field.enum(SCHEDULER_NAMES, { title: 'Scheduler', description: 'The sampler that steps through the noise schedule', default: 'euler', ui: { order: 3 } }),
    denoisingStart: field.float({ title: 'Denoising start', description: 'Where in the schedule to begin: 0 for text to image, 1 − strength for image to image', default: 0, minimum: 0, maximum: 1, ui: { order: 4 } }),
    denoisingEnd: field.float({ title: 'Denoising end', description: 'Where in the schedule to stop: 1 finishes the image', default: 1, minimum: 0, maximum: 1, ui: { order: 5 } }),
    seed: field.seed({ description: 'Seeds the fresh noise of ancestral samplers (euler_a), and image-to-image noise when none is connected', ui: { order: 6 } }),
  },
  outputs: {
    latents: output.latents({ title: 'Latents', description: 'The denoised latents' }),
    width: output.integer({ title: 'Width', description: 'Width of the image they decode to, in pixels' }),
    height: output.integer({ title: 'Height', description: 'Height of the image they decode to, in pixels' }),
  },
  async invoke(inputs, ctx) {
    const { unet, steps, cfgScale, denoisingStart, denoisingEnd, seed } = inputs;
    if (!(denoisingStart >= 0 && denoisingStart <= 1)) {
      throw new NodeError('invalid_denoise_range', `"denoisingStart" must be between 0 and 1; got ${denoisingStart}.`, { field: 'denoisingStart' });
    }
    if (!(denoisingEnd >= denoisingStart && denoisingEnd <= 1)) {
      throw new NodeError('invalid_denoise_range', `"denoisingEnd" must be between "denoisingStart" (${denoisingStart}) and 1; got ${denoisingEnd}.`, { field: 'denoisingEnd' });
    }
    if (!(cfgScale >= 1 && Number.isFinite(cfgScale))) throw new NodeError('invalid_value', `"cfgScale" must be at least 1; got ${cfgScale}.`, { field: 'cfgScale' });
    await mainModelInfo(ctx, unet, 'unet');
    const config = parseSchedulerConfig(await readModelJson(ctx, { key: unet.key }, 'scheduler/scheduler_config.json', 'unet'), { field: 'unet' });
    const scheduler = createScheduler(inputs.scheduler, config, steps, { denoiseStart: denoisingStart, denoiseEnd: denoisingEnd });

    const init = inputs.latents ? await readLatents(ctx, inputs.latents, 'latents') : undefined;
    let noise = inputs.noise ? await readLatents(ctx, inputs.noise, 'noise') : undefined;
    if (!init && !noise) throw new NodeError('noise_required', 'Connect "noise" (from a Noise node) for text to image, or "latents" for image to image.', { field: 'noise' });
    const shape = (init ?? noise)!;
    if (init && noise && (noise.width !== init.width || noise.height !== init.height)) {
      throw new NodeError(
        'size_mismatch',
        `"noise" is for a ${noise.width * VAE_FACTOR}×${noise.height * VAE_FACTOR} image but "latents" for ${init.width * VAE_FACTOR}×${init.height * VAE_FACTOR}; make the noise the same size.`,
        { field: 'noise' },
      );
    }
    if (init && !noise && scheduler.timesteps.length > 0) noise = { ...shape, data: gaussianNoise(seed, [1, LATENT_CHANNELS, shape.height, shape.width]) };
    if (inputs.mask && !init) throw new NodeError('latents_required', 'Inpainting with a mask needs the init "latents" of the image to repaint.', { field: 'mask' });
    const mask = inputs.mask ? await readLatentMask(ctx, inputs.mask, shape.width, shape.height, 'mask') : undefined;

    const positive = await readStates(ctx, inputs.positive, 'positive');
    const negative = await readStates(ctx, inputs.negative, 'negative');
    if (positive.hidden !== negative.hidden) {
      throw new NodeError('conditioning_mismatch', `"negative" has ${negative.hidden} features per token but "positive" ${positive.hidden}; encode both with the same model.`, { field: 'negative' });
    }
    const runner = new UnetRunner(await loadPart(ctx, unet, 'unet', 'unet'), 'unet');
    const dims = [1, LATENT_CHANNELS, shape.height, shape.width];
    throwIfCanceled(ctx);

    const previews = new PreviewQueue(ctx);
    let data: Float32Array;
    try {
      data = await runDenoiseLoop({
        scheduler,
        noise: noise?.data,
        init: init?.data,
        mask,
        stepNoise: gaussianNoiseSource((seed + STEP_NOISE_SEED_OFFSET) % 2 ** 32, dims),
        predict: (sample, timestep) => {
          throwIfCanceled(ctx);
          return runner.predict(sample, dims, timestep, positive, negative, cfgScale);
        },
        afterStep: (step, total, latents) => {
          throwIfCanceled(ctx);
          previews.add(step, total, { ...shape, data: latents }, previewScale(scheduler, step));
        },
      });
    } finally {
      // Every started preview is saved (or has failed) before the node ends, canceled or not.
      await previews.settled();
    }
    // A cancel seen only by a late progress event (the loop may finish first) still cancels.
    throwIfCanceled(ctx);
    previews.throwIfFailed();
    const latents = await saveLatents(ctx, { ...shape, data });
    return { latents, width: shape.width * VAE_FACTOR, height: shape.height * VAE_FACTOR };
  },
});

async function readStates(ctx: NodeContext, ref: ConditioningRef, field: string): Promise<TextStates> {
  const conditioning = await ctx.conditioning.get(ref).catch((error: unknown) => {
    if (error instanceof NodeError && error.field === undefined) throw new NodeError(error.code, error.message, { field, kind: error.kind });
    throw error;
  });
  const tensor = conditioning.embeddings[0];
  if (!tensor || tensor.dtype !== 'float32' || tensor.dims.length !== 3 || tensor.dims[0] !== 1) {
    const got = tensor ? `${tensor.dtype} [${tensor.dims.join(', ')}]` : 'no embeddings';
    throw new NodeError('invalid_conditioning', `"${field}" must hold text-encoder states, float32 [1, tokens, features]; got ${got}.`, { field });
  }
  return { data: tensor.data as Float32Array, sequence: tensor.dims[1]!, hidden: tensor.dims[2]! };
}

/** Euler-family samples carry sigma times the noise (init sigma > 1); bring them near unit scale. */
function previewScale(scheduler: Scheduler, step: number): number {
  if (scheduler.initNoiseSigma <= 1) return 1;
  const sigma = scheduler.sigmas[step] ?? 0;
  return 1 / Math.sqrt(sigma * sigma + 1);
}

/**
 * Step previews off the sampler's critical path: each step's preview is encoded and saved while
 * the next UNet call runs, and its progress event follows the previous step's, so events still
 * come one per step and in step order. Once the run is canceled no more progress is emitted.
 */
class PreviewQueue {
  private chain: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly ctx: NodeContext) {}

  /** Starts the preview of the latents after `step`; the pixels are taken now, the latents may change after. */
  add(step: number, total: number, latents: Latents, scale: number): void {
    this.throwIfFailed();
    const saving = encodePreview(latentsPreviewRgb(latents, scale), latents.width, latents.height);
    // Handled here, so a failure waiting behind slower steps is never an unhandled rejection.
    saving.catch(() => undefined);
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const preview = await saving;
        if (!this.ctx.signal.aborted) this.ctx.progress({ step, total, preview, message: `Denoising, step ${step} of ${total}` });
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  settled(): Promise<void> {
    return this.chain;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/** One pixel per latent cell, as a small PNG carried in the progress event (never stored). */
async function encodePreview(rgb: Buffer, width: number, height: number): Promise<ProgressPreview> {
  return { width, height, dataUrl: `data:image/png;base64,${encodeRgbPng(rgb, width, height).toString('base64')}` };
}
