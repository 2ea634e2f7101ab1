import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.integer',
  title: 'Integer',
  description: 'A whole number you type once and connect to as many inputs as need it.',
  category: 'primitives',
  tags: ['integer', 'number', 'whole number', 'primitive', 'constant'],
  version: '1.0.0',
  inputs: {
    value: field.integer({ title: 'Value', default: 0, ui: { widget: 'number' } }),
  },
  outputs: {
    value: output.integer({ title: 'Value' }),
  },
  invoke: ({ value }) => ({ value }),
});
