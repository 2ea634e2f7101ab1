/**
 * The noise-schedule math the schedulers share, as in diffusers: betas and alphas_cumprod of the
 * training schedule, inference timesteps per spacing mode, sigmas, Karras sigmas and the mapping
 * from a sigma back to a (fractional) timestep. Computed in float64: diffusers computes the same
 * formulas in float32, so values agree to about 1e-6 relative.
 */
import { NodeError } from '@pinksea/node-sdk';
import type { SchedulerConfig } from './scheduler-config';

/** Python's and numpy's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** torch.linspace / np.linspace: `count` values from start to end inclusive. */
export function linspace(start: number, end: number, count: number): number[] {
  if (count === 1) return [start];
  const step = (end - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? end : start + i * step));
}

/** The training betas: trained_betas, or the named schedule. */
export function betasFor(config: SchedulerConfig): Float64Array {
  const n = config.numTrainTimesteps;
  if (config.trainedBetas) return Float64Array.from(config.trainedBetas);
  const betas = new Float64Array(n);
  if (config.betaSchedule === 'linear') {
    const values = linspace(config.betaStart, config.betaEnd, n);
    for (let i = 0; i < n; i += 1) betas[i] = values[i]!;
  } else if (config.betaSchedule === 'scaled_linear') {
    const values = linspace(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), n);
    for (let i = 0; i < n; i += 1) betas[i] = values[i]! * values[i]!;
  } else {
    // betas_for_alpha_bar with the cosine alpha_bar of improved DDPM, capped at 0.999.
    const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i += 1) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  }
  return betas;
}

/** rescale_zero_terminal_snr: shifts the schedule so the last timestep is pure noise. */
function rescaleZeroTerminalSnr(alphasCumprod: Float64Array): Float64Array {
  const n = alphasCumprod.length;
  const sqrtBar = alphasCumprod.map(Math.sqrt);
  const first = sqrtBar[0]!;
  const last = sqrtBar[n - 1]!;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const scaled = ((sqrtBar[i]! - last) * first) / (first - last);
    out[i] = scaled * scaled;
  }
  return out;
}

/** cumprod(1 - betas), rescaled to zero terminal SNR when the config asks. */
export function alphasCumprodFor(config: SchedulerConfig): Float64Array {
  const betas = betasFor(config);
  const out = new Float64Array(betas.length);
  let product = 1;
  for (let i = 0; i < betas.length; i += 1) {
    product *= 1 - betas[i]!;
    out[i] = product;
  }
  return config.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(out) : out;
}

/** sqrt((1 - ab) / ab) per training timestep: the noise level in the variance-exploding view. */
export function sigmasFromAlphasCumprod(alphasCumprod: Float64Array): Float64Array {
  return alphasCumprod.map((ab) => Math.sqrt((1 - ab) / ab));
}

/** The alphas_cumprod that a sigma stands for. */
export function alphaCumprodOfSigma(sigma: number): number {
  return 1 / (1 + sigma * sigma);
}

/**
 * Inference timesteps for `steps` steps, high to low, as DDIM, Euler and Euler ancestral compute
 * them. `roundLinspace` is false for Euler, whose linspace timesteps stay fractional.
 */
export function spacedTimesteps(config: SchedulerConfig, steps: number, roundLinspace: boolean): number[] {
  const n = config.numTrainTimesteps;
  if (config.timestepSpacing === 'linspace') {
    const values = linspace(0, n - 1, steps).reverse();
    return roundLinspace ? values.map(roundHalfEven) : values;
  }
  if (config.timestepSpacing === 'leading') {
    const ratio = Math.floor(n / steps);
    return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + config.stepsOffset);
  }
  return trailingTimesteps(n, steps);
}

/** 'trailing': round(arange(n, 0, -n/steps)) - 1. */
export function trailingTimesteps(n: number, steps: number): number[] {
  const ratio = n / steps;
  return Array.from({ length: steps }, (_, i) => roundHalfEven(n - i * ratio) - 1);
}

/** np.interp(t, arange(len), values) for one t. */
export function interpolate(values: ArrayLike<number>, t: number): number {
  const last = values.length - 1;
  if (t <= 0) return values[0]!;
  if (t >= last) return values[last]!;
  const low = Math.floor(t);
  const w = t - low;
  return w === 0 ? values[low]! : values[low]! * (1 - w) + values[low + 1]! * w;
}

/** Karras et al. (2022) sigmas, rho = 7, from sigmaMax down to sigmaMin. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, steps: number, rho = 7): number[] {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, steps).map((ramp) => (maxInv + ramp * (minInv - maxInv)) ** rho);
}

/**
 * diffusers' _sigma_to_t: the fractional training timestep of a sigma, by linear interpolation
 * of log-sigma between the two neighbouring training timesteps (logSigmas rises with t).
 */
export function sigmaToTimestep(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let lowIndex = 0;
  for (let i = 0; i < logSigmas.length; i += 1) {
    if (logSigma - logSigmas[i]! >= 0) lowIndex = i;
    else break;
  }
  lowIndex = Math.min(lowIndex, logSigmas.length - 2);
  const low = logSigmas[lowIndex]!;
  const high = logSigmas[lowIndex + 1]!;
  const w = Math.min(Math.max((low - logSigma) / (low - high), 0), 1);
  return (1 - w) * lowIndex + w * (lowIndex + 1);
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new NodeError('invalid_steps', `"steps" must be a whole number of at least 1; got ${steps}.`, { field: 'steps' });
  }
}

/** Which steps of the full schedule a run keeps: denoise start/end as fractions of the steps. */
export interface DenoiseRange {
  /** 0..1; image-to-image with strength s starts at 1 - s. Default 0. */
  readonly denoiseStart?: number;
  /** 0..1; a run that hands on to another stops early. Default 1. */
  readonly denoiseEnd?: number;
}

/** Full-schedule step indices [start, end) that a run keeps: round(steps * fraction). */
export function keptStepRange(steps: number, range: DenoiseRange = {}): { start: number; end: number } {
  checkSteps(steps);
  const denoiseStart = range.denoiseStart ?? 0;
  const denoiseEnd = range.denoiseEnd ?? 1;
  const inUnit = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 1;
  if (!inUnit(denoiseStart)) {
    throw new NodeError('invalid_denoise_range', `"denoising_start" must be between 0 and 1; got ${denoiseStart}.`, { field: 'denoising_start' });
  }
  if (!inUnit(denoiseEnd) || denoiseEnd < denoiseStart) {
    throw new NodeError(
      'invalid_denoise_range',
      `"denoising_end" must be between "denoising_start" (${denoiseStart}) and 1; got ${denoiseEnd}.`,
      { field: 'denoising_end' },
    );
  }
  return { start: Math.round(steps * denoiseStart), end: Math.round(steps * denoiseEnd) };
}

/** Steps must be a whole number from 1 up to the training timesteps (diffusers refuses more). */
export function checkStepsFit(config: SchedulerConfig, steps: number): void {
  checkSteps(steps);
  if (steps > config.numTrainTimesteps) {
    throw new NodeError(
      'invalid_steps',
      `"steps" is ${steps}, more than the model's ${config.numTrainTimesteps} training timesteps.`,
      { field: 'steps' },
    );
  }
}

/** Refuses a schedule whose timesteps fall outside training (a large steps_offset with many steps). */
export function checkTimestepsInRange(config: SchedulerConfig, timesteps: readonly number[]): void {
  const bad = timesteps.find((t) => !(t >= 0 && t <= config.numTrainTimesteps - 1));
  if (bad !== undefined) {
    throw new NodeError(
      'invalid_steps',
      `With these steps the schedule reaches timestep ${bad}, outside the model's 0..${config.numTrainTimesteps - 1}; use fewer steps.`,
      { field: 'steps' },
    );
  }
}
