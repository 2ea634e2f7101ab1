/**
 * The dynamic-prompt template language, as in the dynamicprompts library that InvokeAI uses:
 *
 *   {a|b|c}          one of the alternatives
 *   {a|{b|c}} cat    alternatives nest
 *   {|big }dog       an alternative may be empty
 *   {2$$a|b|c}       two different alternatives, joined with ", "
 *   {1-3$$a|b|c}     one to three of them
 *   {2$$ and $$a|b}  two of them, joined with " and "
 *   \{ \} \| \$ \\   a literal brace, pipe, dollar or backslash
 *
 * Braces nest at most MAX_PROMPT_NESTING deep, and a template holds at most MAX_PROMPT_VARIANTS
 * of them: parsing and expansion walk the template recursively, and no prompt needs more.
 *
 * Outside braces a `|` is plain text. A backslash before any other character stays as it is, so
 * prompt-weighting escapes such as `\(` reach the text encoder untouched. Parsing is separate from
 * expansion (prompt-expansion.ts) so a template is checked once and expanded many ways.
 */
import { NodeError } from '@pinksea/node-sdk';

export interface TextPart {
  readonly kind: 'text';
  readonly text: string;
}

/** `{...}`: choose `min`..`max` different alternatives, joined with `separator`. */
export interface VariantPart {
  readonly kind: 'variant';
  /** 0-based offset of the `{` in the source. */
  readonly offset: number;
  readonly alternatives: readonly PromptSequence[];
  readonly min: number;
  readonly max: number;
  readonly separator: string;
}

export type PromptPart = TextPart | VariantPart;
export type PromptSequence = readonly PromptPart[];

const ESCAPABLE = new Set(['{', '}', '|', '$', '\\']);
const DEFAULT_SEPARATOR = ', ';
const PICK_COUNT = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;
/** How deeply `{…}` may nest. */
export const MAX_PROMPT_NESTING = 32;
/** How many `{…}` one template may hold. */
export const MAX_PROMPT_VARIANTS = 256;

/** Parses a template; throws NodeError `invalid_prompt_syntax` (field `prompt`) saying where. */
export function parsePrompt(source: string): PromptSequence {
  return new PromptParser(source).parse();
}

class PromptParser {
  private offset = 0;
  private depth = 0;
  private variants = 0;

  constructor(private readonly source: string) {}

  parse(): PromptSequence {
    const sequence = this.sequence(false);
    if (this.offset < this.source.length) {
      // sequence(false) only stops early at a `}` that closes nothing.
      this.fail(this.offset, 'it closes no "{" (write \\} for a literal brace)', 'Unexpected "}"');
    }
    return sequence;
  }

  /** Text and variants up to the end, or (inside a variant) up to its next `|` or `}`. */
  private sequence(inVariant: boolean): PromptSequence {
    const parts: PromptPart[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
    };
    while (this.offset < this.source.length) {
      const char = this.source[this.offset]!;
      if (char === '\\') {
        const next = this.source[this.offset + 1];
        const escaped = next !== undefined && ESCAPABLE.has(next);
        text += escaped ? next : char;
        this.offset += escaped ? 2 : 1;
      } else if (char === '{') {
        flush();
        parts.push(this.variant());
      } else if (char === '}' || (char === '|' && inVariant)) {
        break;
      } else {
        text += char;
        this.offset += 1;
      }
    }
    flush();
    return parts;
  }

  private variant(): VariantPart {
    const open = this.offset;
    if (this.depth >= MAX_PROMPT_NESTING) {
      this.fail(open, `braces nest more than ${MAX_PROMPT_NESTING} deep here; flatten the template (or write \\{ for a literal brace)`, 'Too deeply nested "{"');
    }
    if (++this.variants > MAX_PROMPT_VARIANTS) {
      this.fail(open, `a template may hold at most ${MAX_PROMPT_VARIANTS} {…} variants; split it into several prompts`, 'Too many "{"');
    }
    this.depth += 1;
    this.offset += 1;
    const pick = this.pickPrefix();
    const alternatives: PromptSequence[] = [];
    for (;;) {
      alternatives.push(this.sequence(true));
      const char = this.source[this.offset];
      if (char === undefined) this.fail(open, 'it is never closed (write \\{ for a literal brace)', 'Unclosed "{"');
      this.offset += 1;
      if (char === '}') break;
    }
    this.depth -= 1;
    const n = alternatives.length;
    const { min, max } = pick?.range ?? { min: 1, max: 1 };
    if (pick && max > n) {
      this.fail(pick.offset, `it asks for ${max} of only ${n} alternative${n === 1 ? '' : 's'}`, 'Bad pick count');
    }
    return { kind: 'variant', offset: open, alternatives, min, max, separator: pick?.separator ?? DEFAULT_SEPARATOR };
  }

  /** Reads `N$$`, `N-M$$` and an optional `sep$$` after a `{`, when the first alternative has `$$`. */
  private pickPrefix(): { offset: number; range: { min: number; max: number }; separator?: string } | undefined {
    const start = this.offset;
    const countEnd = this.findDollars(start);
    if (countEnd === undefined) return undefined;
    const spec = this.source.slice(start, countEnd);
    const match = PICK_COUNT.exec(spec);
    if (!match) {
      this.fail(start, `expected a count such as {2$$a|b|c} or {1-3$$a|b|c}, got "${spec}" (write \\$ for a literal dollar)`, 'Bad pick count');
    }
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : Number(match[2]);
    if (max < 1 || min > max) this.fail(start, `"${spec.trim()}" picks nothing; use a count of at least 1, low to high`, 'Bad pick count');
    this.offset = countEnd + 2;
    const separatorEnd = this.findDollars(this.offset);
    if (separatorEnd === undefined) return { offset: start, range: { min, max } };
    const separator = this.source.slice(this.offset, separatorEnd);
    this.offset = separatorEnd + 2;
    return { offset: start, range: { min, max }, separator };
  }

  /** Where the next `$$` starts, if it comes before any `{`, `}`, `|` or backslash. */
  private findDollars(from: number): number | undefined {
    for (let at = from; at < this.source.length; at++) {
      const char = this.source[at];
      if (char === '{' || char === '}' || char === '|' || char === '\\') return undefined;
      if (char === '$' && this.source[at + 1] === '$') return at;
    }
    return undefined;
  }

  private fail(offset: number, reason: string, what: string): never {
    throw new NodeError('invalid_prompt_syntax', `${what} at ${describePosition(this.source, offset)}: ${reason}`, {
      field: 'prompt',
    });
  }
}

/** "character 7", plus the line and column when the prompt has several lines. 1-based, as editors count. */
export function describePosition(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const where = `character ${offset + 1}`;
  if (!source.includes('\n')) return where;
  return `${where} (line ${line}, column ${offset - before.lastIndexOf('\n')})`;
}
