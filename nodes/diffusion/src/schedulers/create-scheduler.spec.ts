import { NodeError } from '@pinksea/node-sdk';
import { gaussianNoise, gaussianNoiseSource } from '../noise';
import { createScheduler } from './create-scheduler';
import { SCHEDULER_NAMES, type Scheduler } from './scheduler';
import type { SchedulerConfig } from './scheduler-config';
import { sd15Config } from './sd15.fixture';

const SIZE = 64;
const X0 = gaussianNoise(11, [SIZE]).map((v) => v * 0.5);

/**
 * A perfect model for a known x0: from its input at a step's noise level it returns the exact
 * noise (epsilon) or velocity that makes the input, so every scheduler must end at x0.
 */
function oracle(scheduler: Scheduler, config: SchedulerConfig, x0: Float32Array, input: Float32Array, step: number): Float32Array {
  const sigma = scheduler.sigmas[step]!;
  const a = 1 / Math.sqrt(1 + sigma * sigma);
  const s = sigma * a;
  const out = new Float32Array(input.length);
  for (let i = 0; i < out.length; i += 1) {
    const eps = (input[i]! - a * x0[i]!) / s;
    out[i] = config.predictionType === 'v_prediction' ? a * eps - s * x0[i]! : eps;
  }
  return out;
}

function denoise(scheduler: Scheduler, config: SchedulerConfig, x0: Float32Array, start: Float32Array): Float32Array {
  const noise = gaussianNoiseSource(99, [SIZE]);
  let sample = start;
  for (let i = 0; i < scheduler.timesteps.length; i += 1) {
    const output = oracle(scheduler, config, x0, scheduler.scaleModelInput(sample, i), i);
    sample = scheduler.step(output, i, sample, noise);
  }
  return sample;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('createScheduler', () => {
  it('refuses an unknown name, listing the known ones', () => {
    try {
      createScheduler('lms', sd15Config(), 20);
      fail('expected an error');
    } catch (error) {
      expect(error).toBeInstanceOf(NodeError);
      expect((error as NodeError).field).toBe('scheduler');
      expect((error as NodeError).code).toBe('unknown_scheduler');
      expect((error as NodeError).message).toContain(SCHEDULER_NAMES.join(', '));
    }
  });

  it('refuses more steps than training timesteps', () => {
    expect(() => createScheduler('ddim', sd15Config(), 1001)).toThrowMatching((e) => (e as NodeError).field === 'steps');
    expect(() => createScheduler('euler', sd15Config(), 1000)).toThrowMatching((e) => (e as NodeError).field === 'steps');
  });

  for (const predictionType of ['epsilon', 'v_prediction'] as const) {
    for (const name of SCHEDULER_NAMES) {
      for (const steps of [4, 20]) {
        it(`${name} with ${predictionType}, ${steps} steps, ends at x0 from pure noise with a perfect model`, () => {
          // set_alpha_to_one lets DDIM end at noise level 0 as the others do.
          const config = sd15Config({ predictionType, setAlphaToOne: true });
          const scheduler = createScheduler(name, config, steps);
          expect(scheduler.name).toBe(name);
          expect(scheduler.timesteps.length).toBe(steps);
          const start = gaussianNoise(1, [SIZE]).map((v) => v * scheduler.initNoiseSigma);
          expect(maxDiff(denoise(scheduler, config, X0, start), X0)).toBeLessThan(1e-3);
        });
      }
    }
  }

  it("ends DDIM on SD 1.5's config at alphas_cumprod[0], a trace of noise above x0", () => {
    const config = sd15Config();
    const scheduler = createScheduler('ddim', config, 20);
    const result = denoise(scheduler, config, X0, gaussianNoise(1, [SIZE]));
    expect(maxDiff(result, X0)).toBeGreaterThan(1e-3);
    expect(maxDiff(result, X0)).toBeLessThan(0.15);
  });

  describe('denoise range', () => {
    it('keeps no steps for strength 0 and returns the init at its noise level', () => {
      for (const name of SCHEDULER_NAMES) {
        const scheduler = createScheduler(name, sd15Config(), 20, { denoiseStart: 1 });
        expect(scheduler.timesteps).toEqual([]);
        const init = gaussianNoise(3, [SIZE]);
        expect(scheduler.addNoise(init, gaussianNoise(4, [SIZE]), 0)).toEqual(init);
      }
    });

    it('keeps the steps from round(steps * start) to round(steps * end) of the full schedule', () => {
      for (const name of SCHEDULER_NAMES) {
        const full = createScheduler(name, sd15Config(), 25);
        const part = createScheduler(name, sd15Config(), 25, { denoiseStart: 1 - 0.7, denoiseEnd: 0.8 });
        expect(part.timesteps).toEqual(full.timesteps.slice(8, 20));
        expect(part.sigmas).toEqual(full.sigmas.slice(8, 21));
      }
    });

    it('image-to-image: noises the init to the first kept step and denoises back to it', () => {
      for (const name of SCHEDULER_NAMES) {
        const config = sd15Config({ setAlphaToOne: true });
        const scheduler = createScheduler(name, config, 20, { denoiseStart: 0.5 });
        expect(scheduler.timesteps.length).toBe(10);
        const noise = gaussianNoise(5, [SIZE]);
        const noisy = scheduler.addNoise(X0, noise, 0);
        const sigma = scheduler.sigmas[0]!;
        const a = 1 / Math.sqrt(1 + sigma * sigma);
        // Whatever the scheduler's space, the model input is a * x0 + sqrt(1 - a^2) * noise.
        const input = scheduler.scaleModelInput(noisy, 0);
        expect(input[0]).toBeCloseTo(a * X0[0]! + Math.sqrt(1 - a * a) * noise[0]!, 5);
        expect(maxDiff(denoise(scheduler, config, X0, noisy), X0)).toBeLessThan(1e-3);
      }
    });

    it('addNoise after the last kept step gives the original only at the end of the schedule', () => {
      const init = gaussianNoise(6, [SIZE]);
      const noise = gaussianNoise(7, [SIZE]);
      const whole = createScheduler('euler', sd15Config(), 10);
      expect(whole.addNoise(init, noise, 10)).toEqual(init);
      const firstHalf = createScheduler('euler', sd15Config(), 10, { denoiseEnd: 0.5 });
      expect(firstHalf.addNoise(init, noise, 5)).toEqual(whole.addNoise(init, noise, 5));
      expect(() => whole.addNoise(init, noise, 11)).toThrowError(RangeError);
    });

    it('inpainting: re-noising the unmasked part after each step keeps it at the init', () => {
      for (const name of SCHEDULER_NAMES) {
        const config = sd15Config({ setAlphaToOne: true });
        const scheduler = createScheduler(name, config, 12, { denoiseStart: 0.25 });
        const init = gaussianNoise(8, [SIZE]);
        const target = X0;
        const noise = gaussianNoise(9, [SIZE]);
        const fresh = gaussianNoiseSource(10, [SIZE]);
        const masked = (i: number): boolean => i < SIZE / 2;
        // What the model sees as x0: the target where masked, the init elsewhere.
        const truth = init.map((v, i) => (masked(i) ? target[i]! : v));
        let sample = scheduler.addNoise(init, noise, 0);
        for (let step = 0; step < scheduler.timesteps.length; step += 1) {
          const output = oracle(scheduler, config, truth, scheduler.scaleModelInput(sample, step), step);
          sample = scheduler.step(output, step, sample, fresh);
          const known = scheduler.addNoise(init, noise, step + 1);
          for (let i = 0; i < SIZE; i += 1) if (!masked(i)) sample[i] = known[i]!;
        }
        for (let i = 0; i < SIZE; i += 1) {
          if (masked(i)) expect(Math.abs(sample[i]! - target[i]!)).toBeLessThan(1e-3);
          else expect(sample[i]).toBe(init[i]!);
        }
      }
    });
  });
});
