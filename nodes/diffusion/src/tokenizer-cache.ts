/**
 * The CLIP tokenizer of a model, read from its `tokenizer/` files through the model store and kept
 * per model key in a small LRU: parsing 49k merges takes tens of milliseconds, and a graph encodes
 * two prompts per model on every run. The same parsing rules as ClipTokenizer.fromFolder.
 */
import { NodeError, type ModelRef, type NodeContext } from '@pinksea/node-sdk';
import { CLIP_DEFAULT_MAX_LENGTH, ClipTokenizer, type ClipSpecialTokens } from './clip-tokenizer';
import { readModelText } from './sd-model';

/** Tokenizers kept at once; one per model a worker switches between. */
export const TOKENIZER_CACHE_SIZE = 4;
const cache = new Map<string, Promise<ClipTokenizer>>();

/** The tokenizer of the model `ref` names, parsed once per model key. */
export function tokenizerFor(ctx: NodeContext, ref: ModelRef, field: string): Promise<ClipTokenizer> {
  const cached = cache.get(ref.key);
  if (cached) {
    cache.delete(ref.key);
    cache.set(ref.key, cached); // most recently used last
    return cached;
  }
  const loading = readTokenizer(ctx, ref, field);
  cache.set(ref.key, loading);
  // A failed read is not kept: the next run reads the files again.
  loading.catch(() => cache.get(ref.key) === loading && cache.delete(ref.key));
  while (cache.size > TOKENIZER_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return loading;
}

/** Forgets every cached tokenizer (tests; a model replaced under the same key). */
export function clearTokenizerCache(): void {
  cache.clear();
}

async function readTokenizer(ctx: NodeContext, ref: ModelRef, field: string): Promise<ClipTokenizer> {
  const [vocabText, merges, specialText, configText] = await Promise.all([
    readModelText(ctx, ref, 'tokenizer/vocab.json', field),
    readModelText(ctx, ref, 'tokenizer/merges.txt', field),
    readModelText(ctx, ref, 'tokenizer/special_tokens_map.json', field, true),
    readModelText(ctx, ref, 'tokenizer/tokenizer_config.json', field, true),
  ]);
  const vocab = parseJson(vocabText, 'vocab.json', field);
  if (!isRecord(vocab) || !Object.values(vocab).every((id) => Number.isInteger(id))) {
    throw new NodeError('invalid_model_file', "The model's tokenizer/vocab.json must map each token to an integer id.", { field });
  }
  const config = configText === undefined ? {} : parseJson(configText, 'tokenizer_config.json', field);
  const specialMap = specialText === undefined ? {} : parseJson(specialText, 'special_tokens_map.json', field);
  const specialTokens: Partial<ClipSpecialTokens> = {};
  for (const key of ['bos', 'eos', 'unk', 'pad'] as const) {
    const value = tokenContent(isRecord(specialMap) ? specialMap[`${key}_token`] : undefined) ?? tokenContent(isRecord(config) ? config[`${key}_token`] : undefined);
    if (value !== undefined) specialTokens[key] = value;
  }
  const configured = isRecord(config) ? config['model_max_length'] : undefined;
  // Configs without a limit carry a huge sentinel (1e30): keep CLIP's 77 then.
  const maxLength =
    typeof configured === 'number' && Number.isInteger(configured) && configured >= 3 && configured <= 4096 ? configured : CLIP_DEFAULT_MAX_LENGTH;
  const lowerCase = isRecord(config) && typeof config['do_lower_case'] === 'boolean' ? config['do_lower_case'] : true;
  const cleanUpSpaces = isRecord(config) && config['clean_up_tokenization_spaces'] === true;
  return ClipTokenizer.fromData({ vocab: vocab as Record<string, number>, merges, specialTokens, maxLength, lowerCase, cleanUpSpaces });
}

function parseJson(text: string, name: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NodeError('invalid_model_file', `The model's tokenizer/${name} is not valid JSON.`, { field });
  }
}

function tokenContent(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value['content'] === 'string') return value['content'];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
