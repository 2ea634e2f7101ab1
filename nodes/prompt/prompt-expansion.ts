/**
 * The two ways a parsed template becomes prompts:
 *
 * - combinatorial: every combination, lazily, in a stable order (the last variant changes fastest,
 *   alternatives in written order, picks of fewer before picks of more), so taking the first N is cheap
 *   even when a template has millions of combinations;
 * - random: each variant chooses by a seeded PRNG, so a seed always gives the same prompts.
 *
 * Every random expansion is also one of the combinatorial ones (picked alternatives keep their
 * written order). Duplicates are kept: `{a|a}` is two prompts, as in dynamicprompts.
 */
import { parsePrompt, type PromptPart, type PromptSequence, type VariantPart } from './dynamic-prompt';
import { field, SeededRandom } from '@pinksea/node-sdk';

/** Every expansion of a template, in a stable order. */
export function* combinations(template: PromptSequence): Generator<string> {
  yield* expandSequence(template, 0);
}

/** The first `max` expansions of `source` in combinatorial order. */
export function combinatorialPrompts(source: string, max: number): string[] {
  return take(combinations(parsePrompt(source)), max);
}

/** `count` random expansions of `source`, from one stream seeded by `seed` (duplicates possible). */
export function randomPrompts(source: string, seed: number, count: number): string[] {
  const template = parsePrompt(source);
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => randomExpansion(template, random));
}

/** One expansion, each variant choosing with `random`. */
export function randomExpansion(template: PromptSequence, random: SeededRandom): string {
  return template.map((part) => (part.kind === 'text' ? part.text : randomVariant(part, random))).join('');
}

export function take<T>(items: Iterable<T>, max: number): T[] {
  const taken: T[] = [];
  if (max <= 0) return taken;
  for (const item of items) {
    taken.push(item);
    if (taken.length >= max) break;
  }
  return taken;
}

function* expandSequence(sequence: PromptSequence, from: number): Generator<string> {
  if (from === sequence.length) {
    yield '';
    return;
  }
  for (const head of expandPart(sequence[from]!)) {
    for (const tail of expandSequence(sequence, from + 1)) yield head + tail;
  }
}

function* expandPart(part: PromptPart): Generator<string> {
  if (part.kind === 'text') {
    yield part.text;
    return;
  }
  for (let count = part.min; count <= part.max; count++) {
    for (const chosen of indexCombinations(part.alternatives.length, count)) {
      for (const texts of expandEach(chosen.map((index) => part.alternatives[index]!), 0)) {
        yield texts.join(part.separator);
      }
    }
  }
}

/** The cartesian product of the expansions of `sequences`, first sequence changing slowest. */
function* expandEach(sequences: readonly PromptSequence[], from: number): Generator<string[]> {
  if (from === sequences.length) {
    yield [];
    return;
  }
  for (const head of expandSequence(sequences[from]!, 0)) {
    for (const tail of expandEach(sequences, from + 1)) yield [head, ...tail];
  }
}

/** Every choice of `k` indices of `n`, ascending, in lexicographic order. */
function* indexCombinations(n: number, k: number): Generator<number[]> {
  const chosen = Array.from({ length: k }, (_, index) => index);
  for (;;) {
    yield [...chosen];
    let position = k - 1;
    while (position >= 0 && chosen[position] === n - k + position) position--;
    if (position < 0) return;
    chosen[position]! += 1;
    for (let next = position + 1; next < k; next++) chosen[next] = chosen[next - 1]! + 1;
  }
}

function randomVariant(part: VariantPart, random: SeededRandom): string {
  const count = part.min + random.nextIntInclusive(0, part.max - part.min);
  // A partial Fisher–Yates shuffle picks `count` different alternatives.
  const indices = part.alternatives.map((_, index) => index);
  for (let slot = 0; slot < count; slot++) {
    const swap = slot + random.nextIntInclusive(0, indices.length - slot - 1);
    [indices[slot], indices[swap]] = [indices[swap]!, indices[slot]!];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((index) => randomExpansion(part.alternatives[index]!, random))
    .join(part.separator);
}

/** The prompt-template input both prompt nodes take. */
export const promptTemplateField = () =>
  field.string({
    title: 'Prompt',
    description: 'The template, such as "a {red|blue} {cat|dog}".',
    ui: { widget: 'textarea', multiline: true, placeholder: 'a {red|blue} {cat|dog}' },
  });
