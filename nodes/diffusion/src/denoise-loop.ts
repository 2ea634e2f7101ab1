/**
 * The sampling loop, free of storage and ONNX: start latents from noise (text-to-image) or from
 * noised init latents (image-to-image), one guided prediction and scheduler step per kept timestep,
 * and, for inpainting, the kept area put back at the matching noise level after every step.
 */
import type { Scheduler } from './schedulers';

export interface DenoiseLoopOptions {
  readonly scheduler: Scheduler;
  /** The guided noise prediction for the scaled sample at a timestep. */
  predict(sample: Float32Array, timestep: number): Promise<Float32Array>;
  /** Unit Gaussian noise; required without `init` (and with `init` when any step runs). */
  readonly noise?: Float32Array;
  /** Init latents for image-to-image and inpainting. */
  readonly init?: Float32Array;
  /**
   * One value per latent cell (height × width), shared by the channels: 1 repaints, 0 keeps
   * `init`. Needs `init`.
   */
  readonly mask?: Float32Array;
  /** Fresh noise for ancestral samplers. */
  readonly stepNoise?: () => Float32Array;
  /** Called after every step with the new latents: progress, previews, cancellation. */
  afterStep?(step: number, total: number, latents: Float32Array): Promise<void> | void;
}

export async function runDenoiseLoop(options: DenoiseLoopOptions): Promise<Float32Array> {
  const { scheduler, noise, init, mask } = options;
  const total = scheduler.timesteps.length;
  let latents: Float32Array;
  if (init === undefined) {
    if (noise === undefined) throw new RangeError('runDenoiseLoop: text-to-image needs noise');
    latents = noise.map((value) => value * scheduler.initNoiseSigma);
  } else if (total === 0 || noise === undefined) {
    latents = init.slice();
  } else {
    latents = scheduler.addNoise(init, noise, 0);
  }
  if (total > 0 && noise === undefined) throw new RangeError('runDenoiseLoop: denoising needs noise');

  for (let i = 0; i < total; i += 1) {
    const input = scheduler.scaleModelInput(latents, i);
    const prediction = await options.predict(input, scheduler.timesteps[i]!);
    latents = scheduler.step(prediction, i, latents, options.stepNoise);
    if (mask !== undefined && init !== undefined) blendKept(latents, scheduler.addNoise(init, noise!, i + 1), mask);
    await options.afterStep?.(i + 1, total, latents);
  }
  return latents;
}

/** latents = mask · latents + (1 − mask) · kept, in place; the mask is one plane for every channel. */
export function blendKept(latents: Float32Array, kept: Float32Array, mask: Float32Array): void {
  const plane = mask.length;
  for (let i = 0; i < latents.length; i += 1) {
    const m = mask[i % plane]!;
    latents[i] = m * latents[i]! + (1 - m) * kept[i]!;
  }
}
