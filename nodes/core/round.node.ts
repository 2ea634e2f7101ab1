import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

const MODES = ['round', 'floor', 'ceil', 'trunc'] as const;
type Mode = (typeof MODES)[number];

const ROUNDERS: Readonly<Record<Mode, (value: number) => number>> = {
  // Halves go away from zero (2.5 → 3, −2.5 → −3), as people round by hand; Math.round alone
  // would send −2.5 to −2.
  round: (value) => Math.sign(value) * Math.round(Math.abs(value)),
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
};

export default defineNode({
  type: 'core.round',
  title: 'Round',
  description: 'Turns a decimal number into a whole number: to the nearest, always down, always up, or by dropping the decimals.',
  category: 'math',
  tags: ['round', 'floor', 'ceil', 'ceiling', 'truncate', 'integer', 'math'],
  version: '1.0.0',
  inputs: {
    value: field.float({ title: 'Value', default: 0, ui: { order: 0 } }),
    mode: field.enum(MODES, {
      title: 'Mode',
      default: 'round',
      ui: {
        order: 1,
        widget: 'select',
        choiceLabels: {
          round: 'Nearest (halves away from zero)',
          floor: 'Down (floor)',
          ceil: 'Up (ceiling)',
          trunc: 'Toward zero (drop decimals)',
        },
      },
    }),
  },
  outputs: {
    value: output.integer({ title: 'Integer' }),
  },
  invoke: ({ value, mode }) => {
    const rounded = ROUNDERS[mode](value);
    if (!Number.isSafeInteger(rounded)) {
      throw new NodeError('out_of_integer_range', `${value} is too large to round to an exact whole number`, { field: 'value' });
    }
    return { value: rounded === 0 ? 0 : rounded };
  },
});
