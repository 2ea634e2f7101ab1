/**
 * DDIM (diffusers DDIMScheduler) with eta = 0: deterministic. Each step predicts x0 and the noise
 * and moves to the previous timestep, timestep - num_train_timesteps // steps, whatever the spacing.
 */
import { alphasCumprodFor, checkStepsFit, checkTimestepsInRange, spacedTimesteps, type DenoiseRange } from './schedule';
import type { SchedulerConfig } from './scheduler-config';
import { checkSameLength, KeptRangeScheduler, type NoiseLevel } from './scheduler';

export class DdimScheduler extends KeptRangeScheduler {
  readonly name = 'ddim' as const;
  readonly initNoiseSigma = 1;
  private readonly config: SchedulerConfig;
  private readonly alphasCumprod: Float64Array;
  private readonly fullTimesteps: readonly number[];
  private readonly finalAlphaCumprod: number;
  private readonly stepRatio: number;

  constructor(config: SchedulerConfig, steps: number, range?: DenoiseRange) {
    checkStepsFit(config, steps);
    const alphasCumprod = alphasCumprodFor(config);
    const timesteps = spacedTimesteps(config, steps, true);
    checkTimestepsInRange(config, timesteps);
    const finalAlphaCumprod = config.setAlphaToOne ? 1 : alphasCumprod[0]!;
    const stepRatio = Math.floor(config.numTrainTimesteps / steps);
    const alphaPrev = (t: number): number => (t - stepRatio >= 0 ? alphasCumprod[t - stepRatio]! : finalAlphaCumprod);
    const sigmaOf = (ab: number): number => Math.sqrt((1 - ab) / ab);
    const sigmas = timesteps.map((t) => sigmaOf(alphasCumprod[t]!));
    if (timesteps.length > 0) sigmas.push(sigmaOf(alphaPrev(timesteps[timesteps.length - 1]!)));
    super(timesteps, sigmas, range);
    this.config = config;
    this.alphasCumprod = alphasCumprod;
    this.fullTimesteps = timesteps;
    this.finalAlphaCumprod = finalAlphaCumprod;
    this.stepRatio = stepRatio;
  }

  protected noiseLevelAt(fullIndex: number): NoiseLevel {
    const ab = this.alphasCumprod[this.fullTimesteps[fullIndex]!]!;
    return { signal: Math.sqrt(ab), noise: Math.sqrt(1 - ab) };
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array): Float32Array {
    const fullIndex = this.checkStepIndex(stepIndex);
    checkSameLength(sample, modelOutput, 'modelOutput');
    const t = this.fullTimesteps[fullIndex]!;
    const prev = t - this.stepRatio;
    const abT = this.alphasCumprod[t]!;
    const abPrev = prev >= 0 ? this.alphasCumprod[prev]! : this.finalAlphaCumprod;
    const sqrtAb = Math.sqrt(abT);
    const sqrtBeta = Math.sqrt(1 - abT);
    const sqrtAbPrev = Math.sqrt(abPrev);
    const direction = Math.sqrt(1 - abPrev);
    const clip = this.config.clipSample ? this.config.clipSampleRange : Infinity;
    const prediction = this.config.predictionType;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i += 1) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      let x0: number;
      let eps: number;
      if (prediction === 'epsilon') {
        x0 = (x - sqrtBeta * m) / sqrtAb;
        eps = m;
      } else if (prediction === 'v_prediction') {
        x0 = sqrtAb * x - sqrtBeta * m;
        eps = sqrtAb * m + sqrtBeta * x;
      } else {
        x0 = m;
        eps = (x - sqrtAb * m) / sqrtBeta;
      }
      if (x0 > clip) x0 = clip;
      else if (x0 < -clip) x0 = -clip;
      out[i] = sqrtAbPrev * x0 + direction * eps;
    }
    return out;
  }
}
