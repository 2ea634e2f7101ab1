/**
 * The CLIP tokenizer of a model, read from its `tokenizer/` files through the model store and kept
 * per model key in a small LRU: parsing 49k merges takes tens of milliseconds, and a graph encodes
 * two prompts per model on every run. Parsed by ClipTokenizer.fromFiles, as fromFolder does.
 */
import { NodeError, type ModelRef, type NodeContext } from '@pinksea/node-sdk';
import { LRUCache } from 'lru-cache';
import { ClipTokenizer } from './clip-tokenizer';
import { readModelText } from './sd-model';

/** Tokenizers kept at once; one per model a worker switches between. */
export const TOKENIZER_CACHE_SIZE = 4;
const cache = new LRUCache<string, Promise<ClipTokenizer>>({ max: TOKENIZER_CACHE_SIZE });

/** The tokenizer of the model `ref` names, parsed once per model key. */
export function tokenizerFor(ctx: NodeContext, ref: ModelRef, field: string): Promise<ClipTokenizer> {
  const cached = cache.get(ref.key);
  if (cached) return cached;
  const loading = readTokenizer(ctx, ref, field);
  cache.set(ref.key, loading);
  // A failed read is not kept: the next run reads the files again.
  loading.catch(() => cache.peek(ref.key) === loading && cache.delete(ref.key));
  return loading;
}

/** Forgets every cached tokenizer (tests; a model replaced under the same key). */
export function clearTokenizerCache(): void {
  cache.clear();
}

async function readTokenizer(ctx: NodeContext, ref: ModelRef, field: string): Promise<ClipTokenizer> {
  const [vocab, merges, specialTokensMap, tokenizerConfig] = await Promise.all([
    readModelText(ctx, ref, 'tokenizer/vocab.json', field),
    readModelText(ctx, ref, 'tokenizer/merges.txt', field),
    readModelText(ctx, ref, 'tokenizer/special_tokens_map.json', field, true),
    readModelText(ctx, ref, 'tokenizer/tokenizer_config.json', field, true),
  ]);
  return ClipTokenizer.fromFiles(
    { vocab, merges, ...(specialTokensMap !== undefined ? { specialTokensMap } : {}), ...(tokenizerConfig !== undefined ? { tokenizerConfig } : {}) },
    (name, why) => new NodeError('invalid_model_file', `The model's tokenizer/${name} is invalid: ${why}.`, { field }),
  );
}
