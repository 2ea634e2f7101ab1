/** The samplers of the diffusion loop: config parsing, the Scheduler interface and its factory. */
export { createScheduler, isSchedulerName } from './create-scheduler';
export { SCHEDULER_NAMES, type Scheduler, type SchedulerName } from './scheduler';
export type { DenoiseRange } from './schedule';
export {
  DEFAULT_SCHEDULER_CONFIG,
  parseSchedulerConfig,
  type BetaSchedule,
  type FinalSigmasType,
  type PredictionType,
  type SchedulerConfig,
  type TimestepSpacing,
} from './scheduler-config';
