import { defineNode, field, NodeError, output, SeededRandom } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.random_float',
  title: 'Random Float',
  description:
    'Picks a decimal number from Low up to, but not including, High. The same seed always picks the same number; change the seed for another.',
  category: 'math',
  tags: ['random', 'float', 'decimal', 'seed', 'noise', 'math'],
  version: '1.0.0',
  inputs: {
    low: field.float({ title: 'Low', default: 0, ui: { order: 0 } }),
    high: field.float({ title: 'High', default: 1, ui: { order: 1 } }),
    seed: field.seed({ description: 'The same seed gives the same number every run.', ui: { order: 2 } }),
  },
  outputs: {
    value: output.float({ title: 'Value' }),
  },
  invoke: ({ low, high, seed }) => {
    if (low > high) {
      throw new NodeError('low_above_high', `Low (${low}) is greater than High (${high}): set High to at least Low`, { field: 'high' });
    }
    if (low === high) return { value: low };
    const t = new SeededRandom(seed).nextFloat();
    // Interpolating, not low + (high − low) × t: the difference overflows for ends near ±1.8e308.
    // Rounding may step just outside [low, high); pull it back so the promise holds.
    const value = Math.max(low, low * (1 - t) + high * t);
    return { value: value < high ? value : low };
  },
});
