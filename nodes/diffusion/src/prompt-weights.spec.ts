import { parsePromptWeights, type PromptFragment } from './prompt-weights';

/** Fragments as [text, weight] pairs, weights rounded for comparison. */
function parse(prompt: string): [string, number][] {
  return parsePromptWeights(prompt).map((fragment: PromptFragment) => [fragment.text, Math.round(fragment.weight * 1e6) / 1e6]);
}

describe('parsePromptWeights', () => {
  it('gives plain text one fragment at weight 1, and an empty prompt none', () => {
    expect(parse('a photo of a cat')).toEqual([['a photo of a cat', 1]]);
    expect(parse('')).toEqual([]);
  });

  it('multiplies by 1.1 per round bracket and divides by 1.1 per square bracket', () => {
    expect(parse('a (cat)')).toEqual([['a ', 1], ['cat', 1.1]]);
    expect(parse('((cat))')).toEqual([['cat', 1.21]]);
    expect(parse('(((cat)))')).toEqual([['cat', 1.331]]);
    expect(parse('[cat]')).toEqual([['cat', 0.909091]]);
    expect(parse('[[cat]]')).toEqual([['cat', 0.826446]]);
    expect(parse('([cat])')).toEqual([['cat', 1]]);
  });

  it('rounds weights so that nested factors compare exactly', () => {
    expect(parsePromptWeights('((cat))')[0].weight).toBe(1.21);
  });

  it('sets explicit weights and multiplies them through nesting', () => {
    expect(parse('(cat:1.3)')).toEqual([['cat', 1.3]]);
    expect(parse('(cat: 0.5 )')).toEqual([['cat', 0.5]]);
    expect(parse('(cat:.5)')).toEqual([['cat', 0.5]]);
    expect(parse('(a (b:1.5))')).toEqual([['a ', 1.1], ['b', 1.65]]);
    expect(parse('((cat:1.5))')).toEqual([['cat', 1.65]]);
    expect(parse('(cat:0)')).toEqual([['cat', 0]]);
    expect(parse('(cat:-1)')).toEqual([['cat', -1]]);
  });

  it('keeps a colon that is not a weight as text', () => {
    expect(parse('(word:bad)')).toEqual([['word:bad', 1.1]]);
    expect(parse('(a:1.2.3)')).toEqual([['a:1.2.3', 1.1]]);
    expect(parse('ratio 16:9')).toEqual([['ratio 16:9', 1]]);
    expect(parse('cat:1.3)')).toEqual([['cat:1.3)', 1]]);
  });

  it('splits around groups and keeps whitespace as written', () => {
    expect(parse('a (red:1.2) cat, [blurry]')).toEqual([
      ['a ', 1],
      ['red', 1.2],
      [' cat, ', 1],
      ['blurry', 0.909091],
    ]);
  });

  it('merges adjacent fragments of equal weight', () => {
    expect(parse('(a)(b)')).toEqual([['ab', 1.1]]);
    expect(parse('(a:1.1) (b)')).toEqual([['a', 1.1], [' ', 1], ['b', 1.1]]);
    expect(parse('x ([y]) z')).toEqual([['x y z', 1]]);
  });

  it('treats escaped brackets and backslashes as text', () => {
    expect(parse('\\(cat\\)')).toEqual([['(cat)', 1]]);
    expect(parse('\\[cat\\]')).toEqual([['[cat]', 1]]);
    expect(parse('a \\\\ b')).toEqual([['a \\ b', 1]]);
    expect(parse('(\\(cat\\))')).toEqual([['(cat)', 1.1]]);
    expect(parse('path\\to')).toEqual([['path\\to', 1]]);
    expect(parse('end\\')).toEqual([['end\\', 1]]);
  });

  it('takes unbalanced brackets as literal text and never throws', () => {
    expect(parse('(cat')).toEqual([['(cat', 1]]);
    expect(parse('cat)')).toEqual([['cat)', 1]]);
    expect(parse('[cat')).toEqual([['[cat', 1]]);
    expect(parse('cat]')).toEqual([['cat]', 1]]);
    expect(parse('((cat)')).toEqual([['(', 1], ['cat', 1.1]]);
    expect(parse('(a [b)')).toEqual([['a [b', 1.1]]);
    expect(parse('(a [b) c]')).toEqual([['a [b', 1.1], [' c]', 1]]);
    expect(parse('(cat:1.3')).toEqual([['(cat:1.3', 1]]);
    for (const prompt of ['(((', ')))', '[(])', ':)', '(:)', '\\', '+-+', '(-)', '()+', '(a)1.', '[]']) {
      expect(() => parsePromptWeights(prompt)).not.toThrow();
    }
  });

  it('drops empty groups', () => {
    expect(parse('a () b')).toEqual([['a  b', 1]]);
    expect(parse('()')).toEqual([]);
  });

  it('applies + and - suffixes to the word before them', () => {
    expect(parse('a cat+')).toEqual([['a ', 1], ['cat', 1.1]]);
    expect(parse('a cat++ on a mat')).toEqual([['a ', 1], ['cat', 1.21], [' on a mat', 1]]);
    expect(parse('cat-')).toEqual([['cat', 0.9]]);
    expect(parse('cat--, dog')).toEqual([['cat', 0.81], [', dog', 1]]);
    expect(parse('red,cat+')).toEqual([['red,', 1], ['cat', 1.1]]);
    expect(parse('(cat+)')).toEqual([['cat', 1.21]]);
    expect(parse('(cat+:1.5)')).toEqual([['cat', 1.65]]);
  });

  it('leaves + and - inside words or standing alone as text', () => {
    expect(parse('x-ray, t-shirt')).toEqual([['x-ray, t-shirt', 1]]);
    expect(parse('a - b')).toEqual([['a - b', 1]]);
    expect(parse('--ar 16')).toEqual([['--ar 16', 1]]);
    expect(parse('a+b')).toEqual([['a+b', 1]]);
    expect(parse('+ cat')).toEqual([['+ cat', 1]]);
  });

  it('lets a suffix after a group set its factor instead of 1.1', () => {
    expect(parse('(a b)+')).toEqual([['a b', 1.1]]);
    expect(parse('(a b)++ c')).toEqual([['a b', 1.21], [' c', 1]]);
    expect(parse('(a b)-')).toEqual([['a b', 0.9]]);
    expect(parse('(a b)1.3')).toEqual([['a b', 1.3]]);
    expect(parse('(a b)0.5, c')).toEqual([['a b', 0.5], [', c', 1]]);
    expect(parse('((a)+ b)-')).toEqual([['a', 0.99], [' b', 0.9]]);
  });

  it('does not read tags that start with a digit as a group weight', () => {
    expect(parse('(masterpiece)1girl')).toEqual([['masterpiece', 1.1], ['1girl', 1]]);
    expect(parse('(cat)2 dogs')).toEqual([['cat', 1.1], ['2 dogs', 1]]);
    expect(parse('(cat)-ish')).toEqual([['cat', 1.1], ['-ish', 1]]);
  });
});
