import { defineNode, field, output } from '@pinksea/node-sdk';
import { randomPrompts, promptTemplateField } from './prompt-expansion';

export default defineNode({
  type: 'prompt.random_choice',
  title: 'Random Prompt',
  description:
    'Picks one prompt from a template such as "a {red|blue} {cat|dog}" using the seed. The same seed always gives ' +
    'the same prompt, and it is the first prompt Dynamic Prompt draws with that seed in random mode.',
  category: 'prompt',
  tags: ['prompt', 'dynamic prompts', 'random', 'seed'],
  version: '1.0.0',
  inputs: {
    prompt: promptTemplateField(),
    seed: field.seed({ description: 'Which prompt is picked; the same seed gives the same prompt.' }),
  },
  outputs: {
    prompt: output.string({ title: 'Prompt' }),
  },
  invoke({ prompt, seed }) {
    return { prompt: randomPrompts(prompt, seed, 1)[0]! };
  },
});
