import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.clamp',
  title: 'Clamp',
  description: 'Keeps a number between a minimum and a maximum: values below Min become Min, values above Max become Max.',
  category: 'math',
  tags: ['clamp', 'limit', 'bound', 'min', 'max', 'range', 'math'],
  version: '1.0.0',
  inputs: {
    value: field.float({ title: 'Value', default: 0, ui: { order: 0 } }),
    min: field.float({ title: 'Min', default: 0, ui: { order: 1 } }),
    max: field.float({ title: 'Max', default: 1, ui: { order: 2 } }),
  },
  outputs: {
    value: output.float({ title: 'Value' }),
  },
  invoke: ({ value, min, max }) => {
    if (min > max) {
      throw new NodeError('min_above_max', `Min (${min}) is greater than Max (${max}): set Min to at most Max`, { field: 'min' });
    }
    return { value: Math.min(Math.max(value, min), max) };
  },
});
