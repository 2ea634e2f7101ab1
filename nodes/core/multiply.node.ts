import { defineNode, field, output } from '@pinksea/node-sdk';
import { finiteResult } from './finite-result';

export default defineNode({
  type: 'core.multiply',
  title: 'Multiply',
  description: 'Multiplies two numbers: A × B.',
  category: 'math',
  tags: ['multiply', 'times', 'product', 'scale', '*', 'math', 'arithmetic'],
  version: '1.0.0',
  inputs: {
    a: field.float({ title: 'A', default: 1, ui: { order: 0 } }),
    b: field.float({ title: 'B', default: 1, ui: { order: 1 } }),
  },
  outputs: {
    value: output.float({ title: 'Product' }),
  },
  invoke: ({ a, b }) => ({ value: finiteResult(a * b, 'product') }),
});
