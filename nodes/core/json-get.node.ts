import { defineNode, field, output } from '@pinksea/node-sdk';
import { lookup, parsePath } from './json-path';
import { toText } from './json-value';

export default defineNode({
  type: 'core.json_get',
  title: 'JSON Get',
  description:
    'Reads one value out of JSON data by its path, e.g. order.items[0].sku from a webhook body. When the path leads nowhere you get the Default (or null) and Found is false, so a missing field never stops the run.',
  category: 'json',
  tags: ['json', 'get', 'path', 'field', 'property', 'extract', 'webhook', 'object'],
  version: '1.0.0',
  // Looking up a path costs less than hashing the whole value for the cache.
  useCache: false,
  inputs: {
    value: field.any({ title: 'JSON', description: 'The data to read from: an object, a list or any JSON value', ui: { order: 0 } }),
    path: field.string({
      title: 'Path',
      description: 'Keys after dots, list positions in brackets; quote keys that hold dots: ["a.b"]. Empty: the whole value.',
      default: '',
      maxLength: 1000,
      ui: { order: 1, placeholder: 'order.items[0].sku' },
    }),
    default: field.any({ title: 'Default', description: 'What to give when the path leads nowhere; null when not set', optional: true, ui: { order: 2 } }),
  },
  outputs: {
    value: output.any({ title: 'Value' }),
    text: output.string({ title: 'Text', description: 'The value as text: text as it is, anything else as JSON' }),
    found: output.boolean({ title: 'Found', description: 'Whether the path led to a value' }),
  },
  invoke: (inputs) => {
    const result = lookup(inputs.value, parsePath(inputs.path, 'path'));
    const value = result.found ? result.value : (inputs.default ?? null);
    return { value, text: toText(value, result.found ? 'value' : 'default'), found: result.found };
  },
});
