import { mulberry32, randomIndex } from './mulberry32';

describe('mulberry32', () => {
  it('gives the published mulberry32 sequence, so saved seeds keep their prompts', () => {
    const random = mulberry32(1);
    expect(random()).toBe(0.6270739405881613);
    expect(random()).toBe(0.002735721180215478);
    expect(random()).toBe(0.5274470399599522);
  });

  it('repeats a sequence for the same seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 5 }, () => random());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('uses the low 32 bits of the seed', () => {
    expect(mulberry32(2 ** 32 + 7)()).toBe(mulberry32(7)());
  });

  it('stays in [0, 1) and spreads indices over the whole range', () => {
    const random = mulberry32(123);
    const counts = [0, 0, 0, 0, 0];
    for (let draw = 0; draw < 5000; draw++) {
      const value = random();
      expect(value >= 0 && value < 1).toBeTrue();
      counts[randomIndex(random, 5)]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });
});
