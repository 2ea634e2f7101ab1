/**
 * Weighted prompts cut into CLIP windows. A text encoder sees 77 ids at a time, so a longer prompt
 * goes through it in windows of 75 content tokens whose embeddings are concatenated, as A1111 and
 * InvokeAI do. Each window is laid out as HF's tokenizer pads: bos, content, eos, then pad up to 77.
 */
import { NodeError } from '@pinksea/node-sdk';
import type { PromptFragment } from './prompt-weights';

/** What windowing needs of a tokenizer; `ClipTokenizer` has it all. */
export interface WindowTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  /** Ids per window, bos and eos included (77). */
  readonly maxLength: number;
  /** The id of `,</w>`; without one, windows never break at commas. */
  readonly commaId?: number | undefined;
  encode(text: string): number[];
}

export interface PromptWindow {
  /** Exactly `maxLength` ids: bos, up to `maxLength - 2` content ids, eos, pad. */
  ids: number[];
  /** One weight per id: the fragment's for content, 1 for bos, eos and pad. */
  weights: number[];
}

export interface WeightedTokens {
  windows: PromptWindow[];
  /** Content tokens in the prompt, special tokens not counted. */
  tokenCount: number;
}

export interface WindowOptions {
  /** Windows allowed before the prompt is refused as too long (default 3: 225 tokens with CLIP). */
  maxWindows?: number;
  /**
   * How far back from a full window to look for a comma to break after (A1111's
   * `comma_padding_backtrack`, default 20); 0 always splits hard.
   */
  commaBacktrack?: number;
}

export const DEFAULT_MAX_WINDOWS = 3;
export const DEFAULT_COMMA_BACKTRACK = 20;

interface Chunk {
  ids: number[];
  weights: number[];
}

export function tokenizeWeighted(
  tokenizer: WindowTokenizer,
  fragments: readonly PromptFragment[],
  options: WindowOptions = {},
): WeightedTokens {
  const maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
  const backtrack = options.commaBacktrack ?? DEFAULT_COMMA_BACKTRACK;
  if (!Number.isInteger(maxWindows) || maxWindows < 1) throw new RangeError(`maxWindows must be a positive integer, got ${maxWindows}`);
  if (!Number.isInteger(backtrack) || backtrack < 0) throw new RangeError(`commaBacktrack must be a non-negative integer, got ${backtrack}`);
  const chunkLength = tokenizer.maxLength - 2;
  if (!Number.isInteger(chunkLength) || chunkLength < 1) throw new RangeError(`The tokenizer's maxLength must be at least 3, got ${tokenizer.maxLength}`);

  // A1111's tokenize_line: fill chunks; when one is full and the next token is not a comma, move
  // what follows a comma among the last `backtrack` tokens on to the next chunk.
  const chunks: Chunk[] = [];
  let chunk: Chunk = { ids: [], weights: [] };
  let lastComma = -1;
  let tokenCount = 0;
  const nextChunk = (): void => {
    chunks.push(chunk);
    chunk = { ids: [], weights: [] };
    lastComma = -1;
  };

  for (const fragment of fragments) {
    for (const id of tokenizer.encode(fragment.text)) {
      tokenCount += 1;
      if (id === tokenizer.commaId) {
        lastComma = chunk.ids.length;
      } else if (backtrack > 0 && chunk.ids.length === chunkLength && lastComma !== -1 && chunk.ids.length - lastComma <= backtrack) {
        const breakAt = lastComma + 1;
        const moved: Chunk = { ids: chunk.ids.slice(breakAt), weights: chunk.weights.slice(breakAt) };
        chunk.ids.length = breakAt;
        chunk.weights.length = breakAt;
        nextChunk();
        chunk = moved;
      }
      if (chunk.ids.length === chunkLength) nextChunk();
      chunk.ids.push(id);
      chunk.weights.push(fragment.weight);
    }
  }
  if (chunk.ids.length > 0 || chunks.length === 0) chunks.push(chunk);

  if (chunks.length > maxWindows) {
    const limit = maxWindows * chunkLength;
    throw new NodeError(
      'prompt_too_long',
      `The prompt is ${tokenCount} tokens long and needs ${chunks.length} windows of ${chunkLength} tokens; ` +
        `at most ${maxWindows} windows (${limit} tokens) are allowed. Shorten the prompt.`,
      { field: 'prompt' },
    );
  }
  return { windows: chunks.map((content) => toWindow(tokenizer, content)), tokenCount };
}

/** bos, content, eos, then pad to `maxLength`; bos, eos and pad weigh 1. */
function toWindow(tokenizer: WindowTokenizer, content: Chunk): PromptWindow {
  const ids = [tokenizer.bosId, ...content.ids, tokenizer.eosId];
  const weights = [1, ...content.weights, 1];
  while (ids.length < tokenizer.maxLength) {
    ids.push(tokenizer.padId);
    weights.push(1);
  }
  return { ids, weights };
}
