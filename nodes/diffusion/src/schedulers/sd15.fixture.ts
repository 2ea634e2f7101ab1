/** Stable Diffusion 1.5's scheduler/scheduler_config.json (a PNDM config), for the specs. */
import { parseSchedulerConfig, type SchedulerConfig } from './scheduler-config';

export const SD15_SCHEDULER_JSON = Object.freeze({
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
});

export function sd15Config(overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return { ...parseSchedulerConfig(SD15_SCHEDULER_JSON), ...overrides };
}
