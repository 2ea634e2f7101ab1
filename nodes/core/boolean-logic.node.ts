import { defineNode, field, output } from '@pinksea/node-sdk';

const OPS = ['and', 'or', 'xor', 'nand', 'nor', 'not_a'] as const;
type Op = (typeof OPS)[number];

const LOGIC: Readonly<Record<Op, (a: boolean, b: boolean) => boolean>> = {
  and: (a, b) => a && b,
  or: (a, b) => a || b,
  xor: (a, b) => a !== b,
  nand: (a, b) => !(a && b),
  nor: (a, b) => !(a || b),
  not_a: (a) => !a,
};

export default defineNode({
  type: 'core.boolean_logic',
  title: 'Boolean Logic',
  description: 'Combines two yes/no values with AND, OR, XOR, NAND or NOR, or inverts A with NOT (B is then ignored).',
  category: 'logic',
  tags: ['and', 'or', 'xor', 'nand', 'nor', 'not', 'boolean', 'condition', 'logic'],
  version: '1.0.0',
  inputs: {
    a: field.boolean({ title: 'A', default: false, ui: { order: 0, widget: 'checkbox' } }),
    op: field.enum(OPS, {
      title: 'Operation',
      default: 'and',
      ui: {
        order: 1,
        widget: 'select',
        choiceLabels: {
          and: 'A and B',
          or: 'A or B',
          xor: 'Exactly one of A, B',
          nand: 'Not both A and B',
          nor: 'Neither A nor B',
          not_a: 'Not A',
        },
      },
    }),
    b: field.boolean({ title: 'B', default: false, ui: { order: 2, widget: 'checkbox' } }),
  },
  outputs: {
    value: output.boolean({ title: 'Result' }),
  },
  invoke: ({ a, b, op }) => ({ value: LOGIC[op](a, b) }),
});
