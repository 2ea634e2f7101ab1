import { createTestContext } from '@pinksea/node-sdk/testing';
import dynamicPrompt from './dynamic.node';
import randomChoice from './random-choice.node';

describe('prompt.random_choice', () => {
  it('picks one expansion, the same for the same seed', async () => {
    const { ctx } = createTestContext();
    const input = { prompt: 'a {red|blue|green} {cat|dog}', seed: 1234 };
    const { prompt } = await randomChoice.invoke(input, ctx);
    expect(prompt).toMatch(/^a (red|blue|green) (cat|dog)$/);
    expect(await randomChoice.invoke(input, ctx)).toEqual({ prompt });
  });

  it('gives the first prompt Dynamic Prompt draws with the same seed', async () => {
    const { ctx } = createTestContext();
    const prompt = '{a|b|c|d|e|f|g|h} {1|2|3|4}';
    for (const seed of [0, 1, 99, 0xffff_ffff]) {
      const drawn = await dynamicPrompt.invoke({ prompt, seed, maxPrompts: 3, combinatorial: false }, ctx);
      expect(await randomChoice.invoke({ prompt, seed }, ctx)).toEqual({ prompt: drawn.prompts[0]! });
    }
  });

  it('returns text without variants unchanged', async () => {
    const { ctx } = createTestContext();
    expect(await randomChoice.invoke({ prompt: 'a plain cat', seed: 5 }, ctx)).toEqual({ prompt: 'a plain cat' });
  });

  it('fails on bad syntax with a user error naming the prompt field', () => {
    const { ctx } = createTestContext();
    expect(() => randomChoice.invoke({ prompt: '{2$$a}', seed: 0 }, ctx)).toThrow(
      jasmine.objectContaining({ code: 'invalid_prompt_syntax', field: 'prompt' }),
    );
  });
});
