import { EulerAncestralScheduler } from './euler-ancestral.scheduler';
import { gaussianNoiseSource } from '../noise';
import { sd15Config } from './sd15.fixture';

describe('EulerAncestralScheduler', () => {
  it('steps down to sigma_down and adds sigma_up of fresh noise', () => {
    const scheduler = new EulerAncestralScheduler(sd15Config(), 20);
    const [from, to] = [scheduler.sigmas[2]!, scheduler.sigmas[3]!];
    const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
    const down = Math.sqrt(to * to - up * up);
    const got = scheduler.step(Float32Array.of(0.5), 2, Float32Array.of(3), () => Float32Array.of(-1));
    expect(got[0]).toBeCloseTo(3 + 0.5 * (down - from) - up, 5);
    expect(down * down + up * up).toBeCloseTo(to * to, 9);
  });

  it('needs noise for every step but the last', () => {
    const scheduler = new EulerAncestralScheduler(sd15Config(), 4);
    expect(() => scheduler.step(Float32Array.of(0), 0, Float32Array.of(1))).toThrowError(TypeError, /noise/);
    expect(scheduler.step(Float32Array.of(0.25), 3, Float32Array.of(1))[0]).toBeCloseTo(1 - scheduler.sigmas[3]! * 0.25, 6);
  });

  it('gives the same result for the same noise seed', () => {
    const run = (seed: number): Float32Array => {
      const scheduler = new EulerAncestralScheduler(sd15Config(), 5);
      const noise = gaussianNoiseSource(seed, [8]);
      let sample: Float32Array = new Float32Array(8).fill(scheduler.initNoiseSigma);
      for (let i = 0; i < scheduler.timesteps.length; i += 1) {
        sample = scheduler.step(new Float32Array(8).fill(0.3), i, sample, noise);
      }
      return sample;
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });
});
