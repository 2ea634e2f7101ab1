/**
 * Writes a TINY Stable Diffusion 1.x pipeline with the folder layout and tensor interfaces of a
 * diffusers ONNX export (model_index.json, scheduler/, tokenizer/, text_encoder/, unet/, vae_decoder/,
 * vae_encoder/), and small deterministic weights: tests, benchmarks and the demo run it where no real
 * model can be downloaded, and a real export runs unchanged through the same code.
 *
 * The parts, chosen to be cheap, exact where that helps tests, and sane in a sampler:
 * - tokenizer: CLIP byte-level BPE; merges learnt from a built-in English word list, so common
 *   prompt words are single tokens (1,340 ids with the built-in list, specials last, as in CLIP).
 * - text_encoder: token embedding + position embedding (positions wrap every 77), plus the causal
 *   running mean of those (so each state depends on all earlier tokens, as in CLIP's causal attention),
 *   through MatMul 768x768 + Tanh. `pooler_output` is the state at the first end-of-text token, found
 *   as the argmax of the ids like CLIP does.
 * - unet: the ideal noise predictor for a data set that is one flat latent μ(prompt):
 *   eps = (sample - sqrt(ᾱ_t)·μ) / sqrt(1 - ᾱ_t) + Conv3x3(sample) (small, seed-dependent texture),
 *   with ᾱ_t gathered from SD's scaled-linear schedule by the timestep and
 *   μ = 0.15·tanh(mean over the sequence of encoder_hidden_states · W). A DDIM/Euler run thus lands
 *   near μ (a flat colour per prompt) and never explodes; classifier-free guidance scales μ's text part.
 * - vae_encoder: AveragePool 8x8 then a 1x1 Conv 3→4 with W = [I; mean row]; vae_decoder: a 1x1 Conv
 *   4→3 with W's left inverse, then nearest Resize x8. Images of flat 8x8 blocks round-trip exactly;
 *   values stay linear (callers clamp).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attr, writeOnnxModel, type OnnxInitializer, type OnnxNodeSpec } from './onnx-writer';

export interface TinySdOptions {
  /** Seeds every weight; the same seed writes byte-identical files. Default 1. */
  readonly seed?: number;
  /**
   * Makes the UNet heavier, for benchmarks that want a realistic cost per step: a branch of 3x3
   * convolutions with this many hidden channels (4 → n → n → n → 4, ReLU between, tanh at the
   * end, scaled to at most ±0.05) added to the prediction, so it stays a bounded epsilon
   * predictor. Left out (the default), the UNet and every other file are as without the option.
   */
  readonly unetChannels?: number;
}

export const TINY_SD_HIDDEN_SIZE = 768;
export const TINY_SD_MAX_POSITIONS = 77;
export const TINY_SD_TRAIN_TIMESTEPS = 1000;
/** How far the UNet's target latent μ reaches per channel (|μ| < this). */
const MU_RANGE = 0.15;
/** The heavy branch's bound (|branch| ≤ this): texture, not a force that could blow up. */
const HEAVY_BRANCH_RANGE = 0.05;
/** Hidden 3x3 convolutions (n → n) in the heavy branch, besides the first (4 → n) and last (n → 4). */
const HEAVY_HIDDEN_LAYERS = 2;

export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
} as const;

/** ᾱ_t of SD's scaled-linear schedule: betas = linspace(√0.00085, √0.012, 1000)², ᾱ = cumprod(1 - β). */
export function scaledLinearAlphasCumprod(steps = TINY_SD_TRAIN_TIMESTEPS, betaStart = 0.00085, betaEnd = 0.012): Float64Array {
  const alphas = new Float64Array(steps);
  const [from, to] = [Math.sqrt(betaStart), Math.sqrt(betaEnd)];
  let product = 1;
  for (let t = 0; t < steps; t += 1) {
    const beta = (from + ((to - from) * t) / (steps - 1)) ** 2;
    product *= 1 - beta;
    alphas[t] = product;
  }
  return alphas;
}

/** Writes the whole pipeline folder (created if missing; existing files are overwritten). */
export async function buildTinySdPipeline(folder: string, options: TinySdOptions = {}): Promise<void> {
  const heavy = options.unetChannels;
  if (heavy !== undefined && !(Number.isInteger(heavy) && heavy >= 1)) throw new RangeError(`buildTinySdPipeline: unetChannels must be a positive integer; got ${heavy}`);
  const random = new SeededRandom(options.seed ?? 1);
  const tokenizer = buildClipTokenizer(TINY_SD_WORDS);
  const files: Record<string, string | Buffer> = {
    'model_index.json': json({
      _class_name: 'OnnxStableDiffusionPipeline',
      _diffusers_version: '0.30.0',
      feature_extractor: [null, null],
      requires_safety_checker: false,
      safety_checker: [null, null],
      scheduler: ['diffusers', 'PNDMScheduler'],
      text_encoder: ['diffusers', 'OnnxRuntimeModel'],
      tokenizer: ['transformers', 'CLIPTokenizer'],
      unet: ['diffusers', 'OnnxRuntimeModel'],
      vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
      vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
    }),
    'scheduler/scheduler_config.json': json(SD15_SCHEDULER_CONFIG),
    'tokenizer/vocab.json': json(tokenizer.vocab),
    'tokenizer/merges.txt': ['#version: 0.2', ...tokenizer.merges, ''].join('\n'),
    'tokenizer/special_tokens_map.json': json({ bos_token: BOS, eos_token: EOS, pad_token: EOS, unk_token: EOS }),
    'tokenizer/tokenizer_config.json': json({
      add_prefix_space: false,
      bos_token: BOS,
      clean_up_tokenization_spaces: true,
      do_lower_case: true,
      eos_token: EOS,
      errors: 'replace',
      model_max_length: TINY_SD_MAX_POSITIONS,
      pad_token: EOS,
      tokenizer_class: 'CLIPTokenizer',
      unk_token: EOS,
    }),
    'text_encoder/model.onnx': textEncoder(Object.keys(tokenizer.vocab).length, random),
    'unet/model.onnx': unet(random, heavy),
    'vae_encoder/model.onnx': vaeEncoder(),
    'vae_decoder/model.onnx': vaeDecoder(),
  };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await writeFile(path.join(folder, file), content);
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

// ---------------------------------------------------------------------------------------------
// Weights

/** mulberry32: a small, fast PRNG whose stream depends only on the seed (no platform maths). */
class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Zero-mean values with the given standard deviation (uniform, so only + - * / are used). */
  weights(count: number, std: number): Float32Array {
    const out = new Float32Array(count);
    const half = std * Math.sqrt(3);
    for (let i = 0; i < count; i += 1) out[i] = (this.next() * 2 - 1) * half;
    return out;
  }
}

const f32 = (name: string, dims: readonly number[], data: Float32Array | readonly number[]): OnnxInitializer => ({ name, type: 'float32', dims, data });
const i64 = (name: string, dims: readonly number[], data: readonly number[]): OnnxInitializer => ({ name, type: 'int64', dims, data });
const op = (opType: string, inputs: string[], output: string, attributes?: OnnxNodeSpec['attributes']): OnnxNodeSpec => ({
  opType,
  inputs,
  outputs: [output],
  name: output,
  ...(attributes ? { attributes } : {}),
});

// ---------------------------------------------------------------------------------------------
// Models

function textEncoder(vocabSize: number, random: SeededRandom): Buffer {
  const hidden = TINY_SD_HIDDEN_SIZE;
  return writeOnnxModel({
    graphName: 'tiny_text_encoder',
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }],
    outputs: [
      { name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', hidden] },
      { name: 'pooler_output', type: 'float32', shape: ['batch', hidden] },
    ],
    initializers: [
      f32('token_embedding', [vocabSize, hidden], random.weights(vocabSize * hidden, 0.5)),
      f32('position_embedding', [TINY_SD_MAX_POSITIONS, hidden], random.weights(TINY_SD_MAX_POSITIONS * hidden, 0.1)),
      f32('proj_weight', [hidden, hidden], random.weights(hidden * hidden, 1 / Math.sqrt(hidden))),
      f32('proj_bias', [hidden], random.weights(hidden, 0.05)),
      i64('one_index', [], [1]),
      i64('zero', [], [0]),
      i64('one', [], [1]),
      i64('max_positions', [], [TINY_SD_MAX_POSITIONS]),
      f32('one_f', [], [1]),
      i64('axis_1', [1], [1]),
      i64('axis_2', [1], [2]),
      i64('axis_last', [1], [-1]),
    ],
    nodes: [
      op('Gather', ['token_embedding', 'input_ids'], 'tokens', { axis: attr.int(0) }),
      // Positions 0..sequence-1, wrapping every 77 so concatenated prompt windows are accepted too.
      op('Shape', ['input_ids'], 'ids_shape'),
      op('Gather', ['ids_shape', 'one_index'], 'sequence', { axis: attr.int(0) }),
      op('Range', ['zero', 'sequence', 'one'], 'positions'),
      op('Mod', ['positions', 'max_positions'], 'position_ids'),
      op('Gather', ['position_embedding', 'position_ids'], 'position_states', { axis: attr.int(0) }),
      op('Add', ['tokens', 'position_states'], 'embedded'),
      // Causal running mean over the sequence: state i sees tokens 0..i.
      op('CumSum', ['embedded', 'one_index'], 'running_sum'),
      op('Cast', ['positions'], 'positions_f', { to: attr.int(1) }),
      op('Add', ['positions_f', 'one_f'], 'counts'),
      op('Unsqueeze', ['counts', 'axis_last'], 'counts_column'),
      op('Div', ['running_sum', 'counts_column'], 'running_mean'),
      op('Add', ['embedded', 'running_mean'], 'mixed'),
      op('MatMul', ['mixed', 'proj_weight'], 'projected'),
      op('Add', ['projected', 'proj_bias'], 'biased'),
      op('Tanh', ['biased'], 'last_hidden_state'),
      // Pooled: the state at the first end-of-text token, the highest id (CLIP's argmax rule).
      op('Cast', ['input_ids'], 'ids_f', { to: attr.int(1) }),
      op('ArgMax', ['ids_f'], 'eos_position', { axis: attr.int(1), keepdims: attr.int(1) }),
      op('Equal', ['positions', 'eos_position'], 'eos_mask_bool'),
      op('Cast', ['eos_mask_bool'], 'eos_mask_f', { to: attr.int(1) }),
      op('Unsqueeze', ['eos_mask_f', 'axis_2'], 'eos_mask'),
      op('Mul', ['last_hidden_state', 'eos_mask'], 'eos_states'),
      op('ReduceSum', ['eos_states', 'axis_1'], 'pooler_output', { keepdims: attr.int(0) }),
    ],
  });
}

function unet(random: SeededRandom, heavyChannels?: number): Buffer {
  const alphas = scaledLinearAlphasCumprod();
  const invSigma = new Float32Array(alphas.length);
  const signalOverSigma = new Float32Array(alphas.length);
  alphas.forEach((alpha, t) => {
    invSigma[t] = 1 / Math.sqrt(1 - alpha);
    signalOverSigma[t] = Math.sqrt(alpha) / Math.sqrt(1 - alpha);
  });
  const textWeight = random.weights(TINY_SD_HIDDEN_SIZE * 4, 2 / Math.sqrt(TINY_SD_HIDDEN_SIZE));
  const textBias = random.weights(4, 0.3);
  // Conv output ≈ 0.05 of the sample's scale: texture, not a force that could blow up.
  const textureKernel = random.weights(4 * 4 * 9, 0.05 / 6);
  // The heavy branch draws its weights after the others: the light part is the same with or without it.
  const branch = heavyChannels === undefined ? undefined : heavyBranch(random, heavyChannels);
  return writeOnnxModel({
    graphName: 'tiny_unet',
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: [1] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'sequence', TINY_SD_HIDDEN_SIZE] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    initializers: [
      f32('inv_sigma', [alphas.length], invSigma),
      f32('signal_over_sigma', [alphas.length], signalOverSigma),
      i64('t_min', [], [0]),
      i64('t_max', [], [alphas.length - 1]),
      f32('text_weight', [TINY_SD_HIDDEN_SIZE, 4], textWeight),
      f32('text_bias', [4], textBias),
      f32('mu_range', [], [MU_RANGE]),
      i64('spatial_axes', [2], [2, 3]),
      f32('texture_kernel', [4, 4, 3, 3], textureKernel),
      ...(branch?.initializers ?? []),
    ],
    nodes: [
      op('Clip', ['timestep', 't_min', 't_max'], 't'),
      op('Gather', ['inv_sigma', 't'], 'inv_sigma_t', { axis: attr.int(0) }),
      op('Gather', ['signal_over_sigma', 't'], 'signal_over_sigma_t', { axis: attr.int(0) }),
      op('ReduceMean', ['encoder_hidden_states'], 'text_mean', { axes: attr.ints([1]), keepdims: attr.int(0) }),
      op('MatMul', ['text_mean', 'text_weight'], 'text_projected'),
      op('Add', ['text_projected', 'text_bias'], 'text_biased'),
      op('Tanh', ['text_biased'], 'text_squashed'),
      op('Mul', ['text_squashed', 'mu_range'], 'mu_flat'),
      op('Unsqueeze', ['mu_flat', 'spatial_axes'], 'mu'),
      op('Mul', ['sample', 'inv_sigma_t'], 'scaled_sample'),
      op('Mul', ['mu', 'signal_over_sigma_t'], 'scaled_mu'),
      op('Sub', ['scaled_sample', 'scaled_mu'], 'ideal_noise'),
      op('Conv', ['sample', 'texture_kernel'], 'texture', { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) }),
      ...(branch
        ? [...branch.nodes, op('Add', ['ideal_noise', 'texture'], 'light_sample'), op('Add', ['light_sample', branch.output], 'out_sample')]
        : [op('Add', ['ideal_noise', 'texture'], 'out_sample')]),
    ],
  });
}

/**
 * sample → Conv 4→n, ReLU, (Conv n→n, ReLU) × HEAVY_HIDDEN_LAYERS, Conv n→4, tanh, × 0.05: the
 * cost of a real UNet's convolutions at the sample's resolution, with a bounded output.
 */
function heavyBranch(random: SeededRandom, channels: number): { initializers: OnnxInitializer[]; nodes: OnnxNodeSpec[]; output: string } {
  const widths = [4, ...Array<number>(HEAVY_HIDDEN_LAYERS + 1).fill(channels), 4];
  const initializers: OnnxInitializer[] = [f32('heavy_range', [], [HEAVY_BRANCH_RANGE])];
  const nodes: OnnxNodeSpec[] = [];
  let input = 'sample';
  for (let layer = 0; layer + 1 < widths.length; layer += 1) {
    const [inC, outC] = [widths[layer]!, widths[layer + 1]!];
    const last = layer + 2 === widths.length;
    // He initialisation keeps activations near unit scale through the ReLUs.
    initializers.push(f32(`heavy_w${layer}`, [outC, inC, 3, 3], random.weights(outC * inC * 9, Math.sqrt((last ? 1 : 2) / (inC * 9)))));
    initializers.push(f32(`heavy_b${layer}`, [outC], random.weights(outC, 0.01)));
    nodes.push(op('Conv', [input, `heavy_w${layer}`, `heavy_b${layer}`], `heavy_conv${layer}`, { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) }));
    input = `heavy_conv${layer}`;
    if (!last) {
      nodes.push(op('Relu', [input], `heavy_relu${layer}`));
      input = `heavy_relu${layer}`;
    }
  }
  nodes.push(op('Tanh', [input], 'heavy_squashed'), op('Mul', ['heavy_squashed', 'heavy_range'], 'heavy_texture'));
  return { initializers, nodes, output: 'heavy_texture' };
}

/** Latent channels from RGB: the three colours, then their mean. */
const VAE_ENCODE: readonly (readonly number[])[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
  [1 / 3, 1 / 3, 1 / 3],
];
/** (WᵀW)⁻¹Wᵀ for W above: WᵀW = I + 11ᵀ/9, whose inverse is I - 11ᵀ/12. */
const VAE_DECODE: readonly (readonly number[])[] = [0, 1, 2].map((row) => [...[0, 1, 2].map((col) => (row === col ? 1 : 0) - 1 / 12), 1 / 4]);

function vaeEncoder(): Buffer {
  return writeOnnxModel({
    graphName: 'tiny_vae_encoder',
    inputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'latent_height', 'latent_width'] }],
    initializers: [f32('to_latent', [4, 3, 1, 1], VAE_ENCODE.flat())],
    nodes: [
      op('AveragePool', ['sample'], 'pooled', { kernel_shape: attr.ints([8, 8]), strides: attr.ints([8, 8]) }),
      op('Conv', ['pooled', 'to_latent'], 'latent_sample', { kernel_shape: attr.ints([1, 1]) }),
    ],
  });
}

function vaeDecoder(): Buffer {
  return writeOnnxModel({
    graphName: 'tiny_vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'latent_height', 'latent_width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [f32('to_rgb', [3, 4, 1, 1], VAE_DECODE.flat()), f32('upscale', [4], [1, 1, 8, 8])],
    nodes: [
      op('Conv', ['latent_sample', 'to_rgb'], 'small_rgb', { kernel_shape: attr.ints([1, 1]) }),
      op('Resize', ['small_rgb', '', 'upscale'], 'sample', {
        mode: attr.string('nearest'),
        coordinate_transformation_mode: attr.string('asymmetric'),
        nearest_mode: attr.string('floor'),
      }),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';

/** GPT-2's byte-to-unicode table: each byte's character, and the bytes in CLIP's vocabulary order (printable first). */
export function bytesToUnicode(): { readonly charOf: readonly string[]; readonly order: readonly number[] } {
  const order: number[] = [];
  for (const [from, to] of [[33, 126], [161, 172], [174, 255]] as const) for (let b = from; b <= to; b += 1) order.push(b);
  const charOf = new Array<string>(256);
  for (const b of order) charOf[b] = String.fromCharCode(b);
  let extra = 0;
  for (let b = 0; b < 256; b += 1) {
    if (charOf[b] !== undefined) continue;
    order.push(b);
    charOf[b] = String.fromCharCode(256 + extra);
    extra += 1;
  }
  return { charOf, order };
}

export interface ClipTokenizerFiles {
  /** Token → id: bytes, bytes + `</w>`, one per merge, then BOS and EOS. */
  readonly vocab: Readonly<Record<string, number>>;
  /** `left right` lines in rank order (without the `#version` header). */
  readonly merges: readonly string[];
}

/** Learns BPE merges over the words until each is one token (or no new token can be made). */
export function buildClipTokenizer(words: readonly string[]): ClipTokenizerFiles {
  const { charOf, order } = bytesToUnicode();
  const base = order.map((byte) => charOf[byte]!);
  const tokens = [...base, ...base.map((char) => `${char}</w>`)];
  const known = new Set(tokens);
  const merges: string[] = [];
  const segmented = [...new Set(words.map((word) => word.toLowerCase()))].map((word) => {
    const chars = [...Buffer.from(word, 'utf8')].map((byte) => charOf[byte]!);
    chars[chars.length - 1] += '</w>';
    return chars;
  });
  for (;;) {
    const counts = new Map<string, number>();
    for (const symbols of segmented)
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        // A pair whose token exists already would give the vocabulary a duplicate: CLIP's has none.
        if (known.has(symbols[i]! + symbols[i + 1]!)) continue;
        const pair = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    // The most frequent pair; ties go to the alphabetically first, so the result is deterministic.
    let best: string | undefined;
    let bestCount = 0;
    for (const [pair, count] of counts) if (count > bestCount || (count === bestCount && pair < best!)) [best, bestCount] = [pair, count];
    if (!best) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push(best);
    tokens.push(left + right);
    known.add(left + right);
    for (const symbols of segmented)
      for (let i = 0; i + 1 < symbols.length; i += 1) if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
  }
  tokens.push(BOS, EOS);
  return { vocab: Object.fromEntries(tokens.map((token, id) => [token, id])), merges };
}

/** Common English and prompt words, learnt into single tokens. */
export const TINY_SD_WORDS: readonly string[] = `
a an the of and or with in on at by for from to into over under near behind above below through
is are was be it its this that these those my your his her their our very more most no not
photo photograph picture image painting drawing sketch illustration render portrait landscape
art artwork style studio detailed highly high quality best masterpiece realistic photorealistic
cinematic lighting light dark bright soft hard sharp focus blurry blur bokeh depth field shot
close up closeup wide angle view lens camera film digital oil watercolor ink pencil charcoal
acrylic canvas poster concept anime cartoon comic vintage retro modern classic abstract surreal
fantasy science fiction epic beautiful pretty cute ugly old young small big large tiny huge tall
short long round square colorful vivid pale warm cold hot cool glowing shiny golden silver
red blue green yellow orange purple pink brown black white gray grey cyan magenta teal
cat cats dog dogs bird birds fish horse cow sheep lion tiger bear wolf fox rabbit mouse deer
dragon monster robot alien animal animals creature owl eagle butterfly insect snake frog
man woman men women boy girl child children person people face eyes hair hand hands smile
king queen knight warrior wizard witch princess soldier astronaut doctor chef artist
house home building city town village street road bridge tower castle church temple room
window door wall floor roof garden park forest tree trees flower flowers grass leaf leaves
mountain mountains hill hills valley river lake sea ocean beach island desert field fields
sky cloud clouds sun moon star stars space planet galaxy night day morning evening sunset
sunrise rain snow storm fog mist winter summer spring autumn fall weather water fire ice
stone rock sand wood metal glass gold steel paper car cars train boat ship plane bicycle
table chair bed book books cup bottle food fruit apple bread cake coffee tea pizza
standing sitting walking running flying swimming sleeping looking holding wearing playing
dress shirt hat coat suit armor crown mask glasses jacket boots
trending artstation unreal engine octane detail details intricate elegant smooth
background foreground center scene composition color colors texture pattern shadow shadows
`
  .split(/\s+/)
  .filter((word) => word.length > 0);
