import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tinyOnnx, tinyUnet } from '../../test/support/tiny-onnx';
import { InvalidModelError, probeModel, probeOnnxFile } from './onnx-probe';
import { PACKAGED_OCR_MODELS } from './starter-models';

const OCR = Object.fromEntries(PACKAGED_OCR_MODELS.map((model) => [model.type, model.path]));

describe('onnx probe', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-probe-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the names, element types and shapes of a graph', async () => {
    expect(await probeOnnxFile(OCR['ocr_recognition']!)).toEqual({
      inputs: [{ name: 'x', type: 'float32', shape: ['p2o.DynamicDimension.0', 3, 48, 'p2o.DynamicDimension.1'] }],
      outputs: [{ name: 'softmax_11.tmp_0', type: 'float32', shape: ['p2o.DynamicDimension.2', 'p2o.DynamicDimension.3', 6625] }],
    });
  });

  it('tells the packaged OCR models apart by their shapes', async () => {
    for (const type of ['ocr_detection', 'ocr_recognition', 'ocr_classifier'] as const) {
      const probe = await probeModel(OCR[type]!);
      expect(probe.type).withContext(type).toBe(type);
      expect(probe.format).toBe('onnx');
      expect(probe.base).toBe('any');
      expect(probe.sizeBytes).toBe((await readFile(OCR[type]!)).length);
    }
  });

  it('calls any other graph a generic ONNX model', async () => {
    const file = path.join(dir, 'identity.onnx');
    await writeFile(file, tinyOnnx({ inputs: [{ name: 'a', type: 'float32', shape: [2, 2] }], outputs: [{ name: 'b', type: 'float32', shape: [2, 2] }] }));
    const probe = await probeModel(file);
    expect(probe.type).toBe('onnx');
    expect(probe.graphs).toEqual({ 'identity.onnx': { inputs: [{ name: 'a', type: 'float32', shape: [2, 2] }], outputs: [{ name: 'b', type: 'float32', shape: [2, 2] }] } });
  });

  async function sdFolder(name: string, hiddenSize: number, leaveOut: string[] = []): Promise<string> {
    const root = path.join(dir, name);
    const image = tinyOnnx({ inputs: [{ name: 'latent_sample', type: 'float32', shape: [1, 4, 8, 8] }], outputs: [{ name: 'sample', type: 'float32', shape: [1, 4, 8, 8] }] });
    const text = tinyOnnx({ inputs: [{ name: 'input_ids', type: 'int32', shape: [1, 77] }], outputs: [{ name: 'last_hidden_state', type: 'int32', shape: [1, 77] }] });
    const files: Record<string, Buffer> = { 'unet/model.onnx': tinyUnet(hiddenSize), 'text_encoder/model.onnx': text, 'vae_decoder/model.onnx': image, 'vae_encoder/model.onnx': image };
    for (const [file, bytes] of Object.entries(files)) {
      if (leaveOut.includes(file)) continue;
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), bytes);
    }
    for (const folder of ['tokenizer', 'scheduler']) if (!leaveOut.includes(folder)) await mkdir(path.join(root, folder), { recursive: true });
    if (!leaveOut.includes('scheduler')) await writeFile(path.join(root, 'scheduler', 'scheduler_config.json'), '{"_class_name":"PNDMScheduler"}');
    return root;
  }

  it('recognises the ONNX Stable Diffusion folder layout and guesses its base from the UNet', async () => {
    for (const [hidden, base] of [[768, 'sd-1'], [1024, 'sd-2'], [512, 'unknown']] as const) {
      const probe = await probeModel(await sdFolder(`sd-${hidden}`, hidden));
      expect(probe.type).withContext(String(hidden)).toBe('main');
      expect(probe.base).withContext(String(hidden)).toBe(base);
      expect(Object.keys(probe.graphs).sort()).toEqual(['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx']);
      expect(probe.sizeBytes).toBeGreaterThan(0);
    }
  });

  it('takes an SDXL folder with both text encoders, and names the second when it is missing', async () => {
    const folder = await sdFolder('sdxl', 2048);
    await expectAsync(probeModel(folder)).toBeRejectedWith(new InvalidModelError('"sdxl" has an SDXL UNet but no text_encoder_2/model.onnx: SDXL pipelines need both text encoders'));
    await mkdir(path.join(folder, 'text_encoder_2'), { recursive: true });
    await copyFile(path.join(folder, 'text_encoder', 'model.onnx'), path.join(folder, 'text_encoder_2', 'model.onnx'));
    const probe = await probeModel(folder);
    expect([probe.type, probe.base]).toEqual(['main', 'sdxl']);
    expect(Object.keys(probe.graphs)).toContain('text_encoder_2/model.onnx');
  });

  it('names what an incomplete Stable Diffusion folder lacks', async () => {
    const folder = await sdFolder('incomplete', 768, ['unet/model.onnx', 'tokenizer']);
    await expectAsync(probeModel(folder)).toBeRejectedWith(new InvalidModelError('"incomplete" is not an ONNX Stable Diffusion folder: it lacks unet/model.onnx, tokenizer/'));
  });

  it('answers invalid_model for truncated, corrupt, empty and missing files', async () => {
    const bytes = await readFile(OCR['ocr_classifier']!);
    const cases: Record<string, Buffer> = { 'truncated.onnx': bytes.subarray(0, bytes.length / 3), 'text.onnx': Buffer.from('this is not a model'), 'empty.onnx': Buffer.alloc(0) };
    for (const [name, content] of Object.entries(cases)) {
      await writeFile(path.join(dir, name), content);
      const error = await probeModel(path.join(dir, name)).catch((caught: unknown) => caught);
      expect(error).withContext(name).toBeInstanceOf(InvalidModelError);
      expect((error as InvalidModelError).code).toBe('invalid_model');
      expect((error as InvalidModelError).message).toContain(`"${name}"`);
    }
    const missing = await probeModel(path.join(dir, 'nope.onnx')).catch((caught: unknown) => caught);
    expect((missing as InvalidModelError).code).toBe('invalid_model');
  });

  it('probes a copy the same as the original', async () => {
    const copy = path.join(dir, 'det.onnx');
    await copyFile(OCR['ocr_detection']!, copy);
    expect((await probeModel(copy)).type).toBe('ocr_detection');
  });
});
