import { NodeError } from '@pinksea/node-sdk';
import { gaussianNoise, gaussianNoiseSource } from './noise';

describe('gaussianNoise', () => {
  it('keeps its golden values, so a change to the sequence is caught', () => {
    expect(Array.from(gaussianNoise(0, [4]))).toEqual([0.1315770447254181, 0.7761120200157166, -0.8407233357429504, -0.7435606718063354]);
    expect(Array.from(gaussianNoise(42, [2, 2]))).toEqual([0.8137977123260498, -1.0843620300292969, -0.09015291929244995, 0.6133230328559875]);
  });

  it('gives the same bytes for one seed and different ones for another', () => {
    const a = gaussianNoise(1234, [4, 8, 8]);
    expect(new Uint8Array(a.buffer)).toEqual(new Uint8Array(gaussianNoise(1234, [4, 8, 8]).buffer));
    expect(a).not.toEqual(gaussianNoise(1235, [4, 8, 8]));
    expect(gaussianNoise(0, [3])).not.toEqual(gaussianNoise(2 ** 32, [3]));
  });

  it('is standard normal over 1e5 samples', () => {
    const values = gaussianNoise(7, [100000]);
    let sum = 0;
    let squares = 0;
    let within1 = 0;
    for (const v of values) {
      sum += v;
      squares += v * v;
      if (Math.abs(v) < 1) within1 += 1;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(squares / values.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
    expect(within1 / values.length).toBeCloseTo(0.6827, 2);
    expect(values.every(Number.isFinite)).toBeTrue();
  });

  it('fills odd sizes and empty shapes', () => {
    expect(gaussianNoise(0, [3]).length).toBe(3);
    expect(Array.from(gaussianNoise(0, [3]).subarray(0, 2))).toEqual(Array.from(gaussianNoise(0, [4]).subarray(0, 2)));
    expect(gaussianNoise(0, [2, 0]).length).toBe(0);
  });

  it('streams tensors, the first equal to gaussianNoise of the seed', () => {
    const next = gaussianNoiseSource(5, [6]);
    const first = next();
    const second = next();
    expect(first).toEqual(gaussianNoise(5, [6]));
    expect(second).not.toEqual(first);
    expect(Array.from(second)).toEqual(Array.from(gaussianNoise(5, [12]).subarray(6)));
  });

  it('refuses bad seeds and shapes', () => {
    expect(() => gaussianNoise(-1, [1])).toThrowMatching((e) => e instanceof NodeError && e.field === 'seed');
    expect(() => gaussianNoise(1.5, [1])).toThrowMatching((e) => e instanceof NodeError && e.field === 'seed');
    expect(() => gaussianNoise(1, [2, -1])).toThrowMatching((e) => e instanceof NodeError && e.field === 'shape');
  });
});
