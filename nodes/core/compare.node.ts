import { defineNode, field, output } from '@pinksea/node-sdk';

const OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
type Op = (typeof OPS)[number];

const COMPARE: Readonly<Record<Op, (a: number, b: number) => boolean>> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

export default defineNode({
  type: 'core.compare',
  title: 'Compare Numbers',
  description: 'Compares A with B and gives true or false, e.g. to drive an If node. Numbers are compared exactly.',
  category: 'logic',
  tags: ['compare', 'equal', 'less', 'greater', 'condition', '=', '<', '>', 'logic'],
  version: '1.0.0',
  inputs: {
    a: field.float({ title: 'A', default: 0, ui: { order: 0 } }),
    op: field.enum(OPS, {
      title: 'Comparison',
      default: 'eq',
      ui: {
        order: 1,
        widget: 'select',
        choiceLabels: { eq: 'A = B', ne: 'A ≠ B', lt: 'A < B', le: 'A ≤ B', gt: 'A > B', ge: 'A ≥ B' },
      },
    }),
    b: field.float({ title: 'B', default: 0, ui: { order: 2 } }),
  },
  outputs: {
    value: output.boolean({ title: 'Result' }),
  },
  invoke: ({ a, b, op }) => ({ value: COMPARE[op](a, b) }),
});
