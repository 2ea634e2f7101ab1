/**
 * Prompt weighting as A1111 and InvokeAI users write it, parsed into fragments of text and weight.
 *
 * - `(text)` multiplies by 1.1, `[text]` divides by 1.1, `(text:1.3)` multiplies by 1.3; groups nest
 *   and multiply (`(a (b:1.5))` gives a 1.1 and b 1.65).
 * - compel's suffixes: `word+` multiplies the word by 1.1 per `+`, `word-` by 0.9 per `-`; after a
 *   group, `(a b)+`, `(a b)--` or `(a b)1.3` set the group's factor instead of the implicit 1.1.
 *   A suffix counts only where no letter or digit follows it, so `x-ray` and `1girl` stay text;
 *   a bare integer after a group (`(cat)2`) is text too, only a decimal (`(cat)2.0`) is a weight.
 * - `\(`, `\)`, `\[`, `\]` and `\\` are literal; so are brackets that do not pair up and a `:` not
 *   followed by a number and `)` (`(word:bad)` is the text "word:bad" at 1.1, as in A1111).
 *
 * Parsing never throws. Adjacent fragments of equal weight merge; empty text is dropped, so an empty
 * prompt gives no fragments. Whitespace is kept as written: the tokenizer collapses it.
 */

export interface PromptFragment {
  text: string;
  weight: number;
}

const EMPHASIS = 1.1;
const PLUS = 1.1;
const MINUS = 0.9;
const ESCAPABLE = new Set(['(', ')', '[', ']', '\\']);
/** `:1.3)` closing a weighted group: the number is A1111's, made strict (`1.2.3` is text). */
const EXPLICIT_WEIGHT = /^:\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*\)/;
/** A suffix after a word or group: a run of one sign, where no letter, digit or `_` follows. */
const SIGN_SUFFIX = /^(\++|-+)(?![\p{L}\p{N}_])/u;
/** A decimal weight after a group, `(a b)1.3`, where no letter, digit, `_` or further `.` follows. */
const NUMBER_SUFFIX = /^(\d*\.\d+)(?![\p{L}\p{N}_.])/u;
/** The word a `+`/`-` suffix applies to: the trailing run of characters that are not space or punctuation. */
const TRAILING_WORD = /[^\s,;:.!?"'(){}[\]]+$/u;
/** Weights are rounded to this many decimals so that 1.1 × 1.1 is 1.21 and equal weights compare equal. */
const WEIGHT_DECIMALS = 1e10;

interface Entry {
  text: string;
  weight: number;
}

interface OpenGroup {
  kind: '(' | '[';
  /** Index in the entries of the opening bracket's own entry, which holds '(' until the group closes. */
  entry: number;
}

export function parsePromptWeights(prompt: string): PromptFragment[] {
  const entries: Entry[] = [];
  const open: OpenGroup[] = [];
  let text = '';

  const flush = (): void => {
    if (text !== '') entries.push({ text, weight: 1 });
    text = '';
  };
  const multiply = (from: number, factor: number): void => {
    for (let i = from; i < entries.length; i += 1) entries[i].weight *= factor;
  };
  /**
   * Closes the innermost open group of `kind` and returns the index its contents start at, or
   * undefined where none is open. Groups opened inside it that never closed stay literal text.
   */
  const close = (kind: OpenGroup['kind']): number | undefined => {
    let depth = open.length - 1;
    while (depth >= 0 && open[depth].kind !== kind) depth -= 1;
    if (depth < 0) return undefined;
    flush();
    const group = open[depth];
    open.length = depth;
    entries[group.entry].text = '';
    return group.entry + 1;
  };

  let i = 0;
  while (i < prompt.length) {
    const char = prompt[i];
    if (char === '\\') {
      const next = prompt[i + 1];
      if (next !== undefined && ESCAPABLE.has(next)) {
        text += next;
        i += 2;
      } else {
        text += char;
        i += 1;
      }
      continue;
    }
    if (char === '(' || char === '[') {
      flush();
      open.push({ kind: char, entry: entries.length });
      entries.push({ text: char, weight: 1 });
      i += 1;
      continue;
    }
    if (char === ')' || char === ']') {
      const start = close(char === ')' ? '(' : '[');
      if (start === undefined) {
        text += char;
        i += 1;
        continue;
      }
      const suffix = char === ')' ? groupSuffix(prompt, i + 1) : { factor: 1 / EMPHASIS, length: 0 };
      multiply(start, suffix.factor);
      i += 1 + suffix.length;
      continue;
    }
    if (char === ':') {
      const match = EXPLICIT_WEIGHT.exec(prompt.slice(i, i + 64));
      const weight = match === null ? NaN : Number(match[1]);
      const start = Number.isFinite(weight) ? close('(') : undefined;
      if (match !== null && start !== undefined) {
        multiply(start, weight);
        i += match[0].length;
        continue;
      }
    }
    if (char === '+' || char === '-') {
      const suffix = SIGN_SUFFIX.exec(prompt.slice(i, i + 64));
      const word = suffix === null ? null : TRAILING_WORD.exec(text);
      if (suffix !== null && word !== null) {
        text = text.slice(0, word.index);
        flush();
        entries.push({ text: word[0], weight: signFactor(suffix[1]) });
        i += suffix[1].length;
        continue;
      }
    }
    text += char;
    i += 1;
  }
  flush();
  return mergeFragments(entries);
}

/** What follows a closing `)`: a sign or decimal suffix sets the group's factor, else it is 1.1. */
function groupSuffix(prompt: string, at: number): { factor: number; length: number } {
  const rest = prompt.slice(at, at + 64);
  const sign = SIGN_SUFFIX.exec(rest);
  if (sign !== null) return { factor: signFactor(sign[1]), length: sign[1].length };
  const number = NUMBER_SUFFIX.exec(rest);
  if (number !== null) return { factor: Number(number[1]), length: number[1].length };
  return { factor: EMPHASIS, length: 0 };
}

function signFactor(signs: string): number {
  return (signs[0] === '+' ? PLUS : MINUS) ** signs.length;
}

function mergeFragments(entries: readonly Entry[]): PromptFragment[] {
  const fragments: PromptFragment[] = [];
  for (const entry of entries) {
    if (entry.text === '') continue;
    const weight = Math.round(entry.weight * WEIGHT_DECIMALS) / WEIGHT_DECIMALS;
    const previous = fragments.at(-1);
    if (previous !== undefined && previous.weight === weight) previous.text += entry.text;
    else fragments.push({ text: entry.text, weight });
  }
  return fragments;
}
