import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

/** Escapes every character a pattern gives meaning to, so the search matches as typed. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export default defineNode({
  type: 'core.replace',
  title: 'Replace Text',
  description:
    'Replaces every occurrence of the search text. With "Regular expression" on, the search is a JavaScript pattern and the replacement may use $1, $2… for captured groups.',
  category: 'strings',
  tags: ['replace', 'substitute', 'find', 'regex', 'regular expression', 'string', 'text'],
  version: '1.0.0',
  inputs: {
    text: field.string({ title: 'Text', default: '', ui: { order: 0, widget: 'textarea', multiline: true } }),
    search: field.string({ title: 'Search for', minLength: 1, ui: { order: 1 } }),
    replacement: field.string({ title: 'Replace with', default: '', ui: { order: 2 } }),
    useRegex: field.boolean({ title: 'Regular expression', default: false, ui: { order: 3, widget: 'checkbox' } }),
    caseInsensitive: field.boolean({ title: 'Ignore case', default: false, ui: { order: 4, widget: 'checkbox' } }),
  },
  outputs: {
    value: output.string({ title: 'Text' }),
  },
  invoke: ({ text, search, replacement, useRegex, caseInsensitive }) => {
    if (search === '') throw new NodeError('empty_search', 'Enter the text to search for', { field: 'search' });
    const flags = caseInsensitive ? 'gi' : 'g';
    if (!useRegex) {
      const pattern = new RegExp(escapeRegex(search), flags);
      // A function replacer keeps "$&" and "$1" literal: plain text means plain text.
      return { value: text.replace(pattern, () => replacement) };
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(search, flags);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NodeError('invalid_regex', `The search is not a valid regular expression: ${reason}`, { field: 'search' });
    }
    return { value: text.replace(pattern, replacement) };
  },
});
