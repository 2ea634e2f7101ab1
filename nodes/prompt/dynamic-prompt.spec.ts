import { NodeError } from '@pinksea/node-sdk';
import { describePosition, parsePrompt } from './dynamic-prompt';

function syntaxError(source: string): NodeError {
  let caught: unknown;
  try {
    parsePrompt(source);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(NodeError);
  return caught as NodeError;
}

describe('parsePrompt', () => {
  it('keeps plain text as one part', () => {
    expect(parsePrompt('a cat | a dog')).toEqual([{ kind: 'text', text: 'a cat | a dog' }]);
    expect(parsePrompt('')).toEqual([]);
  });

  it('reads alternatives, nested variants and empty alternatives', () => {
    const [variant, rest] = parsePrompt('{|big {red|blue} }dog');
    expect(rest).toEqual({ kind: 'text', text: 'dog' });
    expect(variant).toEqual(
      jasmine.objectContaining({
        kind: 'variant',
        offset: 0,
        min: 1,
        max: 1,
        alternatives: [
          [],
          [
            { kind: 'text', text: 'big ' },
            jasmine.objectContaining({ kind: 'variant', alternatives: [[{ kind: 'text', text: 'red' }], [{ kind: 'text', text: 'blue' }]] }),
            { kind: 'text', text: ' ' },
          ],
        ],
      }),
    );
  });

  it('turns escaped braces, pipes, dollars and backslashes into text, and keeps other escapes', () => {
    expect(parsePrompt('\\{a\\|b\\} \\$\\$ \\\\ \\(weighted\\)')).toEqual([
      { kind: 'text', text: '{a|b} $$ \\ \\(weighted\\)' },
    ]);
    expect(parsePrompt('{x\\}|y}')[0]).toEqual(
      jasmine.objectContaining({ alternatives: [[{ kind: 'text', text: 'x}' }], [{ kind: 'text', text: 'y' }]] }),
    );
  });

  it('reads pick counts, ranges and separators', () => {
    expect(parsePrompt('{2$$a|b|c}')[0]).toEqual(jasmine.objectContaining({ min: 2, max: 2, separator: ', ' }));
    expect(parsePrompt('{ 1 - 3 $$a|b|c}')[0]).toEqual(jasmine.objectContaining({ min: 1, max: 3 }));
    const [variant] = parsePrompt('{2$$ and $$a|b}');
    expect(variant).toEqual(jasmine.objectContaining({ min: 2, max: 2, separator: ' and ' }));
    expect(variant?.kind === 'variant' && variant.alternatives.length).toBe(2);
  });

  it('reports an unclosed brace where it opens', () => {
    const error = syntaxError('a {red|{blue|green} cat');
    expect(error.code).toBe('invalid_prompt_syntax');
    expect(error.field).toBe('prompt');
    expect(error.kind).toBe('user');
    expect(error.message).toContain('Unclosed "{" at character 3');
  });

  it('reports a closing brace that closes nothing', () => {
    const error = syntaxError('{a|b}} cat');
    expect(error.message).toContain('Unexpected "}" at character 6');
    expect(error.field).toBe('prompt');
  });

  it('gives line and column in a multiline prompt', () => {
    expect(syntaxError('a cat\non a {mat').message).toContain('character 12 (line 2, column 6)');
    expect(describePosition('abc', 1)).toBe('character 2');
  });

  it('rejects bad pick counts, saying where', () => {
    expect(syntaxError('{4$$a|b|c}').message).toContain('Bad pick count at character 2: it asks for 4 of only 3 alternatives');
    expect(syntaxError('x {0$$a|b}').message).toContain('Bad pick count at character 4');
    expect(syntaxError('{3-1$$a|b|c}').message).toContain('Bad pick count');
    expect(syntaxError('{two$$a|b}').message).toContain('got "two"');
    expect(syntaxError('{a$$b|c}').code).toBe('invalid_prompt_syntax');
  });

  it('allows a dollar that is not a pick', () => {
    expect(parsePrompt('{$5|\\$$10}')[0]).toEqual(
      jasmine.objectContaining({ alternatives: [[{ kind: 'text', text: '$5' }], [{ kind: 'text', text: '$$10' }]] }),
    );
  });
});
