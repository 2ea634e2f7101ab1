/**
 * Between the platform's tensors and ONNX Runtime's: conversion both ways, and the check of a set
 * of named tensors against what a session declares, done before running so a mistake is reported
 * with the input's name, the expected shape and type and what was given, not as a runtime crash.
 */
import { NodeError, type Tensor, type TensorDType, type TensorRef } from '@pinksea/node-sdk';
import * as ort from 'onnxruntime-node';

const DTYPES: readonly string[] = ['float32', 'float16', 'int32', 'int64', 'uint8', 'bool'] satisfies TensorDType[];

export function toOrtTensor(tensor: Tensor): ort.Tensor {
  const dims = [...tensor.dims];
  switch (tensor.dtype) {
    case 'float32':
      return new ort.Tensor('float32', tensor.data as Float32Array, dims);
    case 'float16':
      return new ort.Tensor('float16', tensor.data as Uint16Array, dims);
    case 'int32':
      return new ort.Tensor('int32', tensor.data as Int32Array, dims);
    case 'int64':
      return new ort.Tensor('int64', tensor.data as BigInt64Array, dims);
    case 'uint8':
      return new ort.Tensor('uint8', tensor.data as Uint8Array, dims);
    case 'bool':
      return new ort.Tensor('bool', tensor.data as Uint8Array, dims);
  }
}

/** A platform tensor from an ONNX Runtime output; `name` is the output, for the message. */
export function fromOrtTensor(value: ort.OnnxValue, name: string): Tensor {
  if (!(value instanceof ort.Tensor) || !DTYPES.includes(value.type)) {
    const type = value instanceof ort.Tensor ? `a ${value.type} tensor` : 'not a tensor';
    throw new NodeError('unsupported_output', `The model's output "${name}" is ${type}; tensors of ${DTYPES.join(', ')} can be stored.`, { field: 'model' });
  }
  return { dtype: value.type as TensorDType, dims: [...value.dims], data: value.data as Tensor['data'] };
}

/**
 * The `inputs` value as a record of input name → tensor reference, or a NodeError on `field`.
 * One tensor (as an edge brings it) goes to the model's only input.
 */
export function tensorRefs(value: unknown, field: string, inputNames: readonly string[]): Record<string, TensorRef> {
  if (typeof (value as Partial<TensorRef> | null)?.tensorName === 'string') {
    if (inputNames.length === 1) return { [inputNames[0]!]: value as TensorRef };
    throw new NodeError('invalid_inputs', `"${field}" got one tensor, but the model has ${inputNames.length} inputs (${inputNames.join(', ')}); give a record of input name to tensor.`, { field });
  }
  const shape = 'a record of model input names to tensors, e.g. { "x": <tensor> }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NodeError('invalid_inputs', `"${field}" must be ${shape}.`, { field });
  }
  for (const [name, ref] of Object.entries(value)) {
    if (typeof (ref as Partial<TensorRef> | null)?.tensorName !== 'string') {
      throw new NodeError('invalid_inputs', `"${field}" must be ${shape}; the value for "${name}" is not a tensor.`, { field });
    }
  }
  return value as Record<string, TensorRef>;
}

export function describeShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks the given tensors against the session's inputs: every input given, no unknown names,
 * element types equal, ranks equal, fixed dimensions equal and each named (dynamic) dimension the
 * same size wherever it appears.
 */
export function checkFeeds(metadata: readonly ort.InferenceSession.ValueMetadata[], tensors: Readonly<Record<string, Tensor>>, field: string): void {
  const known = metadata.map((input) => input.name);
  for (const name of Object.keys(tensors)) {
    if (!known.includes(name)) {
      throw new NodeError('unknown_model_input', `The model has no input "${name}"; its inputs are ${known.map((n) => `"${n}"`).join(', ')}.`, { field });
    }
  }
  const bound = new Map<string, { size: number; input: string }>();
  for (const input of metadata) {
    const tensor = tensors[input.name];
    if (!tensor) throw new NodeError('missing_model_input', `The model's input "${input.name}" is not given; "${field}" needs a tensor for it.`, { field });
    if (!input.isTensor) continue;
    const expected = `${input.type} ${describeShape(input.shape)}`;
    const got = `${tensor.dtype} ${describeShape(tensor.dims)}`;
    const mismatch = (why: string) =>
      new NodeError('tensor_mismatch', `The model's input "${input.name}" expects ${expected}, got ${got}: ${why}.`, { field });
    if (input.type !== tensor.dtype) throw mismatch('the element types differ');
    if (input.shape.length !== tensor.dims.length) throw mismatch(`it needs ${input.shape.length} dimensions, not ${tensor.dims.length}`);
    input.shape.forEach((dim, axis) => {
      const size = tensor.dims[axis]!;
      if (typeof dim === 'number' && dim >= 0 && dim !== size) throw mismatch(`dimension ${axis} must be ${dim}`);
      if (typeof dim !== 'string' || dim === '') return;
      const earlier = bound.get(dim);
      if (earlier && earlier.size !== size) {
        throw mismatch(`dimension ${axis} (${dim}) is ${earlier.size} in input "${earlier.input}", so it must be ${earlier.size} here too`);
      }
      bound.set(dim, { size, input: input.name });
    });
  }
}
