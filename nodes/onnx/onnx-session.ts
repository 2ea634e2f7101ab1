/**
 * How the ONNX pack (and packs built on it, such as OCR) gets a model: its record checked for
 * the ONNX format and the expected model type, then the session loaded through the worker's
 * model cache (`ctx.models.load`), so a model of the wrong kind fails with the field at fault
 * before anything runs.
 */
import { NodeError, type ModelInfo, type ModelRef, type NodeContext } from '@pinksea/node-sdk';
import type { InferenceSession } from 'onnxruntime-node';

/** The model format every model this pack runs must have. */
export const ONNX_FORMAT = 'onnx';

export interface LoadedSession {
  readonly info: ModelInfo;
  readonly session: InferenceSession;
}

export interface SessionOptions {
  /** Model types the node accepts; any type when absent. */
  readonly types?: readonly string[];
  /** What the node calls this kind of model in messages, e.g. "a text detection model". */
  readonly describe?: string;
}

/** Loads the ONNX session of the model given to input `field`. */
export async function loadSession(ctx: NodeContext, ref: ModelRef | undefined, field: string, options: SessionOptions = {}): Promise<LoadedSession> {
  if (!ref || typeof ref.key !== 'string' || ref.key === '') {
    throw new NodeError('model_required', `Choose ${options.describe ?? 'an ONNX model'} for "${field}".`, { field });
  }
  const info = await ctx.models.info(ref).catch((error: unknown) => {
    throw nameField(error, field);
  });
  if (info.format !== ONNX_FORMAT) {
    throw new NodeError('wrong_model_format', `The model "${info.name}" given to "${field}" is in the ${info.format} format; this node runs ONNX models.`, { field });
  }
  if (options.types && !options.types.includes(info.type)) {
    const wanted = options.describe ?? `a model of type ${options.types.join(' or ')}`;
    throw new NodeError('wrong_model_type', `The model "${info.name}" given to "${field}" is a ${info.type} model; this input needs ${wanted}.`, { field });
  }
  const session = await ctx.models.load<InferenceSession>(ref).catch((error: unknown) => {
    throw nameField(error, field);
  });
  if (!isSession(session)) {
    throw new NodeError('model_not_loadable', `The model "${info.name}" given to "${field}" did not load as an ONNX Runtime session.`, { field, kind: 'internal' });
  }
  return { info, session };
}

function isSession(value: unknown): value is InferenceSession {
  const candidate = value as Partial<InferenceSession> | null;
  return typeof candidate?.run === 'function' && Array.isArray(candidate.inputMetadata) && Array.isArray(candidate.outputMetadata);
}

/** The model store does not know which input asked; name it, so the editor marks the right socket. */
function nameField(error: unknown, field: string): unknown {
  if (error instanceof NodeError && error.field !== field) return new NodeError(error.code, error.message, { field, kind: error.kind });
  return error;
}
