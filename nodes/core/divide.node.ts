import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { finiteResult } from './finite-result';

export default defineNode({
  type: 'core.divide',
  title: 'Divide',
  description: 'Divides A by B: A ÷ B. B must not be zero.',
  category: 'math',
  tags: ['divide', 'division', 'quotient', 'ratio', '/', 'math', 'arithmetic'],
  version: '1.0.0',
  inputs: {
    a: field.float({ title: 'A (dividend)', default: 0, ui: { order: 0 } }),
    b: field.float({ title: 'B (divisor)', default: 1, ui: { order: 1 } }),
  },
  outputs: {
    value: output.float({ title: 'Quotient' }),
  },
  invoke: ({ a, b }) => {
    if (b === 0) throw new NodeError('division_by_zero', 'Cannot divide by zero: set B to a number other than 0', { field: 'b' });
    return { value: finiteResult(a / b, 'quotient') };
  },
});
