import { defineNode, field, output } from '@pinksea/node-sdk';
import { finiteResult } from './finite-result';

export default defineNode({
  type: 'core.add',
  title: 'Add',
  description: 'Adds two numbers: A + B.',
  category: 'math',
  tags: ['add', 'plus', 'sum', '+', 'math', 'arithmetic'],
  version: '1.0.0',
  inputs: {
    a: field.float({ title: 'A', default: 0, ui: { order: 0 } }),
    b: field.float({ title: 'B', default: 0, ui: { order: 1 } }),
  },
  outputs: {
    value: output.float({ title: 'Sum' }),
  },
  invoke: ({ a, b }) => ({ value: finiteResult(a + b, 'sum') }),
});
