import { DEFAULT_PARAMS, randomSeed, roundToEight, savedImageNames, toRequest, validateParams } from './generation-params';

describe('generation params', () => {
  const valid = { ...DEFAULT_PARAMS, model: 'tiny', prompt: 'a cat' };

  it('accepts the defaults once a model is chosen', () => {
    expect(validateParams(valid)).toEqual({});
    expect(validateParams(DEFAULT_PARAMS).model).toBe('Choose a model.');
  });

  it('asks for sizes that are multiples of 8, suggesting the nearest', () => {
    expect(validateParams({ ...valid, width: 100 }).width).toBe('The width must be a multiple of 8 (try 104).');
    expect(validateParams({ ...valid, height: 32 }).height).toContain('between 64 and 2048');
    expect(roundToEight(3)).toBe(64);
  });

  it('checks steps, CFG, batch count and a locked seed', () => {
    const problems = validateParams({ ...valid, steps: 0, cfgScale: 0.5, batchCount: 101, seedLocked: true, seed: -1 });
    expect(Object.keys(problems).sort()).toEqual(['batchCount', 'cfgScale', 'seed', 'steps']);
  });

  it('sends the seed only when it is locked', () => {
    expect('seed' in toRequest({ ...valid, seed: 7 })).toBeFalse();
    expect(toRequest({ ...valid, seed: 7, seedLocked: true }).seed).toBe(7);
  });

  it('draws seeds within range', () => {
    expect(randomSeed(() => 0)).toBe(0);
    expect(randomSeed(() => 0.9999999999)).toBeLessThanOrEqual(4_294_967_295);
  });

  it("finds the save node's images in an item's results", () => {
    const results = { outputs: { decode: { image: { imageName: 'work.png' } }, save: [{ image: { imageName: 'final.png' } }] } };
    expect(savedImageNames(results)).toEqual(['final.png']);
    expect(savedImageNames({ outputs: { decode: { image: { imageName: 'work.png' } } } })).toEqual(['work.png']);
    expect(savedImageNames(null)).toEqual([]);
    expect(savedImageNames({ outputs: { save: [{ value: 3 }] } })).toEqual([]);
  });
});
