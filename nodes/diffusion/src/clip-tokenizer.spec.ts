import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NodeError } from '@pinksea/node-sdk';
import { byteLevelVocab, ClipTokenizer, parseMerges } from './clip-tokenizer';

const MERGES: [string, string][] = [
  ['c', 'a'], // 512 "ca"
  ['ca', 't</w>'], // 513 "cat</w>"
  ['t', 'h'], // 514 "th"
  ['th', 'e</w>'], // 515 "the</w>"
  ['d', 'o'], // 516 "do"
  ['do', 'g</w>'], // 517 "dog</w>"
];
const MERGES_TXT = `#version: 0.2\n${MERGES.map((pair) => pair.join(' ')).join('\n')}\n`;
const VOCAB = byteLevelVocab(MERGES);
/** The id of a token of the test vocabulary, and of the byte character closing a word. */
const byte = (char: string): number => VOCAB[char];
const last = (char: string): number => VOCAB[`${char}</w>`];

function tokenizer(): ClipTokenizer {
  return ClipTokenizer.fromData({ vocab: byteLevelVocab(MERGES), merges: MERGES_TXT });
}

describe('ClipTokenizer', () => {
  it('lays out the test vocabulary like CLIP: bytes, bytes with </w>, merges, then the special tokens', () => {
    const vocab = byteLevelVocab(MERGES);
    // bytes_to_unicode order: printable bytes first ("!" is 0), then byte 0 as U+0100 at 188.
    expect(vocab['!']).toBe(0);
    expect(vocab['a']).toBe(64);
    expect(vocab['Ā']).toBe(188);
    expect(vocab['Ġ']).toBe(188 + 32); // the space byte
    expect(vocab['!</w>']).toBe(256);
    expect(vocab['cat</w>']).toBe(513);
    expect(vocab['<|startoftext|>']).toBe(518);
    expect(vocab['<|endoftext|>']).toBe(519);
  });

  it('exposes the special ids, the comma id and the 77-id window of CLIP', () => {
    const tok = tokenizer();
    expect(tok.bosId).toBe(518);
    expect(tok.eosId).toBe(519);
    expect(tok.padId).toBe(519);
    expect(tok.unkId).toBe(519);
    expect(tok.commaId).toBe(last(','));
    expect(tok.maxLength).toBe(77);
    expect(tok.vocabSize).toBe(520);
  });

  it('applies merges by rank and closes each word with </w>', () => {
    const tok = tokenizer();
    expect(tok.encode('cat')).toEqual([513]);
    expect(tok.encode('the cat')).toEqual([515, 513]);
    expect(tok.encode('cats')).toEqual([512, byte('t'), last('s')]);
    expect(tok.encode('a')).toEqual([last('a')]);
    expect(tok.tokenize('cats')).toEqual(['ca', 't', 's</w>']);
  });

  it('prefers the lower-ranked merge when two compete', () => {
    const bcFirst = ClipTokenizer.fromData({ vocab: byteLevelVocab([['b', 'c</w>'], ['a', 'b']]), merges: [['b', 'c</w>'], ['a', 'b']] });
    expect(bcFirst.tokenize('abc')).toEqual(['a', 'bc</w>']);
    const abFirst = ClipTokenizer.fromData({ vocab: byteLevelVocab([['a', 'b'], ['b', 'c</w>']]), merges: [['a', 'b'], ['b', 'c</w>']] });
    expect(abFirst.tokenize('abc')).toEqual(['ab', 'c</w>']);
  });

  it('merges left to right without overlapping', () => {
    const merges: [string, string][] = [['a', 'a']];
    const tok = ClipTokenizer.fromData({ vocab: byteLevelVocab(merges), merges });
    expect(tok.tokenize('aaa')).toEqual(['aa', 'a</w>']);
    expect(tok.tokenize('aaaa')).toEqual(['aa', 'a', 'a</w>']);
  });

  it('lowercases and collapses whitespace', () => {
    const tok = tokenizer();
    expect(tok.encode('THE Cat')).toEqual([515, 513]);
    expect(tok.encode('  the\n\t cat  ')).toEqual([515, 513]);
    expect(tok.encode('')).toEqual([]);
    expect(tok.encode(' \n ')).toEqual([]);
  });

  it('splits punctuation runs, contractions and digits', () => {
    const tok = tokenizer();
    expect(tok.encode('cat, dog!')).toEqual([513, last(','), 517, last('!')]);
    expect(tok.encode('a...b')).toEqual([last('a'), byte('.'), byte('.'), last('.'), last('b')]);
    expect(tok.encode("don't")).toEqual([516, last('n'), byte("'"), last('t')]);
    expect(tok.encode('123')).toEqual([last('1'), last('2'), last('3')]);
    expect(tok.encode('cat9')).toEqual([513, last('9')]);
  });

  it('encodes non-ASCII text through its UTF-8 bytes', () => {
    const tok = tokenizer();
    // é is C3 A9: the characters Ã and ©, both printable bytes.
    expect(tok.tokenize('café')).toEqual(['ca', 'f', 'Ã', '©</w>']);
    expect(tok.encode('café')).toEqual([512, byte('f'), byte('Ã'), last('©')]);
    expect(tok.encode('cafe\u0301')).toEqual(tok.encode('café')); // NFC first
    // 🐱 is F0 9F 90 B1; 0x9F and 0x90 are not printable, so they map past U+0100.
    expect(tok.tokenize('🐱')).toEqual(['ð', 'Ł', '\u0132', '±</w>']);
    expect(tok.encode('🐱')).toEqual([byte('ð'), byte('Ł'), byte('\u0132'), last('±')]);
    // CJK characters become one word each, as BERT's basic tokenizer spaces them (猫 is E7 8C AB).
    expect(tok.tokenize('猫猫')).toEqual(['ç', 'Į', '«</w>', 'ç', 'Į', '«</w>']);
  });

  it('drops control and format characters like BERT cleanup does', () => {
    const tok = tokenizer();
    expect(tok.encode('c\u0000at')).toEqual([513]);
    expect(tok.encode('c\u200bat')).toEqual([513]);
    expect(tok.encode('the\u00a0cat')).toEqual([515, 513]);
  });

  it('recognizes the special tokens written in the text', () => {
    const tok = tokenizer();
    expect(tok.encode('<|startoftext|>a cat<|endoftext|>')).toEqual([518, last('a'), 513, 519]);
    expect(tok.encode('<|STARTOFTEXT|>')).toEqual([518]);
  });

  it('maps pieces missing from the vocabulary to unk', () => {
    const vocab = byteLevelVocab(MERGES);
    delete vocab['x</w>'];
    const tok = ClipTokenizer.fromData({ vocab, merges: MERGES_TXT });
    expect(tok.encode('x cat')).toEqual([519, 513]);
  });

  it('decodes back to text with word ends as spaces', () => {
    const tok = tokenizer();
    expect(tok.decode(tok.encode('The cat, the dog!'))).toBe('the cat , the dog !');
    expect(tok.decode(tok.encode('café 🐱 123'))).toBe('café 🐱 1 2 3');
    expect(tok.decode(tok.encode("The cat's dog, it's a dog!"), { cleanUpSpaces: true })).toBe("the cat's dog, it's a dog!");
    expect(tok.decode([518, 513, 519, 519])).toBe('<|startoftext|>cat <|endoftext|><|endoftext|>');
    expect(tok.decode([518, 513, 519, 519], { skipSpecialTokens: true })).toBe('cat');
    expect(() => tok.decode([9999])).toThrowError(RangeError, /9999/);
  });

  it('takes special tokens and the length from the data, as SD 2.x pads with "!"', () => {
    const tok = ClipTokenizer.fromData({ vocab: byteLevelVocab(MERGES), merges: MERGES_TXT, specialTokens: { pad: '!' }, maxLength: 64 });
    expect(tok.padId).toBe(0);
    expect(tok.eosId).toBe(519);
    expect(tok.maxLength).toBe(64);
  });

  it('refuses special tokens missing from the vocabulary', () => {
    expect(() => ClipTokenizer.fromData({ vocab: { a: 0 }, merges: '' })).toThrowMatching(
      (error) => error instanceof NodeError && /unk_token "<\|endoftext\|>"/.test(error.message),
    );
  });

  it('parses merges.txt, skipping the version header and blank lines', () => {
    expect(parseMerges('#version: 0.2\nc a\r\nca t</w>\n\n')).toEqual([['c', 'a'], ['ca', 't</w>']]);
    expect(parseMerges('c a')).toEqual([['c', 'a']]);
  });

  it('tokenizes a 77-token prompt in well under a millisecond once warm', () => {
    const tok = tokenizer();
    const prompt = Array.from({ length: 38 }, (_, i) => (i % 2 === 0 ? 'the cat,' : 'dog')).join(' ');
    expect(tok.encode(prompt).length).toBeGreaterThan(50);
    for (let i = 0; i < 50; i += 1) tok.encode(prompt);
    const runs = 500;
    const start = performance.now();
    for (let i = 0; i < runs; i += 1) tok.encode(prompt);
    expect((performance.now() - start) / runs).toBeLessThan(0.5);
  });

  describe('fromFolder', () => {
    let folder: string;

    beforeEach(async () => {
      folder = await mkdtemp(path.join(os.tmpdir(), 'clip-tokenizer-'));
      await writeFile(path.join(folder, 'vocab.json'), JSON.stringify(byteLevelVocab(MERGES)));
      await writeFile(path.join(folder, 'merges.txt'), MERGES_TXT);
    });

    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    it('falls back to CLIP defaults without the optional files', async () => {
      const tok = await ClipTokenizer.fromFolder(folder);
      expect(tok.encode('the cat')).toEqual([515, 513]);
      expect([tok.bosId, tok.eosId, tok.padId, tok.maxLength]).toEqual([518, 519, 519, 77]);
    });

    it('reads special tokens as strings or { content } objects, and the length from the config', async () => {
      await writeFile(
        path.join(folder, 'special_tokens_map.json'),
        JSON.stringify({ bos_token: { content: '<|startoftext|>', lstrip: false }, pad_token: '!' }),
      );
      await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 64, do_lower_case: true }));
      const tok = await ClipTokenizer.fromFolder(folder);
      expect([tok.bosId, tok.eosId, tok.padId, tok.maxLength]).toEqual([518, 519, 0, 64]);
    });

    it('keeps 77 when the config carries the "no limit" sentinel', async () => {
      await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30 }));
      expect((await ClipTokenizer.fromFolder(folder)).maxLength).toBe(77);
    });

    it('names the missing required file', async () => {
      await rm(path.join(folder, 'merges.txt'));
      await expectAsync(ClipTokenizer.fromFolder(folder)).toBeRejectedWith(
        jasmine.objectContaining({ code: 'tokenizer_file_missing', message: jasmine.stringContaining('merges.txt') }),
      );
      await rm(path.join(folder, 'vocab.json'));
      await expectAsync(ClipTokenizer.fromFolder(folder)).toBeRejectedWithError(NodeError, /vocab\.json/);
    });

    it('reports a vocab.json that is not JSON', async () => {
      await writeFile(path.join(folder, 'vocab.json'), '{ nope');
      await expectAsync(ClipTokenizer.fromFolder(folder)).toBeRejectedWithError(NodeError, /vocab\.json .*not valid JSON/);
    });
  });
});
