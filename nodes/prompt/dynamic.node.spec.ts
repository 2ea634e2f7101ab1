import { NodeError } from '@pinksea/node-sdk';
import { createTestContext } from '@pinksea/node-sdk/testing';
import dynamicPrompt from './dynamic.node';

describe('prompt.dynamic', () => {
  const defaults = { maxPrompts: 100, combinatorial: true, seed: 0 };

  it('declares its field defaults and bounds', () => {
    expect(dynamicPrompt.type).toBe('prompt.dynamic');
    expect(dynamicPrompt.inputs.maxPrompts).toEqual(jasmine.objectContaining({ default: 100, minimum: 1, maximum: 10_000 }));
    expect(dynamicPrompt.inputs.combinatorial.default).toBeTrue();
    expect(dynamicPrompt.outputs.prompts.cardinality).toBe('collection');
  });

  it('lists every combination with its count', async () => {
    const { ctx } = createTestContext();
    const result = await dynamicPrompt.invoke({ ...defaults, prompt: 'a {red|blue} {cat|dog}' }, ctx);
    expect(result).toEqual({ prompts: ['a red cat', 'a red dog', 'a blue cat', 'a blue dog'], count: 4 });
  });

  it('stops at maxPrompts and says so in the log', async () => {
    const { ctx, host } = createTestContext();
    const result = await dynamicPrompt.invoke({ ...defaults, prompt: '{a|b|c} {x|y}', maxPrompts: 4 }, ctx);
    expect(result).toEqual({ prompts: ['a x', 'a y', 'b x', 'b y'], count: 4 });
    expect(host.logs.map((log) => log.message)).toEqual(['The template has more than 4 combinations; kept the first 4']);
  });

  it('does not log when everything fits', async () => {
    const { ctx, host } = createTestContext();
    await dynamicPrompt.invoke({ ...defaults, prompt: '{a|b}', maxPrompts: 2 }, ctx);
    expect(host.logs).toEqual([]);
  });

  it('draws exactly maxPrompts random prompts from the seed when not combinatorial', async () => {
    const { ctx } = createTestContext();
    const input = { prompt: '{a|b|c} {x|y}', maxPrompts: 12, combinatorial: false, seed: 3 };
    const first = await dynamicPrompt.invoke(input, ctx);
    const again = await dynamicPrompt.invoke(input, ctx);
    expect(first.count).toBe(12);
    expect(first.prompts.length).toBe(12);
    expect(again).toEqual(first);
    for (const prompt of first.prompts) expect(prompt).toMatch(/^[abc] [xy]$/);
  });

  it('fails on bad syntax with a user error naming the prompt field', async () => {
    const { ctx } = createTestContext();
    const run = async (prompt: string) => dynamicPrompt.invoke({ ...defaults, prompt }, ctx);
    await expectAsync(run('a {cat')).toBeRejectedWith(
      jasmine.objectContaining({ code: 'invalid_prompt_syntax', field: 'prompt', kind: 'user' }),
    );
    await expectAsync(run('{cat}}')).toBeRejectedWithError(NodeError, /Unexpected "}" at character 6/);
  });

  it('fails 2,000 nested braces, or 2,000 variants, with its typed error saying what is wrong, in both modes', async () => {
    const { ctx } = createTestContext();
    const nested = `${'{a|'.repeat(2_000)}z${'}'.repeat(2_000)}`;
    const many = '{a|b} '.repeat(2_000);
    for (const combinatorial of [true, false]) {
      const deep = await Promise.resolve().then(() => dynamicPrompt.invoke({ ...defaults, combinatorial, prompt: nested }, ctx)).then(() => undefined, (error: unknown) => error);
      expect(deep).toEqual(jasmine.any(NodeError));
      expect(deep).toEqual(jasmine.objectContaining({ code: 'invalid_prompt_syntax', kind: 'user', field: 'prompt' }));
      expect((deep as NodeError).message).toBe('Too deeply nested "{" at character 97: braces nest more than 32 deep here; flatten the template (or write \\{ for a literal brace)');
      const wide = await Promise.resolve().then(() => dynamicPrompt.invoke({ ...defaults, combinatorial, prompt: many }, ctx)).then(() => undefined, (error: unknown) => error);
      expect(wide).toEqual(jasmine.objectContaining({ code: 'invalid_prompt_syntax', field: 'prompt' }));
      expect((wide as NodeError).message).toContain('at most 256 {…} variants');
    }
  });

  it('still expands a template at the nesting and variant limits', async () => {
    const { ctx } = createTestContext();
    const nested = `${'{a|'.repeat(32)}z${'}'.repeat(32)}`;
    expect((await dynamicPrompt.invoke({ ...defaults, prompt: nested, maxPrompts: 2 }, ctx)).prompts).toEqual(['a', 'a']);
    expect((await dynamicPrompt.invoke({ ...defaults, prompt: '{a|b}'.repeat(256), maxPrompts: 1 }, ctx)).prompts).toEqual(['a'.repeat(256)]);
  });
});
