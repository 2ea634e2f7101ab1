/**
 * Tiny but valid ONNX models for specs: a hand-written protobuf encoding of a ModelProto whose
 * graph passes its first input through Identity nodes. onnxruntime has no writer, and the
 * encoding is small (onnx/onnx.proto: ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto).
 *
 *   await writeFile(file, tinyOnnx({ inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 'h', 'w'] }],
 *                                    outputs: [{ name: 'y', type: 'float32', shape: [1, 3, 'h', 'w'] }] }));
 */

import type { OnnxTensorInfo } from '../../services/models/onnx-probe';

export type TinyElementType = 'float32' | 'float16' | 'int32' | 'int64';

/** As the probe reports a tensor, limited to the element types this encoder writes. */
export interface TinyTensor extends OnnxTensorInfo {
  readonly type: TinyElementType;
}

export interface TinyModel {
  readonly inputs: readonly TinyTensor[];
  /** Each output is Identity of the first input, so they should share its shape. */
  readonly outputs: readonly TinyTensor[];
}

const ELEMENT_TYPE: Record<TinyElementType, number> = { float32: 1, int32: 6, int64: 7, float16: 10 };

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = BigInt(value);
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return bytes;
}

const intField = (field: number, value: number) => [...varint((field << 3) | 0), ...varint(value)];
const bytesField = (field: number, value: readonly number[]) => [...varint((field << 3) | 2), ...varint(value.length), ...value];
const stringField = (field: number, value: string) => bytesField(field, [...Buffer.from(value, 'utf8')]);

function valueInfo(tensor: TinyTensor): number[] {
  const dims = tensor.shape.flatMap((dim) => bytesField(1, typeof dim === 'number' ? intField(1, dim) : stringField(2, dim)));
  const tensorType = [...intField(1, ELEMENT_TYPE[tensor.type]), ...bytesField(2, dims)];
  return [...stringField(1, tensor.name), ...bytesField(2, bytesField(1, tensorType))];
}

/** The bytes of an ONNX model (IR 8, opset 17) with the given graph inputs and outputs. */
export function tinyOnnx(model: TinyModel): Buffer {
  const source = model.inputs[0]!.name;
  const nodes = model.outputs.flatMap((output, index) =>
    bytesField(1, [...stringField(1, source), ...stringField(2, output.name), ...stringField(3, `identity_${index}`), ...stringField(4, 'Identity')]),
  );
  const graph = [
    ...nodes,
    ...stringField(2, 'tiny'),
    ...model.inputs.flatMap((input) => bytesField(11, valueInfo(input))),
    ...model.outputs.flatMap((output) => bytesField(12, valueInfo(output))),
  ];
  const opset = [...stringField(1, ''), ...intField(2, 17)];
  return Buffer.from([...intField(1, 8), ...stringField(2, 'pinksea-spec'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}

/** The three ONNX files of a Stable Diffusion UNet's inputs with the given text hidden size (768 SD1, 1024 SD2, 2048 SDXL). */
export function tinyUnet(hiddenSize: number): Buffer {
  return tinyOnnx({
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: [1] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, hiddenSize] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
  });
}
