/**
 * DPM-Solver++ 2M (diffusers DPMSolverMultistepScheduler with solver_order 2, algorithm_type
 * 'dpmsolver++', solver_type 'midpoint'), optionally on Karras sigmas. Samples are in the
 * variance-preserving space x = alpha * x0 + sigma * eps with alpha = 1 / sqrt(s^2 + 1) and
 * sigma = s * alpha for the schedule's s; the solver works on the model's x0 predictions and
 * keeps the previous one for the second-order update, so steps must run in order.
 */
import {
  alphasCumprodFor,
  checkStepsFit,
  interpolate,
  karrasSigmas,
  roundHalfEven,
  sigmasFromAlphasCumprod,
  sigmaToTimestep,
  trailingTimesteps,
  type DenoiseRange,
} from './schedule';
import type { SchedulerConfig } from './scheduler-config';
import { checkSameLength, KeptRangeScheduler, type NoiseLevel, type SchedulerName } from './scheduler';

/** Timesteps as DPMSolverMultistepScheduler computes them: steps + 1 points, the last dropped. */
function dpmTimesteps(config: SchedulerConfig, steps: number): number[] {
  const n = config.numTrainTimesteps;
  if (config.timestepSpacing === 'linspace') {
    const values: number[] = [];
    for (let i = steps; i >= 1; i -= 1) values.push(roundHalfEven(((n - 1) * i) / steps));
    return values;
  }
  if (config.timestepSpacing === 'leading') {
    const ratio = Math.floor(n / (steps + 1));
    return Array.from({ length: steps }, (_, i) => (steps - i) * ratio + config.stepsOffset);
  }
  return trailingTimesteps(n, steps);
}

/** (alpha, sigma) of the VP form for a schedule sigma s. */
function vp(s: number): { alpha: number; sigma: number } {
  const alpha = 1 / Math.sqrt(s * s + 1);
  return { alpha, sigma: s * alpha };
}

export class DpmSolverMultistepScheduler extends KeptRangeScheduler {
  readonly name: SchedulerName;
  readonly initNoiseSigma = 1;
  private readonly config: SchedulerConfig;
  private readonly fullSigmas: readonly number[];
  /** The x0 prediction of the last step run, and its full-schedule index. */
  private previousX0: Float32Array | null = null;
  private previousIndex = -1;

  constructor(config: SchedulerConfig, steps: number, range?: DenoiseRange, karras = false) {
    checkStepsFit(config, steps);
    const alphasCumprod = alphasCumprodFor(config);
    const trainingSigmas = sigmasFromAlphasCumprod(alphasCumprod);
    let timesteps: number[];
    let sigmas: number[];
    if (karras) {
      const n = trainingSigmas.length;
      sigmas = karrasSigmas(trainingSigmas[0]!, trainingSigmas[n - 1]!, steps);
      const logSigmas = trainingSigmas.map(Math.log);
      timesteps = sigmas.map((sigma) => roundHalfEven(sigmaToTimestep(sigma, logSigmas)));
    } else {
      timesteps = dpmTimesteps(config, steps);
      sigmas = timesteps.map((t) => interpolate(trainingSigmas, t));
    }
    const sigmaLast = config.finalSigmasType === 'zero' ? 0 : karras ? sigmas[sigmas.length - 1]! : trainingSigmas[0]!;
    sigmas.push(sigmaLast);
    super(timesteps, sigmas, range);
    this.name = karras ? 'dpmpp_2m_karras' : 'dpmpp_2m';
    this.config = config;
    this.fullSigmas = sigmas;
  }

  protected noiseLevelAt(fullIndex: number): NoiseLevel {
    const { alpha, sigma } = vp(this.fullSigmas[fullIndex]!);
    return { signal: alpha, noise: sigma };
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array): Float32Array {
    const fullIndex = this.checkStepIndex(stepIndex);
    checkSameLength(sample, modelOutput, 'modelOutput');
    const s0 = vp(this.fullSigmas[fullIndex]!);
    const t = vp(this.fullSigmas[fullIndex + 1]!);

    // convert_model_output: the x0 prediction at this step.
    const x0 = new Float32Array(sample.length);
    const prediction = this.config.predictionType;
    for (let i = 0; i < x0.length; i += 1) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      x0[i] = prediction === 'epsilon' ? (x - s0.sigma * m) / s0.alpha : prediction === 'v_prediction' ? s0.alpha * x - s0.sigma * m : m;
    }

    const steps = this.fullSteps;
    const isLast = fullIndex === steps - 1;
    const lowerOrderFinal =
      isLast && (this.config.eulerAtFinal || (this.config.lowerOrderFinal && steps < 15) || this.config.finalSigmasType === 'zero');
    const previous = this.previousIndex === fullIndex - 1 ? this.previousX0 : null;
    // lower_order_second only matters to the third-order solver: 2M uses second order there too.

    const lambda = (p: { alpha: number; sigma: number }): number => Math.log(p.alpha) - Math.log(p.sigma);
    const lambdaS0 = lambda(s0);
    const h = lambda(t) - lambdaS0;
    const ratio = t.sigma / s0.sigma;
    const phi = t.alpha * Math.expm1(-h); // alpha_t * (exp(-h) - 1)
    const out = new Float32Array(sample.length);
    if (previous === null || lowerOrderFinal) {
      for (let i = 0; i < out.length; i += 1) out[i] = ratio * sample[i]! - phi * x0[i]!;
    } else {
      const s1 = vp(this.fullSigmas[fullIndex - 1]!);
      const r0 = (lambdaS0 - lambda(s1)) / h;
      const half = (0.5 * phi) / r0;
      for (let i = 0; i < out.length; i += 1) {
        const m0 = x0[i]!;
        out[i] = ratio * sample[i]! - phi * m0 - half * (m0 - previous[i]!);
      }
    }
    this.previousX0 = x0;
    this.previousIndex = fullIndex;
    return out;
  }
}
