import { NodeError } from '@pinksea/node-sdk';
import {
  alphasCumprodFor,
  betasFor,
  interpolate,
  karrasSigmas,
  keptStepRange,
  roundHalfEven,
  sigmasFromAlphasCumprod,
  sigmaToTimestep,
  spacedTimesteps,
  trailingTimesteps,
} from './schedule';
import { sd15Config } from './sd15.fixture';

describe('schedule', () => {
  it('computes the SD 1.5 alphas_cumprod', () => {
    const ab = alphasCumprodFor(sd15Config());
    expect(ab.length).toBe(1000);
    expect(ab[0]).toBeCloseTo(0.99915, 10);
    expect(ab[999]).toBeCloseTo(0.00466, 5);
    const sigmas = sigmasFromAlphasCumprod(ab);
    // k-diffusion's well-known SD sigma range.
    expect(sigmas[0]).toBeCloseTo(0.0292, 4);
    expect(sigmas[999]).toBeCloseTo(14.6146, 3);
  });

  it('computes linear and cosine betas', () => {
    const linear = betasFor(sd15Config({ betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02 }));
    expect(linear[0]).toBeCloseTo(0.0001, 12);
    expect(linear[999]).toBeCloseTo(0.02, 12);
    expect(linear[500]! - linear[499]!).toBeCloseTo(0.0199 / 999, 12);
    const cosine = betasFor(sd15Config({ betaSchedule: 'squaredcos_cap_v2' }));
    expect(cosine[0]).toBeGreaterThan(0);
    expect(cosine[0]).toBeLessThan(1e-4);
    expect(cosine[999]).toBe(0.999);
  });

  it('rescales to zero terminal SNR', () => {
    const base = alphasCumprodFor(sd15Config());
    const rescaled = alphasCumprodFor(sd15Config({ rescaleBetasZeroSnr: true }));
    expect(rescaled[999]).toBe(0);
    expect(rescaled[0]).toBeCloseTo(base[0]!, 12);
  });

  it('rounds halves to even as numpy does', () => {
    expect([0.5, 1.5, 2.5, 812.5, 937.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 812, 938, -2, 2, 3]);
  });

  it('spaces timesteps as diffusers does', () => {
    const sd = sd15Config();
    expect(spacedTimesteps(sd, 4, true)).toEqual([751, 501, 251, 1]);
    expect(spacedTimesteps(sd15Config({ timestepSpacing: 'trailing' }), 4, true)).toEqual([999, 749, 499, 249]);
    expect(trailingTimesteps(1000, 16).slice(0, 4)).toEqual([999, 937, 874, 811]);
    expect(spacedTimesteps(sd15Config({ timestepSpacing: 'linspace' }), 4, true)).toEqual([999, 666, 333, 0]);
    const fractional = spacedTimesteps(sd15Config({ timestepSpacing: 'linspace' }), 20, false);
    expect(fractional[1]).toBeCloseTo(999 - 999 / 19, 9);
  });

  it('interpolates like np.interp', () => {
    const values = [0, 10, 30];
    expect(interpolate(values, 0.5)).toBe(5);
    expect(interpolate(values, 1.25)).toBe(15);
    expect(interpolate(values, -1)).toBe(0);
    expect(interpolate(values, 5)).toBe(30);
  });

  it('makes Karras sigmas between the schedule ends and maps them back to timesteps', () => {
    const sigmas = sigmasFromAlphasCumprod(alphasCumprodFor(sd15Config()));
    const karras = karrasSigmas(sigmas[0]!, sigmas[999]!, 10);
    expect(karras[0]).toBeCloseTo(sigmas[999]!, 9);
    expect(karras[9]).toBeCloseTo(sigmas[0]!, 9);
    for (let i = 1; i < karras.length; i += 1) expect(karras[i]!).toBeLessThan(karras[i - 1]!);
    const logSigmas = sigmas.map(Math.log);
    expect(sigmaToTimestep(sigmas[999]!, logSigmas)).toBeCloseTo(999, 6);
    expect(sigmaToTimestep(sigmas[0]!, logSigmas)).toBeCloseTo(0, 6);
    expect(sigmaToTimestep(sigmas[420]!, logSigmas)).toBeCloseTo(420, 6);
    const between = Math.exp((logSigmas[300]! + logSigmas[301]!) / 2);
    expect(sigmaToTimestep(between, logSigmas)).toBeCloseTo(300.5, 6);
    expect(sigmaToTimestep(100, logSigmas)).toBe(999);
    expect(sigmaToTimestep(1e-6, logSigmas)).toBe(0);
  });

  it('keeps round(steps * fraction) steps of the range', () => {
    expect(keptStepRange(20)).toEqual({ start: 0, end: 20 });
    expect(keptStepRange(20, { denoiseStart: 1 - 0.75 })).toEqual({ start: 5, end: 20 });
    expect(keptStepRange(20, { denoiseStart: 1 })).toEqual({ start: 20, end: 20 });
    expect(keptStepRange(30, { denoiseStart: 0.3, denoiseEnd: 0.65 })).toEqual({ start: 9, end: 20 });
  });

  it('refuses bad steps and denoise fractions with the field to blame', () => {
    const fieldOf = (run: () => unknown): string | undefined => {
      try {
        run();
      } catch (error) {
        return (error as NodeError).field;
      }
      return 'no error';
    };
    expect(fieldOf(() => keptStepRange(0))).toBe('steps');
    expect(fieldOf(() => keptStepRange(2.5))).toBe('steps');
    expect(fieldOf(() => keptStepRange(10, { denoiseStart: -0.1 }))).toBe('denoising_start');
    expect(fieldOf(() => keptStepRange(10, { denoiseStart: 0.6, denoiseEnd: 0.5 }))).toBe('denoising_end');
    expect(fieldOf(() => keptStepRange(10, { denoiseEnd: Number.NaN }))).toBe('denoising_end');
  });
});
