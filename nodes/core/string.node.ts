import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.string',
  title: 'Text',
  description: 'A piece of text, such as a prompt, that you type once and connect wherever it is needed.',
  category: 'primitives',
  tags: ['string', 'text', 'prompt', 'primitive', 'constant'],
  version: '1.0.0',
  inputs: {
    value: field.string({ title: 'Text', default: '', ui: { widget: 'textarea', multiline: true } }),
  },
  outputs: {
    value: output.string({ title: 'Text' }),
  },
  invoke: ({ value }) => ({ value }),
});
