import { NodeError } from '@pinksea/node-sdk';
import { DEFAULT_SCHEDULER_CONFIG, parseSchedulerConfig } from './scheduler-config';
import { SD15_SCHEDULER_JSON } from './sd15.fixture';

function errorOf(json: unknown): NodeError {
  try {
    parseSchedulerConfig(json);
  } catch (error) {
    if (error instanceof NodeError) return error;
    throw error;
  }
  throw new Error('expected a NodeError');
}

describe('parseSchedulerConfig', () => {
  it("reads SD 1.5's PNDM config and fills diffusers' defaults", () => {
    expect(parseSchedulerConfig(SD15_SCHEDULER_JSON)).toEqual({
      numTrainTimesteps: 1000,
      betaStart: 0.00085,
      betaEnd: 0.012,
      betaSchedule: 'scaled_linear',
      trainedBetas: null,
      predictionType: 'epsilon',
      timestepSpacing: 'leading',
      stepsOffset: 1,
      setAlphaToOne: false,
      clipSample: false,
      clipSampleRange: 1,
      useKarrasSigmas: false,
      rescaleBetasZeroSnr: false,
      lowerOrderFinal: true,
      eulerAtFinal: false,
      finalSigmasType: 'zero',
    });
  });

  it('gives the defaults for an empty object', () => {
    expect(parseSchedulerConfig({})).toEqual({ ...DEFAULT_SCHEDULER_CONFIG });
  });

  it('reads the keys of SD 2.x v-prediction and SDXL configs', () => {
    const config = parseSchedulerConfig({
      ...SD15_SCHEDULER_JSON,
      prediction_type: 'v_prediction',
      timestep_spacing: 'trailing',
      use_karras_sigmas: true,
      rescale_betas_zero_snr: true,
      interpolation_type: 'linear',
    });
    expect(config.predictionType).toBe('v_prediction');
    expect(config.timestepSpacing).toBe('trailing');
    expect(config.useKarrasSigmas).toBeTrue();
    expect(config.rescaleBetasZeroSnr).toBeTrue();
  });

  it('keeps trained betas and checks their count', () => {
    const betas = Array.from({ length: 10 }, (_, i) => 0.01 + i * 0.001);
    expect(parseSchedulerConfig({ num_train_timesteps: 10, trained_betas: betas }).trainedBetas).toEqual(betas);
    expect(errorOf({ num_train_timesteps: 11, trained_betas: betas }).message).toContain('"trained_betas" has 10 values');
  });

  it('names the key and the allowed values for an unknown value', () => {
    const error = errorOf({ beta_schedule: 'sigmoid' });
    expect(error.code).toBe('invalid_scheduler_config');
    expect(error.field).toBe('model');
    expect(error.kind).toBe('user');
    expect(error.message).toContain('"beta_schedule"');
    expect(error.message).toContain('"linear", "scaled_linear", "squaredcos_cap_v2"');
    expect(error.message).toContain('"sigmoid"');
    expect(errorOf({ prediction_type: 'flow' }).message).toContain('"epsilon", "v_prediction", "sample"');
    expect(errorOf({ timestep_spacing: 'even' }).message).toContain('"leading", "trailing", "linspace"');
  });

  it('refuses wrong types and settings it does not implement', () => {
    expect(errorOf({ steps_offset: 0.5 }).message).toContain('"steps_offset" must be an integer');
    expect(errorOf({ beta_start: '0.1' }).message).toContain('"beta_start"');
    expect(errorOf({ set_alpha_to_one: 'yes' }).message).toContain('"set_alpha_to_one" must be true or false');
    expect(errorOf({ thresholding: true }).message).toContain('"thresholding"');
    expect(errorOf({ interpolation_type: 'log_linear' }).message).toContain('"interpolation_type"');
    expect(errorOf([]).message).toContain('expected a JSON object');
    expect(errorOf(null).message).toContain('expected a JSON object');
  });

  it('takes the field to blame from the caller', () => {
    try {
      parseSchedulerConfig({ beta_schedule: 1 }, { field: 'unet' });
      fail('expected an error');
    } catch (error) {
      expect((error as NodeError).field).toBe('unet');
    }
  });
});
