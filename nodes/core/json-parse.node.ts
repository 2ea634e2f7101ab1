import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { MAX_JSON_DEPTH, nestingDepth } from './json-value';

export default defineNode({
  type: 'core.json_parse',
  title: 'Parse JSON',
  description:
    'Turns JSON text, e.g. {"size": 512}, into data that JSON Get and other nodes can read. Text that is not valid JSON stops the run, saying where the mistake is.',
  category: 'json',
  tags: ['json', 'parse', 'decode', 'text', 'object', 'data'],
  version: '1.0.0',
  inputs: {
    text: field.string({ title: 'Text', default: '', ui: { order: 0, widget: 'textarea', multiline: true, placeholder: '{"size": 512}' } }),
  },
  outputs: {
    value: output.any({ title: 'Value' }),
  },
  invoke: ({ text }) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NodeError('invalid_json', `The text is not valid JSON: ${reason}`, { field: 'text' });
    }
    if (nestingDepth(value) > MAX_JSON_DEPTH) {
      throw new NodeError('json_too_deep', `The JSON nests lists and objects more than ${MAX_JSON_DEPTH} levels deep: flatten it`, { field: 'text' });
    }
    return { value };
  },
});
