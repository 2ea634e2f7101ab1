import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { folderSize, probeModel } from '../../../services/models/onnx-probe';
import { BOS, buildTinySdPipeline, bytesToUnicode, EOS, scaledLinearAlphasCumprod, SD15_SCHEDULER_CONFIG } from './tiny-sd-pipeline';

async function listFiles(folder: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) files.push(...(await listFiles(path.join(folder, entry.name), `${prefix}${entry.name}/`)));
    else files.push(`${prefix}${entry.name}`);
  }
  return files.sort();
}

const maxAbs = (data: Float32Array) => data.reduce((worst, value) => Math.max(worst, Math.abs(value)), 0);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

/** Deterministic roughly unit-variance noise. */
function noise(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i += 1) {
    let sum = 0;
    for (let k = 0; k < 4; k += 1) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      sum += state / 2 ** 32 - 0.5;
    }
    out[i] = sum * Math.sqrt(3);
  }
  return out;
}

describe('tiny SD pipeline builder', () => {
  let dir: string;
  let folder: string;
  let vocab: Record<string, number>;
  const sessions: Record<string, InferenceSession> = {};

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-tiny-sd-'));
    folder = path.join(dir, 'seed-1');
    await buildTinySdPipeline(folder, { seed: 1 });
    vocab = JSON.parse(await readFile(path.join(folder, 'tokenizer', 'vocab.json'), 'utf8')) as Record<string, number>;
    for (const part of ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder']) sessions[part] = await InferenceSession.create(path.join(folder, part, 'model.onnx'));
  });
  afterAll(async () => {
    for (const session of Object.values(sessions)) await session.release();
    await rm(dir, { recursive: true, force: true });
  });

  /** CLIP-style ids for prompts made of vocabulary words: BOS, words, EOS, padded with EOS. */
  function ids(prompts: readonly string[], length = 77): Tensor {
    const data = new Int32Array(prompts.length * length).fill(vocab[EOS]!);
    prompts.forEach((prompt, row) => {
      const words = prompt.split(' ').filter(Boolean).map((word) => vocab[`${word}</w>`]!);
      expect(words).not.toContain(undefined as unknown as number);
      data.set([vocab[BOS]!, ...words, vocab[EOS]!], row * length);
    });
    return new Tensor('int32', data, [prompts.length, length]);
  }

  async function encodeText(prompts: readonly string[], length = 77): Promise<{ states: Tensor; pooled: Tensor }> {
    const out = await sessions['text_encoder']!.run({ input_ids: ids(prompts, length) });
    return { states: out['last_hidden_state']!, pooled: out['pooler_output']! };
  }

  async function unet(sample: Tensor, timestep: number, states: Tensor): Promise<Tensor> {
    const out = await sessions['unet']!.run({ sample, timestep: new Tensor('int64', BigInt64Array.from([BigInt(timestep)]), [1]), encoder_hidden_states: states });
    return out['out_sample']!;
  }

  it('writes the diffusers ONNX layout, under 10 MB, that the probe calls a main sd-1 model', async () => {
    expect(await listFiles(folder)).toEqual([
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/model.onnx',
      'tokenizer/merges.txt',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'unet/model.onnx',
      'vae_decoder/model.onnx',
      'vae_encoder/model.onnx',
    ]);
    expect(await folderSize(folder)).toBeLessThan(10 * 1024 * 1024);
    const probe = await probeModel(folder);
    expect(probe.type).toBe('main');
    expect(probe.base).toBe('sd-1');
    expect(probe.graphs['unet/model.onnx']).toEqual({
      inputs: [
        { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
        { name: 'timestep', type: 'int64', shape: [1] },
        { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'sequence', 768] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    });
    expect(probe.graphs['text_encoder/model.onnx']!.inputs).toEqual([{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }]);
    expect(probe.graphs['text_encoder/model.onnx']!.outputs.map((o) => o.name)).toEqual(['last_hidden_state', 'pooler_output']);
    expect(probe.graphs['vae_encoder/model.onnx']!.outputs.map((o) => o.name)).toEqual(['latent_sample']);
    expect(probe.graphs['vae_decoder/model.onnx']!.inputs.map((o) => o.name)).toEqual(['latent_sample']);
    const index = JSON.parse(await readFile(path.join(folder, 'model_index.json'), 'utf8')) as Record<string, unknown>;
    expect(index['_class_name']).toBe('OnnxStableDiffusionPipeline');
    expect(index['unet']).toEqual(['diffusers', 'OnnxRuntimeModel']);
    expect(JSON.parse(await readFile(path.join(folder, 'scheduler', 'scheduler_config.json'), 'utf8'))).toEqual(SD15_SCHEDULER_CONFIG);
  });

  it('writes a CLIP BPE tokenizer: bytes, bytes</w>, one token per merge, then the specials', async () => {
    const merges = (await readFile(path.join(folder, 'tokenizer', 'merges.txt'), 'utf8')).split('\n').filter(Boolean);
    expect(merges[0]).toBe('#version: 0.2');
    const { charOf, order } = bytesToUnicode();
    const size = Object.keys(vocab).length;
    expect(size).toBe(512 + merges.length - 1 + 2);
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(2000);
    expect(vocab['!']).toBe(0);
    order.forEach((byte, id) => {
      expect(vocab[charOf[byte]!]).toBe(id);
      expect(vocab[`${charOf[byte]}</w>`]).toBe(256 + id);
    });
    merges.slice(1).forEach((merge, rank) => expect(vocab[merge.replace(' ', '')]).withContext(merge).toBe(512 + rank));
    expect(vocab[BOS]).toBe(size - 2);
    expect(vocab[EOS]).toBe(size - 1);
    for (const word of 'a photo of cat dog red blue house tree mountain sky portrait landscape painting'.split(' ')) expect(vocab[`${word}</w>`]).withContext(word).toBeDefined();
    const config = JSON.parse(await readFile(path.join(folder, 'tokenizer', 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual(jasmine.objectContaining({ model_max_length: 77, do_lower_case: true, tokenizer_class: 'CLIPTokenizer' }));
    const special = JSON.parse(await readFile(path.join(folder, 'tokenizer', 'special_tokens_map.json'), 'utf8')) as Record<string, unknown>;
    expect(special).toEqual({ bos_token: BOS, eos_token: EOS, pad_token: EOS, unk_token: EOS });
  });

  it('encodes text to [batch, sequence, 768] states, pooled at the end-of-text token, for 77 and 154 tokens', async () => {
    for (const length of [77, 154]) {
      const { states, pooled } = await encodeText(['a photo of a cat', 'a red house on a mountain'], length);
      expect(states.dims).toEqual([2, length, 768]);
      expect(pooled.dims).toEqual([2, 768]);
      const data = states.data as Float32Array;
      expect(data.every(Number.isFinite)).toBeTrue();
      // Row 0's EOS is at position 6 (BOS + five words), row 1's at 7.
      expect(maxDiff((pooled.data as Float32Array).slice(0, 768), data.slice(6 * 768, 7 * 768))).toBe(0);
      expect(maxDiff((pooled.data as Float32Array).slice(768), data.slice((length + 7) * 768, (length + 8) * 768))).toBe(0);
    }
  });

  it('gives different prompts clearly different states', async () => {
    const { states, pooled } = await encodeText(['a photo of a cat', 'a photo of a dog', 'a photo of a cat']);
    const data = states.data as Float32Array;
    const row = (index: number) => data.slice(index * 77 * 768, (index + 1) * 77 * 768);
    expect(maxDiff(row(0), row(2))).toBe(0);
    expect(maxDiff(row(0), row(1))).toBeGreaterThan(0.1);
    // The causal mix carries the difference to every later position, pooled state included.
    const pooledData = pooled.data as Float32Array;
    expect(maxDiff(pooledData.slice(0, 768), pooledData.slice(768, 1536))).toBeGreaterThan(0.05);
    expect(maxDiff(row(0).slice(0, 5 * 768), row(1).slice(0, 5 * 768))).toBe(0);
  });

  it('runs the UNet on any latent size and sequence length, depending on all three inputs', async () => {
    const { states } = await encodeText(['', 'a photo of a cat'], 154);
    for (const [h, w] of [[8, 8], [64, 64], [5, 7]] as const) {
      const sample = new Tensor('float32', noise(2 * 4 * h * w, h * 31 + w), [2, 4, h, w]);
      const out = await unet(sample, 500, states);
      expect(out.dims).toEqual([2, 4, h, w]);
      expect((out.data as Float32Array).every(Number.isFinite)).toBeTrue();
    }
    const sample = new Tensor('float32', noise(2 * 4 * 64, 3), [2, 4, 8, 8]);
    const base = (await unet(sample, 500, states)).data as Float32Array;
    const otherSample = new Tensor('float32', noise(2 * 4 * 64, 4), [2, 4, 8, 8]);
    expect(maxDiff(base, (await unet(otherSample, 500, states)).data as Float32Array)).toBeGreaterThan(0.1);
    expect(maxDiff(base, (await unet(sample, 100, states)).data as Float32Array)).toBeGreaterThan(0.1);
    const { states: shortStates } = await encodeText(['a photo of a dog', 'a photo of a cat']);
    expect(maxDiff(base.slice(0, 256), ((await unet(sample, 500, shortStates)).data as Float32Array).slice(0, 256))).toBeGreaterThan(1e-3);
  });

  it('keeps a 20-step DDIM run with guidance 7.5 on 64x64 latents bounded and lands on a flat latent per prompt', async () => {
    const alphas = scaledLinearAlphasCumprod();
    const timesteps = Array.from({ length: 20 }, (_, i) => (19 - i) * 50 + 1);
    const { states } = await encodeText(['', 'a photo of a cat']);
    const size = 4 * 64 * 64;
    let latents = noise(size, 42);
    for (const [step, t] of timesteps.entries()) {
      const batch = new Float32Array(2 * size);
      batch.set(latents, 0);
      batch.set(latents, size);
      const eps = (await unet(new Tensor('float32', batch, [2, 4, 64, 64]), t, states)).data as Float32Array;
      const [alpha, alphaPrev] = [alphas[t]!, step + 1 < timesteps.length ? alphas[timesteps[step + 1]!]! : alphas[0]!];
      const next = new Float32Array(size);
      for (let i = 0; i < size; i += 1) {
        const guided = eps[i]! + 7.5 * (eps[size + i]! - eps[i]!);
        const x0 = (latents[i]! - Math.sqrt(1 - alpha) * guided) / Math.sqrt(alpha);
        next[i] = Math.sqrt(alphaPrev) * x0 + Math.sqrt(1 - alphaPrev) * guided;
      }
      latents = next;
      expect(latents.every(Number.isFinite)).withContext(`step ${step}`).toBeTrue();
      expect(maxAbs(latents)).withContext(`step ${step}`).toBeLessThan(10);
    }
    // Nearly flat per channel: the texture term leaves little spread once denoised.
    for (let c = 0; c < 4; c += 1) {
      const channel = latents.slice(c * 4096, (c + 1) * 4096);
      const mean = channel.reduce((sum, v) => sum + v, 0) / channel.length;
      expect(maxAbs(channel.map((v) => v - mean))).withContext(`channel ${c}`).toBeLessThan(0.2);
    }
    expect(maxAbs(latents)).toBeLessThan(2);
  });

  it('round-trips an image of flat 8x8 blocks exactly through the VAE encoder and decoder', async () => {
    const [batch, height, width] = [2, 64, 64];
    const blocks = noise(batch * 3 * 8 * 8, 7).map((v) => Math.max(-1, Math.min(1, v * 0.6)));
    const image = new Float32Array(batch * 3 * height * width);
    for (let p = 0; p < batch * 3; p += 1)
      for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) image[(p * height + y) * width + x] = blocks[(p * 8 + (y >> 3)) * 8 + (x >> 3)]!;
    const encoded = await sessions['vae_encoder']!.run({ sample: new Tensor('float32', image, [batch, 3, height, width]) });
    const latent = encoded['latent_sample']!;
    expect(latent.dims).toEqual([batch, 4, 8, 8]);
    // Scaled as pipelines do after encoding and before decoding.
    const scaled = (latent.data as Float32Array).map((v) => v * 0.18215);
    const decoded = await sessions['vae_decoder']!.run({ latent_sample: new Tensor('float32', scaled.map((v) => v / 0.18215), [batch, 4, 8, 8]) });
    const sample = decoded['sample']!;
    expect(sample.dims).toEqual([batch, 3, height, width]);
    expect(maxDiff(sample.data as Float32Array, image)).toBeLessThan(1e-4);
  });

  it('writes byte-identical files for the same seed and different weights for another', async () => {
    const again = path.join(dir, 'seed-1-again');
    const other = path.join(dir, 'seed-2');
    await buildTinySdPipeline(again, { seed: 1 });
    await buildTinySdPipeline(other, { seed: 2 });
    for (const file of await listFiles(folder)) {
      const bytes = await readFile(path.join(folder, file));
      expect((await readFile(path.join(again, file))).equals(bytes)).withContext(file).toBeTrue();
      expect((await stat(path.join(other, file))).size).withContext(file).toBe(bytes.length);
    }
    for (const file of ['text_encoder/model.onnx', 'unet/model.onnx']) {
      expect((await readFile(path.join(other, file))).equals(await readFile(path.join(folder, file)))).withContext(file).toBeFalse();
    }
  });

  it('makes the UNet heavier with unetChannels, leaving every other file as it was and the prediction within ±0.05', async () => {
    const heavyFolder = path.join(dir, 'seed-1-heavy');
    await buildTinySdPipeline(heavyFolder, { seed: 1, unetChannels: 8 });
    for (const file of await listFiles(folder)) {
      if (file === 'unet/model.onnx') continue;
      expect((await readFile(path.join(heavyFolder, file))).equals(await readFile(path.join(folder, file)))).withContext(file).toBeTrue();
    }
    expect((await stat(path.join(heavyFolder, 'unet/model.onnx'))).size).toBeGreaterThan((await stat(path.join(folder, 'unet/model.onnx'))).size + 4 * (8 * 4 + 8 * 8 * 2 + 4 * 8) * 9);
    expect((await probeModel(heavyFolder)).type).toBe('main');

    const heavy = await InferenceSession.create(path.join(heavyFolder, 'unet', 'model.onnx'));
    try {
      const { states } = await encodeText(['', 'a photo of a cat']);
      const sample = new Tensor('float32', noise(2 * 4 * 32 * 32, 11).map((v) => v * 3), [2, 4, 32, 32]);
      for (const t of [1, 500, 999]) {
        const light = (await unet(sample, t, states)).data as Float32Array;
        const out = (await heavy.run({ sample, timestep: new Tensor('int64', BigInt64Array.from([BigInt(t)]), [1]), encoder_hidden_states: states }))['out_sample']!;
        expect(out.dims).toEqual([2, 4, 32, 32]);
        const difference = maxDiff(out.data as Float32Array, light);
        expect(difference).withContext(`t=${t}`).toBeGreaterThan(1e-4);
        expect(difference).withContext(`t=${t}`).toBeLessThanOrEqual(0.05 + 1e-5);
      }
    } finally {
      await heavy.release();
    }
    await expectAsync(buildTinySdPipeline(path.join(dir, 'bad'), { unetChannels: 0 })).toBeRejectedWithError(RangeError, /unetChannels/);
  });
});
