/**
 * The interface every sampler of the diffusion loop implements, and the base that keeps the part
 * of the full schedule a run uses (denoise start/end). Samples are Float32Arrays of latents in
 * the scheduler's own space (Euler's are scaled by sqrt(sigma^2 + 1) relative to DDIM's); step
 * indices count the kept steps, 0 .. timesteps.length - 1.
 */
import { keptStepRange, type DenoiseRange } from './schedule';
import type { SchedulerName } from './scheduler-names';

export { SCHEDULER_NAMES, type SchedulerName } from './scheduler-names';

export interface Scheduler {
  readonly name: SchedulerName;
  /** The model timesteps of the kept steps, high to low (fractional for some Euler schedules). */
  readonly timesteps: readonly number[];
  /**
   * The noise level sqrt((1 - ab) / ab) before each kept step and after the last one:
   * timesteps.length + 1 values. For progress previews and for tests.
   */
  readonly sigmas: readonly number[];
  /** Multiply unit Gaussian noise by this to start text-to-image from pure noise. */
  readonly initNoiseSigma: number;
  /** The UNet's input for a step. May return `sample` itself; do not write into the result. */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  /**
   * One step back in time: the sample for step stepIndex + 1, as a new array. Steps must run in
   * order (multistep solvers remember the previous output). Euler ancestral draws `noise()`.
   */
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise?: () => Float32Array): Float32Array;
  /**
   * `original` noised to the level of timesteps[stepIndex], as a new array. stepIndex equal to
   * timesteps.length means the level after the last kept step: a copy of `original` when the
   * run reaches the end of the schedule, else the level of the next step of the full schedule.
   */
  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array;
}

/** Noisy = signal * original + noise * noise at one point of the full schedule. */
export interface NoiseLevel {
  readonly signal: number;
  readonly noise: number;
}

/**
 * Holds the full schedule of `steps` steps and exposes the kept slice. Subclasses give the full
 * timesteps and sigmas (steps + 1 values) and how to noise a sample at a full-schedule index.
 */
export abstract class KeptRangeScheduler implements Scheduler {
  abstract readonly name: SchedulerName;
  abstract readonly initNoiseSigma: number;
  readonly timesteps: readonly number[];
  readonly sigmas: readonly number[];
  /** Full-schedule index of kept step 0. */
  protected readonly start: number;
  /** Steps in the full schedule. */
  protected readonly fullSteps: number;

  protected constructor(fullTimesteps: readonly number[], fullSigmas: readonly number[], range: DenoiseRange | undefined) {
    const { start, end } = keptStepRange(fullTimesteps.length, range);
    this.start = start;
    this.fullSteps = fullTimesteps.length;
    this.timesteps = Object.freeze(fullTimesteps.slice(start, end));
    this.sigmas = Object.freeze(fullSigmas.slice(start, end + 1));
  }

  /** The signal and noise factors at a full-schedule index (0 .. fullSteps - 1). */
  protected abstract noiseLevelAt(fullIndex: number): NoiseLevel;

  abstract step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, noise?: () => Float32Array): Float32Array;

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    this.checkStepIndex(stepIndex);
    return sample;
  }

  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array {
    checkSameLength(original, noise, 'noise');
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex > this.timesteps.length) {
      throw new RangeError(`addNoise: step index ${stepIndex} is outside 0..${this.timesteps.length}`);
    }
    const fullIndex = this.start + stepIndex;
    if (fullIndex >= this.fullSteps) return original.slice();
    const { signal, noise: noiseFactor } = this.noiseLevelAt(fullIndex);
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i += 1) out[i] = signal * original[i]! + noiseFactor * noise[i]!;
    return out;
  }

  /** Throws for a step index outside the kept steps; returns its full-schedule index. */
  protected checkStepIndex(stepIndex: number): number {
    if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= this.timesteps.length) {
      throw new RangeError(`step index ${stepIndex} is outside 0..${this.timesteps.length - 1}`);
    }
    return this.start + stepIndex;
  }
}

export function checkSameLength(sample: Float32Array, other: Float32Array, what: string): void {
  if (other.length !== sample.length) {
    throw new RangeError(`${what} has ${other.length} values but the sample has ${sample.length}`);
  }
}

