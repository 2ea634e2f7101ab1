import { defineNode, field, MAX_RANDOM_SPAN, NodeError, output, SeededRandom } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.random_integer',
  title: 'Random Integer',
  description:
    'Picks a whole number between Low and High, both included. The same seed always picks the same number; change the seed for another.',
  category: 'math',
  tags: ['random', 'integer', 'seed', 'dice', 'noise', 'math'],
  version: '1.0.0',
  inputs: {
    low: field.integer({ title: 'Low', default: 0, ui: { order: 0 } }),
    high: field.integer({ title: 'High', default: 100, ui: { order: 1 } }),
    seed: field.seed({ description: 'The same seed gives the same number every run.', ui: { order: 2 } }),
  },
  outputs: {
    value: output.integer({ title: 'Value' }),
  },
  invoke: ({ low, high, seed }) => {
    if (low > high) {
      throw new NodeError('low_above_high', `Low (${low}) is greater than High (${high}): set High to at least Low`, { field: 'high' });
    }
    if (high - low + 1 > MAX_RANDOM_SPAN) {
      throw new NodeError('range_too_wide', 'Low and High are too far apart to pick from exactly: narrow the range', { field: 'high' });
    }
    return { value: new SeededRandom(seed).nextIntInclusive(low, high) };
  },
});
