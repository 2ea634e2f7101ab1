/**
 * Euler (diffusers EulerDiscreteScheduler, s_churn 0) and the base it shares with Euler ancestral:
 * sigmas interpolated at the (possibly fractional) timesteps, a final sigma of 0, samples in the
 * variance-exploding space x = x0 + sigma * eps, and model inputs scaled by 1 / sqrt(sigma^2 + 1).
 */
import {
  alphasCumprodFor,
  checkStepsFit,
  checkTimestepsInRange,
  interpolate,
  karrasSigmas,
  sigmasFromAlphasCumprod,
  sigmaToTimestep,
  spacedTimesteps,
  type DenoiseRange,
} from './schedule';
import type { PredictionType, SchedulerConfig } from './scheduler-config';
import { checkSameLength, KeptRangeScheduler, type NoiseLevel } from './scheduler';

interface EulerSchedule {
  readonly timesteps: number[];
  /** steps + 1 values, the last 0. */
  readonly sigmas: number[];
}

/** Timesteps and sigmas as EulerDiscreteScheduler.set_timesteps computes them. */
export function eulerSchedule(config: SchedulerConfig, steps: number, karras: boolean): EulerSchedule {
  checkStepsFit(config, steps);
  let timesteps = spacedTimesteps(config, steps, false);
  checkTimestepsInRange(config, timesteps);
  const trainingSigmas = sigmasFromAlphasCumprod(alphasCumprodFor(config));
  let sigmas = timesteps.map((t) => interpolate(trainingSigmas, t));
  if (karras) {
    sigmas = karrasSigmas(sigmas[sigmas.length - 1]!, sigmas[0]!, steps);
    const logSigmas = trainingSigmas.map(Math.log);
    timesteps = sigmas.map((sigma) => sigmaToTimestep(sigma, logSigmas));
  }
  sigmas.push(0);
  return { timesteps, sigmas };
}

/** x0 from the model output at noise level sigma, in the variance-exploding view. */
export function eulerPredictX0(prediction: PredictionType, modelOutput: number, sample: number, sigma: number): number {
  if (prediction === 'epsilon') return sample - sigma * modelOutput;
  if (prediction === 'v_prediction') return modelOutput * (-sigma / Math.sqrt(sigma * sigma + 1)) + sample / (sigma * sigma + 1);
  return modelOutput;
}

export abstract class EulerFamilyScheduler extends KeptRangeScheduler {
  readonly initNoiseSigma: number;
  protected readonly config: SchedulerConfig;
  protected readonly fullSigmas: readonly number[];

  protected constructor(config: SchedulerConfig, schedule: EulerSchedule, range: DenoiseRange | undefined) {
    super(schedule.timesteps, schedule.sigmas, range);
    this.config = config;
    this.fullSigmas = schedule.sigmas;
    const maxSigma = Math.max(...schedule.sigmas);
    // diffusers: the first sample of 'leading' spacing is scaled as if it were VP noise.
    this.initNoiseSigma = config.timestepSpacing === 'leading' ? Math.sqrt(maxSigma * maxSigma + 1) : maxSigma;
  }

  override scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    const sigma = this.fullSigmas[this.checkStepIndex(stepIndex)]!;
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i += 1) out[i] = sample[i]! * scale;
    return out;
  }

  protected noiseLevelAt(fullIndex: number): NoiseLevel {
    return { signal: 1, noise: this.fullSigmas[fullIndex]! };
  }
}

export class EulerScheduler extends EulerFamilyScheduler {
  readonly name = 'euler' as const;

  constructor(config: SchedulerConfig, steps: number, range?: DenoiseRange, karras = false) {
    super(config, eulerSchedule(config, steps, karras), range);
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array): Float32Array {
    const fullIndex = this.checkStepIndex(stepIndex);
    checkSameLength(sample, modelOutput, 'modelOutput');
    const sigma = this.fullSigmas[fullIndex]!;
    const dt = this.fullSigmas[fullIndex + 1]! - sigma;
    const prediction = this.config.predictionType;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i += 1) {
      const x = sample[i]!;
      const derivative = (x - eulerPredictX0(prediction, modelOutput[i]!, x, sigma)) / sigma;
      out[i] = x + derivative * dt;
    }
    return out;
  }
}
