/**
 * From prompt windows to the hidden states the UNet attends to: each 77-id window through the text
 * encoder, A1111's emphasis applied, and the windows joined along the sequence axis.
 */
import { NodeError } from '@pinksea/node-sdk';
import * as ort from 'onnxruntime-node';
import type { PromptWindow } from './prompt-windows';
import { inputType } from './sd-model';

export interface HiddenStates {
  /** Row-major [1, sequence, hidden]. */
  readonly data: Float32Array;
  readonly sequence: number;
  readonly hidden: number;
}

/**
 * A1111's emphasis, in place on one window's states [sequence, hidden]: every token's state times
 * its weight, then the whole window rescaled so its mean equals the unweighted mean (the weights
 * change the direction of the states, not their overall level). All weights 1 leaves it unchanged.
 */
export function applyPromptWeights(states: Float32Array, weights: readonly number[], hidden: number): Float32Array {
  if (states.length !== weights.length * hidden) {
    throw new RangeError(`applyPromptWeights: ${states.length} values for ${weights.length} tokens of ${hidden}`);
  }
  if (weights.every((weight) => weight === 1)) return states;
  let before = 0;
  for (const value of states) before += value;
  let after = 0;
  for (let token = 0; token < weights.length; token += 1) {
    const weight = weights[token]!;
    for (let i = token * hidden; i < (token + 1) * hidden; i += 1) {
      states[i] = states[i]! * weight;
      after += states[i]!;
    }
  }
  // A mean of (near) zero cannot be matched; leave the weighted states as they are then.
  if (after !== 0 && Number.isFinite(before / after)) {
    const scale = before / after;
    for (let i = 0; i < states.length; i += 1) states[i] = states[i]! * scale;
  }
  return states;
}

/** Runs the text encoder on each window and joins the weighted states: [1, 77 × windows, hidden]. */
export async function encodeWindows(session: ort.InferenceSession, windows: readonly PromptWindow[], field: string): Promise<HiddenStates> {
  const inputName = session.inputNames[0]!;
  const dtype = inputType(session, inputName) ?? 'int32';
  const outputName = session.outputNames.includes('last_hidden_state') ? 'last_hidden_state' : session.outputNames[0]!;
  const parts: Float32Array[] = [];
  let hidden = 0;
  let sequence = 0;
  for (const window of windows) {
    const length = window.ids.length;
    const ids =
      dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(window.ids, (id) => BigInt(id)), [1, length])
      : dtype === 'int32' ? new ort.Tensor('int32', Int32Array.from(window.ids), [1, length])
      : unsupported(`its input "${inputName}" is ${dtype}; int32 and int64 ids are supported`, field);
    const result = (await session.run({ [inputName]: ids }))[outputName];
    if (!(result instanceof ort.Tensor) || result.type !== 'float32' || result.dims.length !== 3 || result.dims[1] !== length) {
      const got = result instanceof ort.Tensor ? `${result.type} [${result.dims.join(', ')}]` : 'not a tensor';
      unsupported(`its output "${outputName}" should be float32 [1, ${length}, hidden] but is ${got}`, field);
    }
    const tensor = result as ort.Tensor;
    hidden = tensor.dims[2]!;
    // A copy: applyPromptWeights writes into it, and ONNX Runtime may reuse its buffers.
    parts.push(applyPromptWeights(Float32Array.from(tensor.data as Float32Array), window.weights, hidden));
    sequence += length;
  }
  const data = new Float32Array(sequence * hidden);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { data, sequence, hidden };
}

function unsupported(why: string, field: string): never {
  throw new NodeError('unsupported_model', `The text encoder cannot be used: ${why}.`, { field });
}
