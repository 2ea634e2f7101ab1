import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';
import { FORBIDDEN_KEYS, isJsonObject } from './json-value';

const SLOTS = ['A', 'B', 'C', 'D'] as const;

const key = (slot: number) =>
  field.string({ title: `Key ${SLOTS[slot]}`, optional: true, maxLength: 200, ui: { order: 1 + 2 * slot, placeholder: 'name' } });
const value = (slot: number) => field.any({ title: `Value ${SLOTS[slot]}`, optional: true, ui: { order: 2 + 2 * slot } });

export default defineNode({
  type: 'core.json_build',
  title: 'JSON Object',
  description:
    'Builds a JSON object from up to four key and value pairs, e.g. {"prompt": …, "seed": …}, optionally on top of a Base object. Pairs with no key are left out; a key without a value gets null.',
  category: 'json',
  tags: ['json', 'object', 'build', 'record', 'map', 'response', 'body'],
  version: '1.0.0',
  inputs: {
    base: field.any({ title: 'Base', description: 'An object to start from; its keys are kept unless a pair sets them', optional: true, ui: { order: 0 } }),
    keyA: key(0),
    valueA: value(0),
    keyB: key(1),
    valueB: value(1),
    keyC: key(2),
    valueC: value(2),
    keyD: key(3),
    valueD: value(3),
  },
  outputs: {
    value: output.any({ title: 'Object' }),
  },
  invoke: (inputs) => {
    const { base } = inputs;
    // null is JSON's "nothing" (what JSON Get gives for a missing path): no base, like an unset one.
    if (base !== undefined && base !== null && !isJsonObject(base)) {
      throw new NodeError('base_not_object', `Base must be a JSON object ({…}), got ${Array.isArray(base) ? 'a list' : typeof base}`, {
        field: 'base',
      });
    }
    // Spreading defines own keys, so even an own "__proto__" key of the base stays a plain key.
    const built: Record<string, unknown> = { ...base };
    const setBy = new Map<string, string>();
    for (const slot of SLOTS) {
      const keyField = `key${slot}` as const;
      const name = inputs[keyField];
      if (name === undefined || name === '') continue;
      if (FORBIDDEN_KEYS.has(name)) {
        throw new NodeError('forbidden_key', `Key ${slot} is "${name}", which cannot be used as a key: choose another name`, { field: keyField });
      }
      const earlier = setBy.get(name);
      if (earlier) {
        throw new NodeError('duplicate_key', `Key ${slot} repeats "${name}", already set by Key ${earlier}: give each pair its own key`, {
          field: keyField,
        });
      }
      setBy.set(name, slot);
      built[name] = inputs[`value${slot}`] ?? null;
    }
    return { value: built };
  },
});
