import { DEFAULT_PARAMS, paramsFromMetadata, randomSeed, roundToEight, savedImageNames, toRequest, validateParams } from './generation-params';

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

  it('leaves the size out with an init image and sends its strength and mask', () => {
    const body = toRequest({ ...valid, width: 100, strength: 0.3 }, { initImage: 'init.png', mask: 'mask.png' });
    expect('width' in body || 'height' in body).toBeFalse();
    expect(body).toEqual(jasmine.objectContaining({ initImage: 'init.png', mask: 'mask.png', strength: 0.3 }));
    expect(validateParams({ ...valid, width: 100 }, true)).toEqual({});
    expect(validateParams({ ...valid, strength: 2 }, true).strength).toContain('0 to 1');
    const plain = toRequest({ ...valid, strength: 0.3 });
    expect('strength' in plain || 'initImage' in plain || 'mask' in plain).toBeFalse();
    expect(plain.width).toBe(512);
  });

  it('sends the high-res pass only while it is on', () => {
    expect('hiresScale' in toRequest(valid)).toBeFalse();
    expect(toRequest({ ...valid, hiresFix: true, hiresScale: 2, hiresStrength: 0.5 })).toEqual(jasmine.objectContaining({ hiresScale: 2, hiresStrength: 0.5 }));
  });

  it("maps an image's metadata onto the form, locking its seed", () => {
    const metadata = {
      prompt: 'a cat', negativePrompt: 'blurry', model: 'tiny-sd', width: 64, height: 96, steps: 4, cfgScale: 6.5,
      scheduler: 'euler_a', seed: 1234, strength: 0.3, mode: 'img2img', initImage: 'x.png', hires: { scale: 2, strength: 0.4 },
    };
    expect(paramsFromMetadata(metadata)).toEqual({
      prompt: 'a cat', negativePrompt: 'blurry', model: 'tiny-sd', width: 64, height: 96, steps: 4, cfgScale: 6.5,
      scheduler: 'euler_a', seed: 1234, seedLocked: true, strength: 0.3, hiresFix: true, hiresScale: 2, hiresStrength: 0.4,
    });
  });

  it('skips metadata values of the wrong type or unknown schedulers', () => {
    expect(paramsFromMetadata({ prompt: 7, model: '', steps: '20', scheduler: 'lms', seed: -1, width: Number.NaN })).toEqual({});
    expect(paramsFromMetadata(null)).toEqual({});
  });
});
