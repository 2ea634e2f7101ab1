import { MAX_RANDOM_SPAN, SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('produces the reference mulberry32 sequence, so saved seeds keep their results', () => {
    const zero = new SeededRandom(0);
    expect([zero.nextUint32(), zero.nextUint32(), zero.nextUint32()]).toEqual([1144304738, 1416247, 958946056]);
    expect(new SeededRandom(1).nextUint32()).toBe(2693262067);
  });

  it('repeats itself for one seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('folds the high bits of seeds beyond 32 bits in', () => {
    expect(new SeededRandom(2 ** 32).nextUint32()).not.toBe(new SeededRandom(0).nextUint32());
  });

  it('draws floats in [0, 1) spread evenly', () => {
    const random = new SeededRandom(7);
    const draws = Array.from({ length: 20000 }, () => random.nextFloat());
    expect(draws.every((value) => value >= 0 && value < 1)).toBeTrue();
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(draws.filter((value) => value < 0.1).length).toBeGreaterThan(1700);
  });

  it('draws every integer of a small inclusive range about equally often', () => {
    const random = new SeededRandom(3);
    const counts = new Map<number, number>();
    for (let index = 0; index < 6000; index++) {
      const face = random.nextIntInclusive(1, 6);
      counts.set(face, (counts.get(face) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const count of counts.values()) expect(count).toBeGreaterThan(850);
  });

  it('has no modulo bias, even where a plain remainder would favour a third of the range', () => {
    // Without rejection, span 3 × 2^30 would give the lowest 2^30 values half of all draws.
    const random = new SeededRandom(21);
    const span = 3 * 2 ** 30;
    const draws = Array.from({ length: 3000 }, () => random.nextIntInclusive(0, span - 1));
    const lowShare = draws.filter((value) => value < 2 ** 30).length / draws.length;
    expect(lowShare).toBeGreaterThan(0.29);
    expect(lowShare).toBeLessThan(0.38);
  });

  it('returns the only value of a one-value range, negative ranges included', () => {
    expect(new SeededRandom(9).nextIntInclusive(-5, -5)).toBe(-5);
    const random = new SeededRandom(9);
    const draws = Array.from({ length: 200 }, () => random.nextIntInclusive(-3, -1));
    expect(new Set(draws)).toEqual(new Set([-3, -2, -1]));
  });

  it('draws exact integers from ranges wider than 32 bits', () => {
    const random = new SeededRandom(11);
    const low = -(2 ** 40);
    const high = 2 ** 41;
    const draws = Array.from({ length: 1000 }, () => random.nextIntInclusive(low, high));
    expect(draws.every((value) => Number.isSafeInteger(value) && value >= low && value <= high)).toBeTrue();
    expect(draws.some((value) => value < 0)).toBeTrue();
    expect(draws.some((value) => value > 2 ** 33)).toBeTrue();
  });

  it('handles the widest supported range', () => {
    const random = new SeededRandom(5);
    const value = random.nextIntInclusive(0, MAX_RANDOM_SPAN - 1);
    expect(Number.isSafeInteger(value)).toBeTrue();
  });
});
