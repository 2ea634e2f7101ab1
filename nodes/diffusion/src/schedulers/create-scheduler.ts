/**
 * Builds a scheduler by the names InvokeAI uses. As in InvokeAI, the name decides Karras sigmas
 * (the config's use_karras_sigmas is not consulted), solver order 2 and 'dpmsolver++'.
 */
import { NodeError } from '@pinksea/node-sdk';
import { DdimScheduler } from './ddim.scheduler';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep.scheduler';
import { EulerAncestralScheduler } from './euler-ancestral.scheduler';
import { EulerScheduler } from './euler.scheduler';
import type { DenoiseRange } from './schedule';
import type { SchedulerConfig } from './scheduler-config';
import { SCHEDULER_NAMES, type Scheduler, type SchedulerName } from './scheduler';

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}

/**
 * The scheduler for `steps` steps over the whole schedule, keeping only the steps from
 * round(steps * denoiseStart) to round(steps * denoiseEnd). Throws NodeError (field 'scheduler')
 * for an unknown name, and for bad steps or denoise fractions.
 */
export function createScheduler(name: SchedulerName | string, config: SchedulerConfig, steps: number, range?: DenoiseRange): Scheduler {
  switch (name) {
    case 'ddim':
      return new DdimScheduler(config, steps, range);
    case 'euler':
      return new EulerScheduler(config, steps, range);
    case 'euler_a':
      return new EulerAncestralScheduler(config, steps, range);
    case 'dpmpp_2m':
      return new DpmSolverMultistepScheduler(config, steps, range, false);
    case 'dpmpp_2m_karras':
      return new DpmSolverMultistepScheduler(config, steps, range, true);
    default:
      throw new NodeError(
        'unknown_scheduler',
        `Unknown scheduler ${JSON.stringify(name)}; choose one of ${SCHEDULER_NAMES.join(', ')}.`,
        { field: 'scheduler' },
      );
  }
}
