import { DdimScheduler } from './ddim.scheduler';
import { alphasCumprodFor } from './schedule';
import { sd15Config } from './sd15.fixture';

describe('DdimScheduler', () => {
  it('runs SD 1.5 50 steps at timesteps 981, 961, ..., 1', () => {
    const scheduler = new DdimScheduler(sd15Config(), 50);
    expect(scheduler.timesteps.length).toBe(50);
    expect(scheduler.timesteps.slice(0, 3)).toEqual([981, 961, 941]);
    expect(scheduler.timesteps[49]).toBe(1);
    expect(scheduler.initNoiseSigma).toBe(1);
    expect(scheduler.sigmas.length).toBe(51);
  });

  it('follows the trailing and linspace spacings', () => {
    expect(new DdimScheduler(sd15Config({ timestepSpacing: 'trailing' }), 10).timesteps).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(new DdimScheduler(sd15Config({ timestepSpacing: 'linspace' }), 4).timesteps).toEqual([999, 666, 333, 0]);
  });

  it('takes one eta-0 step as diffusers does, for epsilon and v-prediction', () => {
    const ab = alphasCumprodFor(sd15Config());
    const sample = Float32Array.of(0.5, -1.25);
    const output = Float32Array.of(0.1, 0.3);
    const expectStep = (predictionType: 'epsilon' | 'v_prediction'): void => {
      const got = new DdimScheduler(sd15Config({ predictionType }), 50).step(output, 10, sample);
      const [a, aPrev] = [ab[781]!, ab[761]!];
      for (let i = 0; i < 2; i += 1) {
        const x = sample[i]!;
        const m = output[i]!;
        const x0 = predictionType === 'epsilon' ? (x - Math.sqrt(1 - a) * m) / Math.sqrt(a) : Math.sqrt(a) * x - Math.sqrt(1 - a) * m;
        const eps = predictionType === 'epsilon' ? m : Math.sqrt(a) * m + Math.sqrt(1 - a) * x;
        expect(got[i]).toBeCloseTo(Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps, 5);
      }
    };
    expectStep('epsilon');
    expectStep('v_prediction');
  });

  it('ends at alphas_cumprod[0] or at 1 after the last step', () => {
    const ab0 = 0.99915;
    const x0 = Float32Array.of(0.7);
    const t1 = alphasCumprodFor(sd15Config())[1]!;
    const sample = Float32Array.of(Math.sqrt(t1) * 0.7 + Math.sqrt(1 - t1) * 0.2);
    const eps = Float32Array.of(0.2);
    const lastSd = new DdimScheduler(sd15Config(), 50).step(eps, 49, sample);
    expect(lastSd[0]).toBeCloseTo(Math.sqrt(ab0) * 0.7 + Math.sqrt(1 - ab0) * 0.2, 5);
    const lastOne = new DdimScheduler(sd15Config({ setAlphaToOne: true }), 50).step(eps, 49, sample);
    expect(lastOne[0]).toBeCloseTo(x0[0]!, 5);
  });

  it('clips the predicted x0 when clip_sample is set', () => {
    const scheduler = new DdimScheduler(sd15Config({ clipSample: true, setAlphaToOne: true, predictionType: 'sample' }), 10);
    expect(scheduler.step(Float32Array.of(5), 9, Float32Array.of(0))[0]).toBeCloseTo(1, 6);
  });

  it('noises to sqrt(ab) * x0 + sqrt(1 - ab) * noise', () => {
    const ab = alphasCumprodFor(sd15Config())[981]!;
    const noisy = new DdimScheduler(sd15Config(), 50).addNoise(Float32Array.of(2), Float32Array.of(-1), 0);
    expect(noisy[0]).toBeCloseTo(2 * Math.sqrt(ab) - Math.sqrt(1 - ab), 6);
  });
});
