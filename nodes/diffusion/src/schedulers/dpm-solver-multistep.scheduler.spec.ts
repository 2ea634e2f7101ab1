import { DpmSolverMultistepScheduler } from './dpm-solver-multistep.scheduler';
import { alphasCumprodFor, sigmasFromAlphasCumprod } from './schedule';
import { sd15Config } from './sd15.fixture';

const trainingSigmas = sigmasFromAlphasCumprod(alphasCumprodFor(sd15Config()));
const vp = (s: number) => ({ alpha: 1 / Math.sqrt(s * s + 1), sigma: s / Math.sqrt(s * s + 1) });
const lambda = (s: number) => Math.log(vp(s).alpha) - Math.log(vp(s).sigma);

describe('DpmSolverMultistepScheduler', () => {
  it('spaces leading timesteps over steps + 1 as diffusers does', () => {
    const scheduler = new DpmSolverMultistepScheduler(sd15Config(), 20);
    expect(scheduler.timesteps.slice(0, 3)).toEqual([941, 894, 847]);
    expect(scheduler.timesteps[19]).toBe(48);
    expect(scheduler.initNoiseSigma).toBe(1);
    expect(scheduler.sigmas[20]).toBe(0);
    expect(new DpmSolverMultistepScheduler(sd15Config({ timestepSpacing: 'linspace' }), 4).timesteps).toEqual([999, 749, 500, 250]);
    expect(new DpmSolverMultistepScheduler(sd15Config({ timestepSpacing: 'trailing' }), 4).timesteps).toEqual([999, 749, 499, 249]);
  });

  it('uses Karras sigmas from sigma_max to sigma_min of the training schedule', () => {
    const scheduler = new DpmSolverMultistepScheduler(sd15Config(), 20, undefined, true);
    expect(scheduler.name).toBe('dpmpp_2m_karras');
    expect(scheduler.sigmas[0]).toBeCloseTo(trainingSigmas[999]!, 9);
    expect(scheduler.sigmas[0]).toBeCloseTo(14.6146, 3);
    expect(scheduler.sigmas[19]).toBeCloseTo(trainingSigmas[0]!, 9);
    expect(scheduler.sigmas[20]).toBe(0);
    expect(scheduler.timesteps[0]).toBe(999);
    expect(scheduler.timesteps[19]).toBe(0);
    expect(scheduler.timesteps.every((t) => Number.isInteger(t))).toBeTrue();
    const sigmaMin = new DpmSolverMultistepScheduler(sd15Config({ finalSigmasType: 'sigma_min' }), 20, undefined, true);
    expect(sigmaMin.sigmas[20]).toBe(sigmaMin.sigmas[19]!);
  });

  it('takes a first-order step, then second-order midpoint steps', () => {
    const scheduler = new DpmSolverMultistepScheduler(sd15Config(), 20);
    const s = scheduler.sigmas;
    const sample0 = Float32Array.of(0.8);
    const eps0 = Float32Array.of(0.6);
    const x00 = (0.8 - vp(s[0]!).sigma * 0.6) / vp(s[0]!).alpha;
    const h0 = lambda(s[1]!) - lambda(s[0]!);
    const first = (vp(s[1]!).sigma / vp(s[0]!).sigma) * 0.8 - vp(s[1]!).alpha * Math.expm1(-h0) * x00;
    const sample1 = scheduler.step(eps0, 0, sample0);
    expect(sample1[0]).toBeCloseTo(first, 5);

    const eps1 = Float32Array.of(0.4);
    const x01 = (sample1[0]! - vp(s[1]!).sigma * 0.4) / vp(s[1]!).alpha;
    const h = lambda(s[2]!) - lambda(s[1]!);
    const r0 = (lambda(s[1]!) - lambda(s[0]!)) / h;
    const phi = vp(s[2]!).alpha * Math.expm1(-h);
    const second = (vp(s[2]!).sigma / vp(s[1]!).sigma) * sample1[0]! - phi * x01 - 0.5 * phi * (x01 - x00) / r0;
    expect(scheduler.step(eps1, 1, sample1)[0]).toBeCloseTo(second, 5);
  });

  it('lands on the predicted x0 on the last step (final sigma 0)', () => {
    const scheduler = new DpmSolverMultistepScheduler(sd15Config({ predictionType: 'v_prediction' }), 3);
    const s = vp(scheduler.sigmas[2]!);
    const x0 = 0.3;
    const eps = -0.7;
    const sample = Float32Array.of(s.alpha * x0 + s.sigma * eps);
    const v = Float32Array.of(s.alpha * eps - s.sigma * x0);
    expect(scheduler.step(v, 2, sample)[0]).toBeCloseTo(x0, 5);
  });

  it('noises as alpha * x0 + sigma * noise', () => {
    const scheduler = new DpmSolverMultistepScheduler(sd15Config(), 20);
    const s = vp(scheduler.sigmas[5]!);
    expect(scheduler.addNoise(Float32Array.of(1), Float32Array.of(2), 5)[0]).toBeCloseTo(s.alpha + 2 * s.sigma, 6);
  });
});
