/**
 * The CLIP byte-level BPE tokenizer, as Hugging Face's slow `CLIPTokenizer` runs it when ftfy is not
 * installed (the usual case): BERT's basic cleanup (control characters dropped, CJK characters split,
 * NFC, whitespace collapsed, lowercased), the CLIP split pattern, UTF-8 bytes mapped through GPT-2's
 * `bytes_to_unicode`, then BPE by merge rank with `</w>` closing each word. Pure apart from
 * `fromFolder`, which reads a diffusers `tokenizer/` folder.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NodeError } from '@pinksea/node-sdk';
import { LRUCache } from 'lru-cache';

/** The special tokens of a tokenizer, by their strings in the vocabulary. */
export interface ClipSpecialTokens {
  bos: string;
  eos: string;
  unk: string;
  pad: string;
}

export interface ClipTokenizerData {
  /** Token string → id, as in `vocab.json`. */
  vocab: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  /** `merges.txt` as text (a leading `#version` line is skipped) or as pairs in priority order. */
  merges: string | readonly (readonly [string, string])[];
  specialTokens?: Partial<ClipSpecialTokens>;
  /** Ids per sequence, special tokens included: 77 for every Stable Diffusion text encoder. */
  maxLength?: number;
  /** Lowercase the text (CLIP always does; only a config saying `do_lower_case: false` turns it off). */
  lowerCase?: boolean;
  /** `decode` removes the space before punctuation and contractions (HF's `clean_up_tokenization_spaces`). */
  cleanUpSpaces?: boolean;
}

export interface ClipDecodeOptions {
  /** Leave out bos, eos, unk and pad (with an SD 2.x tokenizer that includes every "!"). */
  skipSpecialTokens?: boolean;
  /** Overrides the tokenizer's `cleanUpSpaces` for this call. */
  cleanUpSpaces?: boolean;
}

export const CLIP_DEFAULT_SPECIAL_TOKENS: Readonly<ClipSpecialTokens> = {
  bos: '<|startoftext|>',
  eos: '<|endoftext|>',
  unk: '<|endoftext|>',
  pad: '<|endoftext|>',
};
export const CLIP_DEFAULT_MAX_LENGTH = 77;

/** HF keeps at most this many merges (`[1 : 49152 - 256 - 2 + 1]` of the lines). */
const MAX_MERGES = 49152 - 256 - 2;
/** Words cached, least recently used dropped first: bounds memory on long-running workers. */
const CACHE_LIMIT = 50_000;
const END_OF_WORD = '</w>';

/** The pattern of CLIP's `self.pat`: special tokens, English contractions, letter runs, single digits, symbol runs. */
const CLIP_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;
/** Characters BERT's `_clean_text` drops: NUL, U+FFFD and every `C*` category except tab, LF, CR. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DROPPED_CHARS = /[\u0000\uFFFD]|(?![\t\n\r])\p{C}/gu;
/** Ranges `_is_chinese_char` recognizes; BERT puts spaces around each such character. */
const CJK_CHARS = /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
/** Python's `str.split()` whitespace as BERT sees it: ASCII whitespace and `Zs`. */
const WHITESPACE_RUN = /[\s\p{Zs}]+/gu;
const ASCII_PRINTABLE = /^[\x20-\x7E]*$/;

const isPrintableByte = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
const ALL_BYTES = Array.from({ length: 256 }, (_, b) => b);
const PRINTABLE_BYTES = ALL_BYTES.filter(isPrintableByte);
/** Bytes in GPT-2's `bytes_to_unicode` order: the printable ones first, then the rest. CLIP's vocabulary starts so. */
const BYTE_ORDER: readonly number[] = [...PRINTABLE_BYTES, ...ALL_BYTES.filter((b) => !isPrintableByte(b))];

/** GPT-2's reversible map from each byte to a printable character (`bytes_to_unicode`), indexed by byte. */
const BYTE_ENCODER: readonly string[] = (() => {
  const table = new Array<string>(256);
  BYTE_ORDER.forEach((byte, index) => {
    // The printable bytes keep their own character; the others take U+0100 onwards, in byte order.
    table[byte] = index < PRINTABLE_BYTES.length ? String.fromCharCode(byte) : String.fromCharCode(256 + index - PRINTABLE_BYTES.length);
  });
  return table;
})();

const BYTE_DECODER = new Map<string, number>(BYTE_ENCODER.map((char, byte) => [char, byte]));
const UTF8 = new TextEncoder();

/** The byte-level characters of a piece, in the `bytes_to_unicode` alphabet. */
export function toByteChars(piece: string): string[] {
  const chars: string[] = [];
  for (const byte of UTF8.encode(piece)) chars.push(BYTE_ENCODER[byte]);
  return chars;
}

/**
 * A small byte-level vocabulary laid out like CLIP's: ids 0..255 the byte characters in
 * `bytes_to_unicode` order (so "!" is 0), 256..511 the
 * same with `</w>`, then one token per merge in order, then `<|startoftext|>` and `<|endoftext|>`.
 * Test pipelines and specs build their tokenizers from it.
 */
export function byteLevelVocab(merges: readonly (readonly [string, string])[]): Record<string, number> {
  const vocab: Record<string, number> = {};
  let next = 0;
  const add = (token: string): void => {
    if (!(token in vocab)) vocab[token] = next++;
  };
  for (const byte of BYTE_ORDER) add(BYTE_ENCODER[byte]);
  for (const byte of BYTE_ORDER) add(BYTE_ENCODER[byte] + END_OF_WORD);
  for (const [left, right] of merges) add(left + right);
  add(CLIP_DEFAULT_SPECIAL_TOKENS.bos);
  add(CLIP_DEFAULT_SPECIAL_TOKENS.eos);
  return vocab;
}

/** The texts of a tokenizer folder's files. */
export interface TokenizerFiles {
  readonly vocab: string;
  readonly merges: string;
  readonly specialTokensMap?: string;
  readonly tokenizerConfig?: string;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  readonly unkId: number;
  readonly maxLength: number;
  /** The id of `,</w>` where the vocabulary has one: prompt windows prefer to break after it. */
  readonly commaId: number | undefined;
  readonly specialTokens: Readonly<ClipSpecialTokens>;

  private readonly encoder: Map<string, number>;
  private readonly decoder: Map<number, string>;
  private readonly ranks: Map<string, number>;
  private readonly lowerCase: boolean;
  private readonly cleanUpSpaces: boolean;
  private readonly specialIds: ReadonlySet<number>;
  /** Piece (after cleanup and splitting) → its ids. */
  private readonly cache = new LRUCache<string, readonly number[]>({ max: CACHE_LIMIT });

  private constructor(data: ClipTokenizerData) {
    this.encoder = data.vocab instanceof Map ? new Map(data.vocab) : new Map(Object.entries(data.vocab));
    this.decoder = new Map();
    for (const [token, id] of this.encoder) this.decoder.set(id, token);
    this.ranks = new Map();
    const pairs = typeof data.merges === 'string' ? parseMerges(data.merges) : data.merges.slice(0, MAX_MERGES);
    // Later duplicates win, as with Python's dict(zip(merges, range(...))).
    pairs.forEach(([left, right], rank) => this.ranks.set(`${left} ${right}`, rank));

    this.specialTokens = { ...CLIP_DEFAULT_SPECIAL_TOKENS, ...definedOnly(data.specialTokens ?? {}) };
    this.unkId = this.requireId(this.specialTokens.unk, 'unk_token');
    this.bosId = this.requireId(this.specialTokens.bos, 'bos_token');
    this.eosId = this.requireId(this.specialTokens.eos, 'eos_token');
    this.padId = this.requireId(this.specialTokens.pad, 'pad_token');
    this.specialIds = new Set([this.bosId, this.eosId, this.unkId, this.padId]);
    this.commaId = this.encoder.get(`,${END_OF_WORD}`);
    this.maxLength = data.maxLength ?? CLIP_DEFAULT_MAX_LENGTH;
    if (!Number.isInteger(this.maxLength) || this.maxLength < 3) {
      throw new RangeError(`maxLength must be an integer of at least 3, got ${this.maxLength}`);
    }
    this.lowerCase = data.lowerCase ?? true;
    this.cleanUpSpaces = data.cleanUpSpaces ?? false;
  }

  static fromData(data: ClipTokenizerData): ClipTokenizer {
    return new ClipTokenizer(data);
  }

  /**
   * From the texts of a tokenizer folder's files, with CLIP's defaults for what the optional two
   * leave out; `invalid(file, why)` makes the error for a file that is not what it should be.
   */
  static fromFiles(files: TokenizerFiles, invalid: (file: string, why: string) => Error): ClipTokenizer {
    const json = (name: string, text: string): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw invalid(name, `not valid JSON (${(error as Error).message})`);
      }
    };
    const vocab = json('vocab.json', files.vocab);
    if (!isRecord(vocab) || !Object.values(vocab).every((id) => Number.isInteger(id))) throw invalid('vocab.json', 'expected an object mapping each token to an integer id');
    const config = files.tokenizerConfig === undefined ? {} : json('tokenizer_config.json', files.tokenizerConfig);
    const specialMap = files.specialTokensMap === undefined ? {} : json('special_tokens_map.json', files.specialTokensMap);
    const specialTokens: Partial<ClipSpecialTokens> = {};
    for (const key of ['bos', 'eos', 'unk', 'pad'] as const) {
      const value = tokenContent(isRecord(specialMap) ? specialMap[`${key}_token`] : undefined) ?? tokenContent(isRecord(config) ? config[`${key}_token`] : undefined);
      if (value !== undefined) specialTokens[key] = value;
    }
    const configured = isRecord(config) ? config['model_max_length'] : undefined;
    // Configs without a limit carry a huge sentinel (1e30): keep CLIP's 77 then.
    const maxLength = typeof configured === 'number' && Number.isInteger(configured) && configured >= 3 && configured <= 4096 ? configured : CLIP_DEFAULT_MAX_LENGTH;
    const lowerCase = isRecord(config) && typeof config['do_lower_case'] === 'boolean' ? config['do_lower_case'] : true;
    const cleanUpSpaces = isRecord(config) && config['clean_up_tokenization_spaces'] === true;
    return new ClipTokenizer({ vocab: vocab as Record<string, number>, merges: files.merges, specialTokens, maxLength, lowerCase, cleanUpSpaces });
  }

  /**
   * Reads `vocab.json` and `merges.txt` (both required) and, where present, `special_tokens_map.json`
   * and `tokenizer_config.json`; what those two leave out falls back to CLIP's defaults.
   */
  static async fromFolder(folder: string): Promise<ClipTokenizer> {
    const reads = await Promise.allSettled([
      readTokenizerFile(folder, 'vocab.json', true),
      readTokenizerFile(folder, 'merges.txt', true),
      readTokenizerFile(folder, 'special_tokens_map.json', false),
      readTokenizerFile(folder, 'tokenizer_config.json', false),
    ]);
    // The first problem in file order, whichever read failed first.
    const failed = reads.find((read) => read.status === 'rejected');
    if (failed) throw failed.reason;
    const [vocab, merges, specialTokensMap, tokenizerConfig] = reads.map((read) => (read as PromiseFulfilledResult<string | undefined>).value);
    return ClipTokenizer.fromFiles(
      { vocab: vocab!, merges: merges!, ...(specialTokensMap !== undefined ? { specialTokensMap } : {}), ...(tokenizerConfig !== undefined ? { tokenizerConfig } : {}) },
      (name, why) => invalidFile(folder, name, why),
    );
  }

  get vocabSize(): number {
    return this.encoder.size;
  }

  /** The ids of `text`, without bos/eos and without truncation. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.pieces(text)) {
      let pieceIds = this.cache.get(piece);
      if (pieceIds === undefined) {
        pieceIds = this.encodePiece(piece);
        this.cache.set(piece, pieceIds);
      }
      for (const id of pieceIds) ids.push(id);
    }
    return ids;
  }

  /** The BPE token strings of `text` (byte-level alphabet, `</w>` on word ends), for inspection. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.decoder.get(id) ?? this.specialTokens.unk);
  }

  /** Text back from ids: word ends become spaces, the whole is trimmed; special tokens stay unless skipped. */
  decode(ids: readonly number[], options: ClipDecodeOptions = {}): string {
    const bytes: number[] = [];
    for (const id of ids) {
      if (options.skipSpecialTokens && this.specialIds.has(id)) continue;
      const token = this.decoder.get(id);
      if (token === undefined) throw new RangeError(`Token id ${id} is not in the vocabulary`);
      for (const char of token) {
        const byte = BYTE_DECODER.get(char);
        if (byte !== undefined) bytes.push(byte);
        else for (const b of UTF8.encode(char)) bytes.push(b);
      }
    }
    const text = new TextDecoder('utf-8').decode(new Uint8Array(bytes)).replaceAll(END_OF_WORD, ' ').trim();
    return (options.cleanUpSpaces ?? this.cleanUpSpaces) ? cleanUpTokenizationSpaces(text) : text;
  }

  /** Cleaned, lowercased text split by CLIP's pattern. */
  private pieces(text: string): string[] {
    let clean: string;
    if (ASCII_PRINTABLE.test(text)) {
      clean = text;
    } else {
      clean = text.replace(DROPPED_CHARS, '').replace(CJK_CHARS, ' $& ').normalize('NFC');
    }
    clean = clean.replace(WHITESPACE_RUN, ' ').trim();
    if (this.lowerCase) clean = clean.toLowerCase();
    return clean.match(CLIP_PATTERN) ?? [];
  }

  private encodePiece(piece: string): number[] {
    if (piece === this.specialTokens.bos || piece === this.specialTokens.eos) {
      const id = this.encoder.get(piece);
      if (id !== undefined) return [id];
    }
    return this.bpe(toByteChars(piece)).map((token) => this.encoder.get(token) ?? this.unkId);
  }

  /** Merges the lowest-ranked adjacent pair until none of the pairs has a rank. */
  private bpe(chars: string[]): string[] {
    const word = chars.slice();
    word[word.length - 1] += END_OF_WORD;
    while (word.length > 1) {
      let bestRank = Infinity;
      let bestPair = '';
      for (let i = 0; i < word.length - 1; i += 1) {
        const pair = `${word[i]} ${word[i + 1]}`;
        const rank = this.ranks.get(pair);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestPair = pair;
        }
      }
      if (bestRank === Infinity) break;
      const space = bestPair.indexOf(' ');
      const first = bestPair.slice(0, space);
      const second = bestPair.slice(space + 1);
      // Left to right, without overlaps: "a a a" merging (a, a) gives "aa a", as HF does.
      let write = 0;
      for (let read = 0; read < word.length; read += 1) {
        if (read < word.length - 1 && word[read] === first && word[read + 1] === second) {
          word[write++] = first + second;
          read += 1;
        } else {
          word[write++] = word[read];
        }
      }
      word.length = write;
    }
    return word;
  }

  private requireId(token: string, name: string): number {
    const id = this.encoder.get(token);
    if (id === undefined) {
      throw new NodeError('tokenizer_invalid', `The tokenizer's ${name} "${token}" is not in its vocabulary`);
    }
    return id;
  }
}

/** The pairs of a `merges.txt`, in priority order, without the `#version` header. */
export function parseMerges(text: string): [string, string][] {
  const lines = text.trim().split(/\r?\n/);
  const body = lines.length > 0 && lines[0].startsWith('#version') ? lines.slice(1) : lines;
  const pairs: [string, string][] = [];
  for (const line of body.slice(0, MAX_MERGES)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 2) pairs.push([parts[0], parts[1]]);
  }
  return pairs;
}

/** HF's `clean_up_tokenization`: no space before . ? ! , and English contractions. */
function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

function definedOnly(tokens: Partial<ClipSpecialTokens>): Partial<ClipSpecialTokens> {
  return Object.fromEntries(Object.entries(tokens).filter(([, value]) => typeof value === 'string'));
}

/** A special token as `special_tokens_map.json` gives it: a string or `{ content: string }`. */
function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value['content'] === 'string') return value['content'];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readTokenizerFile(folder: string, name: string, required: boolean): Promise<string | undefined> {
  try {
    return await readFile(path.join(folder, name), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    if (code === 'ENOENT') {
      throw new NodeError('tokenizer_file_missing', `The tokenizer file ${name} is missing from ${folder}`);
    }
    throw new NodeError('tokenizer_unreadable', `The tokenizer file ${name} in ${folder} cannot be read: ${String(error)}`, {
      kind: 'transient',
    });
  }
}


function invalidFile(folder: string, name: string, why: string): NodeError {
  return new NodeError('tokenizer_invalid', `The tokenizer file ${name} in ${folder} is invalid: ${why}`);
}
