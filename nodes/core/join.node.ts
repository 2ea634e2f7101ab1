import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.join',
  title: 'Join Text',
  description: 'Joins a list of texts into one, with the separator between each pair (for example ", " to build a prompt).',
  category: 'strings',
  tags: ['join', 'concatenate', 'combine', 'string', 'text', 'list'],
  version: '1.0.0',
  inputs: {
    strings: field.list(field.string(), { title: 'Texts', default: [], acceptSingle: true, ui: { order: 0 } }),
    separator: field.string({ title: 'Separator', default: ', ', ui: { order: 1, placeholder: 'e.g. ", "' } }),
  },
  outputs: {
    value: output.string({ title: 'Text' }),
  },
  invoke: ({ strings, separator }) => ({ value: strings.join(separator) }),
});
