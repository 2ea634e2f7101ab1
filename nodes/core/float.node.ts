import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.float',
  title: 'Float',
  description: 'A decimal number you type once and connect to as many inputs as need it.',
  category: 'primitives',
  tags: ['float', 'number', 'decimal', 'primitive', 'constant'],
  version: '1.0.0',
  inputs: {
    value: field.float({ title: 'Value', default: 0, ui: { widget: 'number' } }),
  },
  outputs: {
    value: output.float({ title: 'Value' }),
  },
  invoke: ({ value }) => ({ value }),
});
