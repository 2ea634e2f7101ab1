import { alphasCumprodFor, sigmasFromAlphasCumprod } from './schedule';
import { EulerScheduler } from './euler.scheduler';
import { sd15Config } from './sd15.fixture';

const trainingSigmas = sigmasFromAlphasCumprod(alphasCumprodFor(sd15Config()));

describe('EulerScheduler', () => {
  it('runs SD 1.5 20 leading steps at 951, 901, ..., 1 with a final sigma of 0', () => {
    const scheduler = new EulerScheduler(sd15Config(), 20);
    expect(scheduler.timesteps).toEqual(Array.from({ length: 20 }, (_, i) => 951 - 50 * i));
    expect(scheduler.sigmas[0]).toBeCloseTo(trainingSigmas[951]!, 9);
    expect(scheduler.sigmas[20]).toBe(0);
    // diffusers: 'leading' starts from sqrt(max_sigma^2 + 1).
    expect(scheduler.initNoiseSigma).toBeCloseTo(Math.sqrt(trainingSigmas[951]! ** 2 + 1), 9);
    expect(scheduler.initNoiseSigma).toBeCloseTo(11.0736, 3);
  });

  it('starts from sigma_max = 14.6146 with trailing spacing', () => {
    const scheduler = new EulerScheduler(sd15Config({ timestepSpacing: 'trailing' }), 20);
    expect(scheduler.timesteps[0]).toBe(999);
    expect(scheduler.initNoiseSigma).toBeCloseTo(14.6146, 3);
  });

  it('keeps fractional linspace timesteps and interpolates their sigmas', () => {
    const scheduler = new EulerScheduler(sd15Config({ timestepSpacing: 'linspace' }), 20);
    const t = scheduler.timesteps[1]!;
    expect(t).toBeCloseTo(999 - 999 / 19, 9);
    const low = Math.floor(t);
    const w = t - low;
    expect(scheduler.sigmas[1]).toBeCloseTo(trainingSigmas[low]! * (1 - w) + trainingSigmas[low + 1]! * w, 9);
  });

  it('scales the model input by 1 / sqrt(sigma^2 + 1)', () => {
    const scheduler = new EulerScheduler(sd15Config(), 20);
    const sigma = scheduler.sigmas[3]!;
    expect(scheduler.scaleModelInput(Float32Array.of(2), 3)[0]).toBeCloseTo(2 / Math.sqrt(sigma * sigma + 1), 6);
  });

  it('takes an Euler step: x + (x - x0) / sigma * dt', () => {
    const scheduler = new EulerScheduler(sd15Config(), 20);
    const [s0, s1] = [scheduler.sigmas[0]!, scheduler.sigmas[1]!];
    const got = scheduler.step(Float32Array.of(0.5), 0, Float32Array.of(3));
    expect(got[0]).toBeCloseTo(3 + 0.5 * (s1 - s0), 5);
  });

  it('uses Karras sigmas between the ends of its own schedule when asked', () => {
    const plain = new EulerScheduler(sd15Config(), 20);
    const karras = new EulerScheduler(sd15Config(), 20, undefined, true);
    expect(karras.sigmas[0]).toBeCloseTo(plain.sigmas[0]!, 9);
    expect(karras.sigmas[19]).toBeCloseTo(plain.sigmas[19]!, 9);
    expect(karras.timesteps[0]).toBeCloseTo(951, 6);
    expect(karras.timesteps[19]).toBeCloseTo(1, 6);
  });

  it('noises as x0 + sigma * noise', () => {
    const scheduler = new EulerScheduler(sd15Config(), 20);
    expect(scheduler.addNoise(Float32Array.of(1), Float32Array.of(2), 4)[0]).toBeCloseTo(1 + 2 * scheduler.sigmas[4]!, 5);
  });
});
