import { defineNode, field, output } from '@pinksea/node-sdk';
import { finiteResult } from './finite-result';

export default defineNode({
  type: 'core.subtract',
  title: 'Subtract',
  description: 'Subtracts B from A: A − B.',
  category: 'math',
  tags: ['subtract', 'minus', 'difference', '-', 'math', 'arithmetic'],
  version: '1.0.0',
  inputs: {
    a: field.float({ title: 'A', default: 0, ui: { order: 0 } }),
    b: field.float({ title: 'B', default: 0, ui: { order: 1 } }),
  },
  outputs: {
    value: output.float({ title: 'Difference' }),
  },
  invoke: ({ a, b }) => ({ value: finiteResult(a - b, 'difference') }),
});
