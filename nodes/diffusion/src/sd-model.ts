/**
 * How the diffusion nodes reach a Stable Diffusion model: the record checked for an ONNX `main`
 * model, the part (`unet`, `text_encoder`, `vae_decoder`, `vae_encoder`) loaded as an ONNX Runtime
 * session through the worker's model cache, and the folder's other files (tokenizer, scheduler
 * config) read through the model store. Every failure names the node input at fault.
 */
import { NodeError, type ModelInfo, type ModelRef, type NodeContext } from '@pinksea/node-sdk';
import type { InferenceSession } from 'onnxruntime-node';
import type { SdSubmodel } from './sd-constants';

export const MAIN_MODEL_TYPE = 'main';
export const ONNX_FORMAT = 'onnx';

/** Checks that `ref` is set and names an ONNX Stable Diffusion (main) model; returns its record. */
/** The pipeline families these nodes run. */
export const SUPPORTED_BASES: readonly string[] = ['sd-1', 'sd-2'];

export async function mainModelInfo(ctx: NodeContext, ref: ModelRef | undefined, field: string): Promise<ModelInfo> {
  if (!ref || typeof ref.key !== 'string' || ref.key === '') {
    throw new NodeError('model_required', `Choose a Stable Diffusion model for "${field}".`, { field });
  }
  const info = await ctx.models.info(ref).catch((error: unknown) => {
    throw nameField(error, field);
  });
  if (info.type !== MAIN_MODEL_TYPE) {
    throw new NodeError(
      'wrong_model_type',
      `The model "${info.name}" given to "${field}" is a ${info.type} model; this input needs a Stable Diffusion (main) model.`,
      { field },
    );
  }
  if (info.format !== ONNX_FORMAT) {
    throw new NodeError('wrong_model_format', `The model "${info.name}" given to "${field}" is in the ${info.format} format; these nodes run ONNX pipelines.`, { field });
  }
  if (!SUPPORTED_BASES.includes(info.base)) {
    const what = info.base === 'sdxl' ? 'an SDXL pipeline' : `a pipeline of base "${info.base}"`;
    throw new NodeError(
      'unsupported_model_base',
      `The model "${info.name}" given to "${field}" is ${what}; these nodes generate with Stable Diffusion 1.x and 2.x pipelines (SDXL's second text encoder and size conditioning are not supported yet).`,
      { field },
    );
  }
  return info;
}

/** The reference to one part of a main model; a reference without a part means that part. */
export function partRef(ref: ModelRef, submodel: SdSubmodel, field: string): ModelRef {
  if (ref.submodel !== undefined && ref.submodel !== submodel) {
    throw new NodeError(
      'wrong_submodel',
      `"${field}" needs the ${submodel} of a Stable Diffusion model but was given its ${ref.submodel}; connect the matching output of the model loader.`,
      { field },
    );
  }
  return { ...ref, submodel };
}

/** Loads one part of the main model given to `field` as an ONNX Runtime session. */
export async function loadPart(ctx: NodeContext, ref: ModelRef | undefined, submodel: SdSubmodel, field: string): Promise<InferenceSession> {
  const info = await mainModelInfo(ctx, ref, field);
  const part = partRef(ref!, submodel, field);
  const session = await ctx.models.load<InferenceSession>(part).catch((error: unknown) => {
    throw nameField(error, field);
  });
  const candidate = session as Partial<InferenceSession> | null;
  if (typeof candidate?.run !== 'function' || !Array.isArray(candidate.inputNames) || !Array.isArray(candidate.outputNames)) {
    throw new NodeError('model_not_loadable', `The ${submodel} of "${info.name}" did not load as an ONNX Runtime session.`, { field, kind: 'internal' });
  }
  return session;
}

/** A JSON file of the model's folder, parsed; a NodeError on `field` when missing or invalid. */
export async function readModelJson(ctx: NodeContext, ref: ModelRef, relativePath: string, field: string): Promise<unknown> {
  const text = await readModelText(ctx, ref, relativePath, field);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NodeError('invalid_model_file', `The model's ${relativePath} is not valid JSON.`, { field });
  }
}

/** A text file of the model's folder; undefined when `optional` and the file is missing. */
export async function readModelText(ctx: NodeContext, ref: ModelRef, relativePath: string, field: string): Promise<string>;
export async function readModelText(ctx: NodeContext, ref: ModelRef, relativePath: string, field: string, optional: true): Promise<string | undefined>;
export async function readModelText(ctx: NodeContext, ref: ModelRef, relativePath: string, field: string, optional = false): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await ctx.models.readFile(ref, relativePath));
  } catch (error) {
    if (optional && error instanceof NodeError && error.code === 'model_file_not_found') return undefined;
    throw nameField(error, field);
  }
}

/** The model store does not know which input asked; name it, so the editor marks the right socket. */
export function nameField(error: unknown, field: string): unknown {
  if (error instanceof NodeError && error.field !== field) return new NodeError(error.code, error.message, { field, kind: error.kind });
  return error;
}

/** The element type ONNX Runtime declares for a session input, if it says. */
export function inputType(session: InferenceSession, name: string): string | undefined {
  const meta = inputMeta(session, name);
  return meta?.isTensor ? meta.type : undefined;
}

/** The declared shape of a session input (numbers and symbolic names; [] for a scalar); undefined when unknown. */
export function inputShape(session: InferenceSession, name: string): readonly (number | string)[] | undefined {
  const meta = inputMeta(session, name);
  return meta?.isTensor ? meta.shape : undefined;
}

function inputMeta(session: InferenceSession, name: string): InferenceSession.ValueMetadata | undefined {
  const metadata = (session as Partial<InferenceSession>).inputMetadata;
  return Array.isArray(metadata) ? metadata.find((entry) => entry.name === name) : undefined;
}
