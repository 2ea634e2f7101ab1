import { NodeError } from '@pinksea/node-sdk';
import { byteLevelVocab, ClipTokenizer } from './clip-tokenizer';
import { parsePromptWeights } from './prompt-weights';
import { tokenizeWeighted, type WindowTokenizer } from './prompt-windows';

const MERGES: [string, string][] = [
  ['c', 'a'], // 512 "ca"
  ['ca', 't</w>'], // 513 "cat</w>"
  ['d', 'o'], // 514 "do"
  ['do', 'g</w>'], // 515 "dog</w>"
];
const VOCAB = byteLevelVocab(MERGES);
const CAT = 513;
const DOG = 515;
const COMMA = VOCAB[',</w>'];
const BOS = 516;
const EOS = 517;

const tokenizer = ClipTokenizer.fromData({ vocab: VOCAB, merges: MERGES });
const cats = (count: number): string => 'cat '.repeat(count);
const plain = (text: string): { text: string; weight: number }[] => [{ text, weight: 1 }];
const repeat = <T>(value: T, count: number): T[] => new Array<T>(count).fill(value);

describe('tokenizeWeighted', () => {
  it('lays a short prompt out as bos, content, eos, then pad to 77', () => {
    const { windows, tokenCount } = tokenizeWeighted(tokenizer, plain('a cat'));
    expect(tokenCount).toBe(2);
    expect(windows.length).toBe(1);
    expect(windows[0].ids).toEqual([BOS, VOCAB['a</w>'], CAT, EOS, ...repeat(EOS, 73)]);
    expect(windows[0].weights).toEqual(repeat(1, 77));
  });

  it('pads with the pad id after the eos, as SD 2.x tokenizers pad with "!"', () => {
    const sd2 = ClipTokenizer.fromData({ vocab: VOCAB, merges: MERGES, specialTokens: { pad: '!' } });
    const { windows } = tokenizeWeighted(sd2, plain('cat'));
    expect(windows[0].ids).toEqual([BOS, CAT, EOS, ...repeat(VOCAB['!'], 74)]);
  });

  it('gives an empty prompt one window of bos, eos and pad', () => {
    for (const fragments of [[], plain(''), [{ text: '  ', weight: 1.5 }]]) {
      const { windows, tokenCount } = tokenizeWeighted(tokenizer, fragments);
      expect(tokenCount).toBe(0);
      expect(windows.length).toBe(1);
      expect(windows[0].ids).toEqual([BOS, EOS, ...repeat(EOS, 75)]);
      expect(windows[0].weights).toEqual(repeat(1, 77));
    }
  });

  it('fits exactly 75 tokens in one window', () => {
    const { windows } = tokenizeWeighted(tokenizer, plain(cats(75)));
    expect(windows.length).toBe(1);
    expect(windows[0].ids).toEqual([BOS, ...repeat(CAT, 75), EOS]);
  });

  it('splits 76 tokens into two windows of 77 ids', () => {
    const { windows, tokenCount } = tokenizeWeighted(tokenizer, plain(cats(76)));
    expect(tokenCount).toBe(76);
    expect(windows.length).toBe(2);
    expect(windows[0].ids).toEqual([BOS, ...repeat(CAT, 75), EOS]);
    expect(windows[1].ids).toEqual([BOS, CAT, EOS, ...repeat(EOS, 74)]);
    expect(windows.every((window) => window.ids.length === 77 && window.weights.length === 77)).toBeTrue();
  });

  it('breaks a full window after a comma among its last 20 tokens', () => {
    // 70 cats, a comma, 10 dogs: the 76th token moves the 4 dogs after the comma on.
    const { windows } = tokenizeWeighted(tokenizer, plain(`${cats(70)}, ${'dog '.repeat(10)}`));
    expect(windows.length).toBe(2);
    expect(windows[0].ids).toEqual([BOS, ...repeat(CAT, 70), COMMA, EOS, ...repeat(EOS, 4)]);
    expect(windows[1].ids).toEqual([BOS, ...repeat(DOG, 10), EOS, ...repeat(EOS, 65)]);
  });

  it('uses the last of several commas and splits hard when the comma is further back', () => {
    const lastComma = tokenizeWeighted(tokenizer, plain(`${cats(60)}, ${cats(9)}, ${cats(10)}`)).windows;
    expect(lastComma[0].ids.slice(1, 72)).toEqual([...repeat(CAT, 60), COMMA, ...repeat(CAT, 9), COMMA]);
    expect(lastComma[0].ids[72]).toBe(EOS);
    expect(lastComma[1].ids.slice(0, 12)).toEqual([BOS, ...repeat(CAT, 10), EOS]);

    const farComma = tokenizeWeighted(tokenizer, plain(`${cats(50)}, ${cats(30)}`)).windows;
    expect(farComma[0].ids).toEqual([BOS, ...repeat(CAT, 50), COMMA, ...repeat(CAT, 24), EOS]);
    expect(farComma[1].ids.slice(0, 8)).toEqual([BOS, ...repeat(CAT, 6), EOS]);
  });

  it('does not move anything when the 76th token is itself a comma', () => {
    const { windows } = tokenizeWeighted(tokenizer, plain(`${cats(75)}, dog`));
    expect(windows[0].ids).toEqual([BOS, ...repeat(CAT, 75), EOS]);
    expect(windows[1].ids.slice(0, 4)).toEqual([BOS, COMMA, DOG, EOS]);
  });

  it('splits hard when comma backtracking is off', () => {
    const { windows } = tokenizeWeighted(tokenizer, plain(`${cats(70)}, ${'dog '.repeat(10)}`), { commaBacktrack: 0 });
    expect(windows[0].ids).toEqual([BOS, ...repeat(CAT, 70), COMMA, ...repeat(DOG, 4), EOS]);
  });

  it('gives every token the weight of its fragment', () => {
    const { windows } = tokenizeWeighted(tokenizer, parsePromptWeights('a (cat:1.5), [dog]'));
    expect(windows[0].ids.slice(0, 6)).toEqual([BOS, VOCAB['a</w>'], CAT, COMMA, DOG, EOS]);
    expect(windows[0].weights.slice(0, 6).map((w) => Math.round(w * 1e6) / 1e6)).toEqual([1, 1, 1.5, 1, 0.909091, 1]);
    expect(windows[0].weights.slice(6)).toEqual(repeat(1, 71));
  });

  it('carries weights across windows, moved tokens included', () => {
    const fragments = [
      { text: `${cats(70)},`, weight: 1 },
      { text: 'dog '.repeat(10), weight: 1.3 },
    ];
    const { windows } = tokenizeWeighted(tokenizer, fragments);
    expect(windows[0].weights).toEqual(repeat(1, 77));
    expect(windows[1].weights).toEqual([1, ...repeat(1.3, 10), ...repeat(1, 66)]);
  });

  it('accepts 225 tokens in the default 3 windows', () => {
    const { windows } = tokenizeWeighted(tokenizer, plain(cats(225)));
    expect(windows.length).toBe(3);
  });

  it('refuses a prompt that needs more windows than allowed, naming the field, count and limit', () => {
    const tooLong = (): unknown => tokenizeWeighted(tokenizer, plain(cats(226)));
    expect(tooLong).toThrowError(NodeError, /226 tokens.*at most 3 windows \(225 tokens\)/);
    expect(tooLong).toThrowMatching((error) => error instanceof NodeError && error.field === 'prompt' && error.code === 'prompt_too_long');
    expect(() => tokenizeWeighted(tokenizer, plain(cats(76)), { maxWindows: 1 })).toThrowError(
      NodeError,
      'The prompt is 76 tokens long and needs 2 windows of 75 tokens; at most 1 windows (75 tokens) are allowed. Shorten the prompt.',
    );
    expect(tokenizeWeighted(tokenizer, plain(cats(300)), { maxWindows: 4 }).windows.length).toBe(4);
  });

  it('refuses nonsense options as a caller bug', () => {
    expect(() => tokenizeWeighted(tokenizer, plain('cat'), { maxWindows: 0 })).toThrowError(RangeError);
    expect(() => tokenizeWeighted(tokenizer, plain('cat'), { commaBacktrack: -1 })).toThrowError(RangeError);
  });

  it('works with any tokenizer of the shape, without a comma id', () => {
    const stub: WindowTokenizer = { bosId: 1, eosId: 2, padId: 0, maxLength: 6, encode: (text) => [...text].map((c) => c.charCodeAt(0)) };
    const { windows } = tokenizeWeighted(stub, plain('abcde'));
    expect(windows.map((window) => window.ids)).toEqual([
      [1, 97, 98, 99, 100, 2],
      [1, 101, 2, 0, 0, 0],
    ]);
  });
});
