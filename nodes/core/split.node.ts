import { defineNode, field, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.split',
  title: 'Split Text',
  description:
    'Splits text into a list at every separator. An empty separator splits it into single characters; empty text gives an empty list.',
  category: 'strings',
  tags: ['split', 'separate', 'explode', 'tokenize', 'string', 'text', 'list'],
  version: '1.0.0',
  inputs: {
    text: field.string({ title: 'Text', default: '', ui: { order: 0, widget: 'textarea', multiline: true } }),
    separator: field.string({ title: 'Separator', default: ',', ui: { order: 1, placeholder: 'e.g. ","' } }),
  },
  outputs: {
    value: output.list(output.string(), { title: 'Parts' }),
  },
  invoke: ({ text, separator }) => {
    // Array.from walks code points, so an emoji stays whole instead of splitting into halves.
    const parts = text === '' ? [] : separator === '' ? Array.from(text) : text.split(separator);
    return { value: parts };
  },
});
