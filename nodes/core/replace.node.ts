import { createContext, runInContext, type Context } from 'node:vm';
import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

/**
 * How long a user's regular expression may run. V8's backtracking engine can take exponential
 * time on patterns like (a+)+$; on a shared worker that would stall every tenant's work, so the
 * replacement runs under a VM timeout, which interrupts the regex engine.
 */
export const REGEX_TIME_LIMIT_MS = 250;
let sandbox: Context | undefined;

function replaceWithin(text: string, pattern: RegExp, replacement: string): string {
  sandbox ??= createContext({});
  Object.assign(sandbox, { text, pattern, replacement });
  try {
    return runInContext('text.replace(pattern, replacement)', sandbox, { timeout: REGEX_TIME_LIMIT_MS }) as string;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    throw new NodeError(
      'regex_timeout',
      `The regular expression took over ${REGEX_TIME_LIMIT_MS} ms on this text; simplify it (nested repeats such as (a+)+ backtrack without end)`,
      { field: 'search' },
    );
  } finally {
    Object.assign(sandbox, { text: undefined, pattern: undefined, replacement: undefined });
  }
}

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
    return { value: replaceWithin(text, pattern, replacement) };
  },
});
