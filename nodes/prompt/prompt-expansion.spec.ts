import { parsePrompt } from './dynamic-prompt';
import { combinations, combinatorialPrompts, randomExpansion, randomPrompts, take } from './prompt-expansion';
import { SeededRandom } from '@pinksea/node-sdk';

describe('combinatorialPrompts', () => {
  it('lists every combination, the last variant changing fastest', () => {
    expect(combinatorialPrompts('a {red|blue} {cat|dog}', 100)).toEqual(['a red cat', 'a red dog', 'a blue cat', 'a blue dog']);
  });

  it('expands nested variants and empty alternatives in written order', () => {
    expect(combinatorialPrompts('{a|{b|c}} cat', 100)).toEqual(['a cat', 'b cat', 'c cat']);
    expect(combinatorialPrompts('{|big }dog', 100)).toEqual(['dog', 'big dog']);
  });

  it('gives text without variants as one prompt, escapes resolved', () => {
    expect(combinatorialPrompts('a \\{literal\\} cat', 100)).toEqual(['a {literal} cat']);
    expect(combinatorialPrompts('', 100)).toEqual(['']);
  });

  it('picks N different alternatives in written order, joined with ", "', () => {
    expect(combinatorialPrompts('{2$$a|b|c}', 100)).toEqual(['a, b', 'a, c', 'b, c']);
    expect(combinatorialPrompts('{1-2$$a|b}', 100)).toEqual(['a', 'b', 'a, b']);
    expect(combinatorialPrompts('{2$$ and $$x|{y|z}}', 100)).toEqual(['x and y', 'x and z']);
    expect(combinatorialPrompts('{0-1$$a}!', 100)).toEqual(['!', 'a!']);
  });

  it('keeps duplicates, as dynamicprompts does', () => {
    expect(combinatorialPrompts('{a|a}', 100)).toEqual(['a', 'a']);
  });

  it('stops at the max without expanding the rest of a huge template', () => {
    const huge = Array.from({ length: 40 }, () => '{0|1}').join('');
    expect(combinatorialPrompts(huge, 3)).toEqual(['0'.repeat(40), '0'.repeat(39) + '1', '0'.repeat(38) + '10']);
    expect(take(combinations(parsePrompt('{a|b}')), 0)).toEqual([]);
  });
});

describe('randomPrompts', () => {
  const template = 'a {red|green|blue} {cat|dog|{small|big} bird} with {2$$hat|scarf|boots}';

  it('is deterministic for a seed and varies with the seed', () => {
    expect(randomPrompts(template, 7, 5)).toEqual(randomPrompts(template, 7, 5));
    expect(randomPrompts(template, 7, 20)).not.toEqual(randomPrompts(template, 8, 20));
  });

  it('returns exactly the count asked for, each one a combinatorial expansion', () => {
    const all = new Set(combinatorialPrompts(template, 10_000));
    const drawn = randomPrompts(template, 99, 50);
    expect(drawn.length).toBe(50);
    for (const prompt of drawn) expect(all.has(prompt)).withContext(prompt).toBeTrue();
  });

  it('reaches every alternative over many seeds', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, seed) => randomPrompts('{a|b|c|}', seed, 1)[0]));
    expect([...seen].sort()).toEqual(['', 'a', 'b', 'c']);
  });

  it('continues one stream across prompts', () => {
    const random = new SeededRandom(5);
    const parsed = parsePrompt(template);
    const expected = [randomExpansion(parsed, random), randomExpansion(parsed, random)];
    expect(randomPrompts(template, 5, 2)).toEqual(expected);
  });
});
