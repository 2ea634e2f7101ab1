/**
 * Tells what an ONNX file or folder holds: its graph inputs and outputs (names, element types,
 * shapes) read through onnxruntime, the model type they suggest (the packaged PaddleOCR
 * detection, recognition and direction models by their shapes, a generic ONNX graph otherwise),
 * and the standard ONNX Stable Diffusion folder layout, whose base the UNet's text hidden size gives.
 * A file onnxruntime cannot read is an `invalid_model` user error, never a crash.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { PinkseaError } from '../../engine/errors';

export class InvalidModelError extends PinkseaError {
  override readonly name = 'InvalidModelError';
  constructor(message: string) {
    super('invalid_model', message);
  }
}

export type ModelType = 'main' | 'ocr_detection' | 'ocr_recognition' | 'ocr_classifier' | 'onnx';
export type ModelBase = 'sd-1' | 'sd-2' | 'sdxl' | 'any' | 'unknown';

export interface OnnxTensorInfo {
  readonly name: string;
  /** The element type (`float32`, `int64`, ...), or `unknown` for a non-tensor value. */
  readonly type: string;
  /** Fixed sizes as numbers, dynamic ones by their symbolic names. */
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraphInfo {
  readonly inputs: readonly OnnxTensorInfo[];
  readonly outputs: readonly OnnxTensorInfo[];
}

export interface ModelProbe {
  readonly type: ModelType;
  readonly base: ModelBase;
  readonly format: 'onnx';
  /** All the bytes of the file or folder. */
  readonly sizeBytes: number;
  /** Graphs by path relative to the probed folder (`model.onnx` for a single file). */
  readonly graphs: Readonly<Record<string, OnnxGraphInfo>>;
}

/** The sub-models of an ONNX Stable Diffusion pipeline folder, as exported by Optimum / diffusers. */
export const SD_ONNX_SUBMODELS = ['unet', 'text_encoder', 'text_encoder_2', 'vae_decoder', 'vae_encoder'] as const;
const SD_REQUIRED_FILES = ['unet/model.onnx', 'text_encoder/model.onnx', 'vae_decoder/model.onnx'];
const SD_REQUIRED_FOLDERS = ['tokenizer', 'scheduler'];
const BASE_BY_HIDDEN_SIZE: Readonly<Record<number, ModelBase>> = { 768: 'sd-1', 1024: 'sd-2', 2048: 'sdxl' };

/** Opens one ONNX file and reads its graph's inputs and outputs. */
export async function probeOnnxFile(file: string): Promise<OnnxGraphInfo> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(file);
  } catch (error) {
    throw new InvalidModelError(`"${path.basename(file)}" is not a readable ONNX model (it may be truncated or corrupt): ${reason(error)}`);
  }
  try {
    return {
      inputs: session.inputMetadata.map(tensorInfo),
      outputs: session.outputMetadata.map(tensorInfo),
    };
  } finally {
    await session.release().catch(() => undefined);
  }
}

/** The model type a single graph's shapes suggest. */
export function classifyOnnxGraph(graph: OnnxGraphInfo): Exclude<ModelType, 'main'> {
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) return 'onnx';
  const input = graph.inputs[0]!;
  const output = graph.outputs[0]!;
  // PaddleOCR models take an NCHW image batch with three channels.
  if (input.type !== 'float32' || input.shape.length !== 4 || input.shape[1] !== 3) return 'onnx';
  // Detection: a one-channel probability map the size of the image.
  if (output.shape.length === 4 && output.shape[1] === 1) return 'ocr_detection';
  // Direction: two classes (0° and 180°) per crop.
  if (output.shape.length === 2 && output.shape[1] === 2) return 'ocr_classifier';
  // Recognition: fixed-height (48 or 32) crops in, per time step scores over the character set out.
  if (output.shape.length === 3 && typeof output.shape[2] === 'number' && output.shape[2] > 2 && typeof input.shape[2] === 'number') return 'ocr_recognition';
  return 'onnx';
}

/** Probes an ONNX file or a Stable Diffusion ONNX folder. */
export async function probeModel(location: string): Promise<ModelProbe> {
  const info = await stat(location).catch(() => undefined);
  if (!info) throw new InvalidModelError(`There is no file or folder at "${location}"`);
  if (info.isDirectory()) return probeFolder(location);
  if (info.size === 0) throw new InvalidModelError(`"${path.basename(location)}" is empty`);
  const graph = await probeOnnxFile(location);
  const type = classifyOnnxGraph(graph);
  return { type, base: 'any', format: 'onnx', sizeBytes: info.size, graphs: { [path.basename(location)]: graph } };
}

async function probeFolder(folder: string): Promise<ModelProbe> {
  const missing: string[] = [];
  for (const file of SD_REQUIRED_FILES) if (!(await isFile(path.join(folder, file)))) missing.push(file);
  for (const sub of SD_REQUIRED_FOLDERS) if (!(await isFolder(path.join(folder, sub)))) missing.push(`${sub}/`);
  if (missing.length > 0) {
    throw new InvalidModelError(`"${path.basename(folder)}" is not an ONNX Stable Diffusion folder: it lacks ${missing.join(', ')}`);
  }
  const graphs: Record<string, OnnxGraphInfo> = {};
  for (const sub of SD_ONNX_SUBMODELS) {
    const file = path.join(folder, sub, 'model.onnx');
    if (await isFile(file)) graphs[`${sub}/model.onnx`] = await probeOnnxFile(file);
  }
  const base = guessBase(graphs['unet/model.onnx']!);
  if (base === 'sdxl' && !graphs['text_encoder_2/model.onnx']) {
    throw new InvalidModelError(`"${path.basename(folder)}" has an SDXL UNet but no text_encoder_2/model.onnx: SDXL pipelines need both text encoders`);
  }
  return { type: 'main', base, format: 'onnx', sizeBytes: await folderSize(folder), graphs };
}

/** SD 1.x conditions on 768-wide CLIP states, SD 2.x on 1024, SDXL on 2048 (both encoders). */
function guessBase(unet: OnnxGraphInfo): ModelBase {
  const states = unet.inputs.find((input) => input.name === 'encoder_hidden_states');
  const width = states?.shape[states.shape.length - 1];
  return (typeof width === 'number' && BASE_BY_HIDDEN_SIZE[width]) || 'unknown';
}

function tensorInfo(value: InferenceSession.ValueMetadata): OnnxTensorInfo {
  if (!value.isTensor) return { name: value.name, type: 'unknown', shape: [] };
  return { name: value.name, type: value.type, shape: [...value.shape] };
}

export async function folderSize(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += await folderSize(full);
    else if (entry.isFile()) total += (await stat(full)).size;
  }
  return total;
}

const isFile = async (file: string) => (await stat(file).catch(() => undefined))?.isFile() === true;
const isFolder = async (folder: string) => (await stat(folder).catch(() => undefined))?.isDirectory() === true;
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/^Load model from .* failed:/, '');
