import { applyPromptWeights } from './prompt-embedding';

describe('applyPromptWeights', () => {
  it('leaves the states alone when every weight is 1', () => {
    const states = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(applyPromptWeights(states, [1, 1], 2))).toEqual([1, 2, 3, 4]);
  });

  it('scales each token by its weight, then restores the mean (A1111)', () => {
    const states = applyPromptWeights(Float32Array.from([1, 1, 1, 1]), [2, 1], 2);
    // Weighted: [2, 2, 1, 1] (mean 1.5); rescaled by 1 / 1.5.
    expect(Array.from(states).map((v) => +v.toFixed(5))).toEqual([1.33333, 1.33333, 0.66667, 0.66667]);
    expect(states.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(1, 6);
  });
});
