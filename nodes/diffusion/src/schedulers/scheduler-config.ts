/**
 * A diffusers `scheduler/scheduler_config.json`, read into a typed camelCase config. Missing keys
 * take the defaults diffusers registers for the PNDM scheduler that Stable Diffusion checkpoints
 * ship (InvokeAI builds its schedulers from that registered config), so `timestep_spacing` is
 * 'leading' and `steps_offset` 0 unless the file says otherwise. Keys this code does not use
 * (`_class_name`, `skip_prk_steps`, `solver_order`, ...) are ignored, as diffusers ignores keys a
 * scheduler class does not take; a value that would change the math in a way we do not implement
 * is refused rather than silently ignored.
 */
import { NodeError } from '@pinksea/node-sdk';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export const FINAL_SIGMAS_TYPES = ['zero', 'sigma_min'] as const;

export type BetaSchedule = (typeof BETA_SCHEDULES)[number];
export type PredictionType = (typeof PREDICTION_TYPES)[number];
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];
export type FinalSigmasType = (typeof FINAL_SIGMAS_TYPES)[number];

export interface SchedulerConfig {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: BetaSchedule;
  /** Overrides the beta schedule when given; one beta per training timestep. */
  readonly trainedBetas: readonly number[] | null;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  /** DDIM: the alpha after the last step is 1 (true) or alphas_cumprod[0] (false). */
  readonly setAlphaToOne: boolean;
  /** DDIM: clip the predicted x0 to ±clipSampleRange (meant for pixel-space models). */
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  /** Kept for completeness; the scheduler name decides (dpmpp_2m_karras), as in InvokeAI. */
  readonly useKarrasSigmas: boolean;
  readonly rescaleBetasZeroSnr: boolean;
  /** DPM-Solver: use first order on the last steps when there are fewer than 15. */
  readonly lowerOrderFinal: boolean;
  /** DPM-Solver: always use first order (Euler) on the last step. */
  readonly eulerAtFinal: boolean;
  /** DPM-Solver: the noise level after the last step. */
  readonly finalSigmasType: FinalSigmasType;
}

export const DEFAULT_SCHEDULER_CONFIG: Readonly<SchedulerConfig> = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 0,
  setAlphaToOne: false,
  // DDIM's own default is true, but it clips latents to ±1 and ruins latent diffusion; every SD
  // config sets it false, so a config that does not mention it gets the harmless value.
  clipSample: false,
  clipSampleRange: 1,
  useKarrasSigmas: false,
  rescaleBetasZeroSnr: false,
  lowerOrderFinal: true,
  eulerAtFinal: false,
  finalSigmasType: 'zero',
});

export interface ParseSchedulerConfigOptions {
  /** The node field the config came from, for the error. Default 'model'. */
  readonly field?: string;
}

/** Reads a parsed scheduler_config.json object. Throws NodeError naming the bad key. */
export function parseSchedulerConfig(json: unknown, options: ParseSchedulerConfigOptions = {}): SchedulerConfig {
  const field = options.field ?? 'model';
  const fail = (message: string): never => {
    throw new NodeError('invalid_scheduler_config', `scheduler_config.json: ${message}`, { field });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected a JSON object.');
  const raw = json as Record<string, unknown>;
  const has = (key: string): boolean => raw[key] !== undefined && raw[key] !== null;

  const number = (key: string, fallback: number, check: (value: number) => boolean, expected: string): number => {
    if (!has(key)) return fallback;
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
      fail(`"${key}" must be ${expected}; got ${JSON.stringify(value)}.`);
    }
    return value as number;
  };
  const integer = (key: string, fallback: number, min: number): number =>
    number(key, fallback, (v) => Number.isInteger(v) && v >= min, `an integer of at least ${min}`);
  const boolean = (key: string, fallback: boolean): boolean => {
    if (!has(key)) return fallback;
    const value = raw[key];
    if (typeof value !== 'boolean') fail(`"${key}" must be true or false; got ${JSON.stringify(value)}.`);
    return value as boolean;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    if (!has(key)) return fallback;
    const value = raw[key];
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      fail(`"${key}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got ${JSON.stringify(value)}.`);
    }
    return value as T;
  };

  const d = DEFAULT_SCHEDULER_CONFIG;
  const numTrainTimesteps = integer('num_train_timesteps', d.numTrainTimesteps, 2);
  const betaStart = number('beta_start', d.betaStart, (v) => v > 0 && v < 1, 'a number between 0 and 1');
  const betaEnd = number('beta_end', d.betaEnd, (v) => v > 0 && v < 1, 'a number between 0 and 1');
  const betaSchedule = oneOf('beta_schedule', BETA_SCHEDULES, d.betaSchedule);

  let trainedBetas: number[] | null = null;
  if (has('trained_betas')) {
    const value = raw['trained_betas'];
    if (!Array.isArray(value) || !value.every((b) => typeof b === 'number' && b > 0 && b < 1)) {
      fail('"trained_betas" must be null or a list of numbers between 0 and 1.');
    }
    trainedBetas = [...(value as number[])];
    if (trainedBetas.length !== numTrainTimesteps) {
      fail(`"trained_betas" has ${trainedBetas.length} values but "num_train_timesteps" is ${numTrainTimesteps}.`);
    }
  }

  if (boolean('thresholding', false)) fail('"thresholding" (dynamic thresholding) is not supported; set it to false.');
  oneOf('interpolation_type', ['linear'] as const, 'linear');
  if (boolean('use_exponential_sigmas', false) || boolean('use_beta_sigmas', false) || boolean('use_lu_lambdas', false)) {
    fail('"use_exponential_sigmas", "use_beta_sigmas" and "use_lu_lambdas" are not supported; set them to false.');
  }

  return {
    numTrainTimesteps,
    betaStart,
    betaEnd,
    betaSchedule,
    trainedBetas,
    predictionType: oneOf('prediction_type', PREDICTION_TYPES, d.predictionType),
    timestepSpacing: oneOf('timestep_spacing', TIMESTEP_SPACINGS, d.timestepSpacing),
    stepsOffset: integer('steps_offset', d.stepsOffset, 0),
    setAlphaToOne: boolean('set_alpha_to_one', d.setAlphaToOne),
    clipSample: boolean('clip_sample', d.clipSample),
    clipSampleRange: number('clip_sample_range', d.clipSampleRange, (v) => v > 0, 'a number above 0'),
    useKarrasSigmas: boolean('use_karras_sigmas', d.useKarrasSigmas),
    rescaleBetasZeroSnr: boolean('rescale_betas_zero_snr', d.rescaleBetasZeroSnr),
    lowerOrderFinal: boolean('lower_order_final', d.lowerOrderFinal),
    eulerAtFinal: boolean('euler_at_final', d.eulerAtFinal),
    finalSigmasType: oneOf('final_sigmas_type', FINAL_SIGMAS_TYPES, d.finalSigmasType),
  };
}
