/** Stable Diffusion 1.5's scheduler/scheduler_config.json (a PNDM config), for the specs. */
import { SD15_SCHEDULER_CONFIG } from '../../demo/tiny-sd-pipeline';
import { parseSchedulerConfig, type SchedulerConfig } from './scheduler-config';

/** The config as diffusers writes it (the tiny pipeline ships the same one). */
export const SD15_SCHEDULER_JSON = Object.freeze({ ...SD15_SCHEDULER_CONFIG, _diffusers_version: '0.6.0' });

export function sd15Config(overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return { ...parseSchedulerConfig(SD15_SCHEDULER_JSON), ...overrides };
}
