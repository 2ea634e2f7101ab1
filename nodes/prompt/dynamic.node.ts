import { defineNode, field, output } from '@pinksea/node-sdk';
import { parsePrompt } from './dynamic-prompt';
import { combinations, randomPrompts, take, promptTemplateField } from './prompt-expansion';

/** Enough for any batch a person would queue, small enough that a template cannot exhaust memory. */
const MAX_PROMPTS = 10_000;

export default defineNode({
  type: 'prompt.dynamic',
  title: 'Dynamic Prompt',
  description:
    'Expands a prompt template into a list of prompts. Write {a|b|c} for alternatives, {2$$a|b|c} to pick two, ' +
    'and \\{ for a literal brace. Combinatorial lists every combination in order; otherwise the prompts are drawn at random from the seed.',
  category: 'prompt',
  tags: ['prompt', 'dynamic prompts', 'wildcards', 'batch'],
  version: '1.0.0',
  inputs: {
    prompt: promptTemplateField(),
    maxPrompts: field.integer({
      title: 'Max Prompts',
      description: 'How many prompts at most; in random mode, exactly this many.',
      default: 100,
      minimum: 1,
      maximum: MAX_PROMPTS,
    }),
    combinatorial: field.boolean({
      title: 'Combinatorial',
      description: 'List every combination instead of drawing at random.',
      default: true,
    }),
    seed: field.seed({ description: 'Picks the random prompts; the same seed gives the same prompts. Unused in combinatorial mode.' }),
  },
  outputs: {
    prompts: output.list(output.string(), { title: 'Prompts' }),
    count: output.integer({ title: 'Count', description: 'How many prompts were made.' }),
  },
  invoke({ prompt, maxPrompts, combinatorial, seed }, ctx) {
    if (!combinatorial) {
      const prompts = randomPrompts(prompt, seed, maxPrompts);
      return { prompts, count: prompts.length };
    }
    // One more than asked tells whether the template had more than we return.
    const prompts = take(combinations(parsePrompt(prompt)), maxPrompts + 1);
    if (prompts.length > maxPrompts) {
      prompts.length = maxPrompts;
      ctx.logger.info(`The template has more than ${maxPrompts} combinations; kept the first ${maxPrompts}`);
    }
    return { prompts, count: prompts.length };
  },
});
