import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.boolean',
  title: 'Boolean',
  description: 'A yes/no switch you set once and connect to conditions and toggles.',
  category: 'primitives',
  tags: ['boolean', 'true', 'false', 'switch', 'toggle', 'primitive', 'constant'],
  version: '1.0.0',
  inputs: {
    value: field.boolean({ title: 'Value', default: false, ui: { widget: 'checkbox' } }),
  },
  outputs: {
    value: output.boolean({ title: 'Value' }),
  },
  invoke: ({ value }) => ({ value }),
});
