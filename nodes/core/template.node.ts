import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

const SLOTS = ['a', 'b', 'c', 'd'] as const;
type Slot = (typeof SLOTS)[number];

/** `{{` and `}}` are literal braces; `{name}` is a placeholder; a lone brace stays as it is. */
const TOKEN = /\{\{|\}\}|\{([^{}]*)\}/g;

const slot = (order: number) =>
  field.string({ title: SLOTS[order]!.toUpperCase(), optional: true, ui: { order: order + 1 } });

export default defineNode({
  type: 'core.template',
  title: 'Text Template',
  description:
    'Fills placeholders {a}, {b}, {c} and {d} in a template with the texts given to A–D, e.g. "a photo of {a} in {b}". Write {{ or }} for a literal brace.',
  category: 'strings',
  tags: ['template', 'format', 'placeholder', 'interpolate', 'prompt', 'string', 'text'],
  version: '1.0.0',
  inputs: {
    template: field.string({
      title: 'Template',
      default: '',
      ui: { order: 0, widget: 'textarea', multiline: true, placeholder: 'a photo of {a} in {b}' },
    }),
    a: slot(0),
    b: slot(1),
    c: slot(2),
    d: slot(3),
  },
  outputs: {
    value: output.string({ title: 'Text' }),
  },
  invoke: (inputs) => {
    const value = inputs.template.replace(TOKEN, (token, name: string | undefined) => {
      if (name === undefined) return token[0]!;
      if (!(SLOTS as readonly string[]).includes(name)) {
        throw new NodeError(
          'unknown_placeholder',
          `The template uses {${name}}, which is not a placeholder: use {a}, {b}, {c} or {d}, or {{ and }} for literal braces`,
          { field: 'template' },
        );
      }
      const text = inputs[name as Slot];
      if (text === undefined) {
        throw new NodeError('missing_template_value', `The template uses {${name}}, but ${name.toUpperCase()} is not set`, {
          field: name,
        });
      }
      return text;
    });
    return { value };
  },
});
