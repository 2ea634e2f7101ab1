/**
 * A small, general ONNX writer: encodes a ModelProto (IR 8, opset 17) from graph inputs and
 * outputs, nodes with attributes, and initializers, following the field numbers of onnx/onnx.proto.
 * onnxruntime reads models but cannot write them, and the protobuf subset a graph needs is small.
 *
 * Messages are built as lists of Buffers and joined once at the end, so initializers of tens of
 * megabytes are copied once (their raw_data is little-endian, as ONNX requires), never spread into
 * number arrays.
 *
 *   const bytes = writeOnnxModel({
 *     inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
 *     outputs: [{ name: 'y', type: 'float32', shape: ['batch', 2] }],
 *     nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
 *     initializers: [{ name: 'w', type: 'float32', dims: [4, 2], data: new Float32Array(8) }],
 *   });
 */
import { PinkseaError } from '../../engine/errors';

export type OnnxElementType = 'float32' | 'int32' | 'int64';

/** A graph input or output: fixed sizes as numbers, dynamic ones by symbolic names. */
export interface OnnxValueSpec {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: readonly (number | string)[];
}

export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string };

/** Shorthands for node attributes: `{ axis: attr.int(1), pads: attr.ints([1, 1, 1, 1]) }`. */
export const attr = {
  int: (value: number | bigint): OnnxAttribute => ({ kind: 'int', value }),
  float: (value: number): OnnxAttribute => ({ kind: 'float', value }),
  ints: (value: readonly (number | bigint)[]): OnnxAttribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttribute => ({ kind: 'floats', value }),
  string: (value: string): OnnxAttribute => ({ kind: 'string', value }),
};

export interface OnnxNodeSpec {
  readonly opType: string;
  /** Input names; an empty string leaves an optional input out (e.g. Resize's `roi`). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  /** The operator's domain; the default ONNX domain when left out. */
  readonly domain?: string;
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export type OnnxInitializer =
  | { readonly name: string; readonly type: 'float32'; readonly dims: readonly number[]; readonly data: Float32Array | readonly number[] }
  | { readonly name: string; readonly type: 'int32'; readonly dims: readonly number[]; readonly data: Int32Array | readonly number[] }
  | { readonly name: string; readonly type: 'int64'; readonly dims: readonly number[]; readonly data: BigInt64Array | readonly (bigint | number)[] };

export interface OnnxModelSpec {
  readonly inputs: readonly OnnxValueSpec[];
  readonly outputs: readonly OnnxValueSpec[];
  readonly nodes: readonly OnnxNodeSpec[];
  readonly initializers?: readonly OnnxInitializer[];
  /** The graph's name; `graph` when left out. */
  readonly graphName?: string;
  /** ModelProto.producer_name; `pinksea` when left out. */
  readonly producerName?: string;
}

export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/** TensorProto.DataType values. */
const ELEMENT_TYPE: Readonly<Record<OnnxElementType, number>> = { float32: 1, int32: 6, int64: 7 };
const ELEMENT_BYTES: Readonly<Record<OnnxElementType, number>> = { float32: 4, int32: 4, int64: 8 };
/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE: Readonly<Record<OnnxAttribute['kind'], number>> = { float: 1, int: 2, string: 3, floats: 6, ints: 7 };

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

/** A protobuf message under construction: its encoded pieces, joined only when written out. */
class ProtoMessage {
  readonly chunks: Buffer[] = [];
  length = 0;

  private push(chunk: Buffer): this {
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.push(varint(BigInt((field << 3) | wire)));
  }

  /** int32/int64 fields: negatives as 64-bit two's complement, as protobuf encodes them. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WIRE_VARINT).push(varint(BigInt.asUintN(64, toBigInt(value))));
  }

  float(field: number, value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeFloatLE(value);
    return this.tag(field, WIRE_FIXED32).push(bytes);
  }

  bytes(field: number, value: Buffer): this {
    return this.tag(field, WIRE_BYTES).push(varint(BigInt(value.length))).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, value: ProtoMessage): this {
    this.tag(field, WIRE_BYTES).push(varint(BigInt(value.length)));
    for (const chunk of value.chunks) this.push(chunk);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new PinkseaError('onnx_invalid_integer', `${value} is not an integer ONNX can store`, 'internal');
  return BigInt(value);
}

function valueInfo(spec: OnnxValueSpec): ProtoMessage {
  const shape = new ProtoMessage();
  for (const dim of spec.shape) {
    // TensorShapeProto.Dimension: dim_value = 1, dim_param = 2.
    const dimension = typeof dim === 'number' ? new ProtoMessage().int(1, dim) : new ProtoMessage().string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = new ProtoMessage().int(1, ELEMENT_TYPE[spec.type]).message(2, shape);
  return new ProtoMessage().string(1, spec.name).message(2, new ProtoMessage().message(1, tensorType));
}

function attribute(name: string, value: OnnxAttribute): ProtoMessage {
  const message = new ProtoMessage().string(1, name);
  switch (value.kind) {
    case 'float':
      message.float(2, value.value);
      break;
    case 'int':
      message.int(3, value.value);
      break;
    case 'string':
      message.string(4, value.value);
      break;
    case 'floats':
      for (const item of value.value) message.float(7, item);
      break;
    case 'ints':
      for (const item of value.value) message.int(8, item);
      break;
  }
  return message.int(20, ATTRIBUTE_TYPE[value.kind]);
}

function node(spec: OnnxNodeSpec, index: number): ProtoMessage {
  const message = new ProtoMessage();
  for (const input of spec.inputs) message.string(1, input);
  for (const output of spec.outputs) message.string(2, output);
  message.string(3, spec.name ?? `${spec.opType}_${index}`).string(4, spec.opType);
  for (const [name, value] of Object.entries(spec.attributes ?? {})) message.message(5, attribute(name, value));
  if (spec.domain) message.string(7, spec.domain);
  return message;
}

/** The little-endian bytes of an initializer's data, copied once. */
function rawData(spec: OnnxInitializer): Buffer {
  const count = spec.data.length;
  const expected = spec.dims.reduce((product, dim) => product * dim, 1);
  if (count !== expected) {
    throw new PinkseaError('onnx_invalid_initializer', `Initializer "${spec.name}" has ${count} values but dims [${spec.dims.join(', ')}] hold ${expected}`, 'internal');
  }
  const bytes = Buffer.alloc(count * ELEMENT_BYTES[spec.type]);
  switch (spec.type) {
    case 'float32':
      if (spec.data instanceof Float32Array && LITTLE_ENDIAN) Buffer.from(spec.data.buffer, spec.data.byteOffset, spec.data.byteLength).copy(bytes);
      else for (let i = 0; i < count; i += 1) bytes.writeFloatLE(spec.data[i]!, i * 4);
      break;
    case 'int32':
      if (spec.data instanceof Int32Array && LITTLE_ENDIAN) Buffer.from(spec.data.buffer, spec.data.byteOffset, spec.data.byteLength).copy(bytes);
      else for (let i = 0; i < count; i += 1) bytes.writeInt32LE(spec.data[i]!, i * 4);
      break;
    case 'int64':
      for (let i = 0; i < count; i += 1) bytes.writeBigInt64LE(toBigInt(spec.data[i]!), i * 8);
      break;
  }
  return bytes;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function tensor(spec: OnnxInitializer): ProtoMessage {
  const message = new ProtoMessage();
  for (const dim of spec.dims) message.int(1, dim);
  return message.int(2, ELEMENT_TYPE[spec.type]).string(8, spec.name).bytes(9, rawData(spec));
}

/** The bytes of an ONNX model (IR 8, opset 17 of the default domain) holding the given graph. */
export function writeOnnxModel(spec: OnnxModelSpec): Buffer {
  const graph = new ProtoMessage();
  spec.nodes.forEach((item, index) => graph.message(1, node(item, index)));
  graph.string(2, spec.graphName ?? 'graph');
  for (const initializer of spec.initializers ?? []) graph.message(5, tensor(initializer));
  for (const input of spec.inputs) graph.message(11, valueInfo(input));
  for (const output of spec.outputs) graph.message(12, valueInfo(output));
  // OperatorSetIdProto: domain = 1 (empty: the default ONNX domain), version = 2.
  const opset = new ProtoMessage().string(1, '').int(2, ONNX_OPSET);
  return new ProtoMessage()
    .int(1, ONNX_IR_VERSION)
    .string(2, spec.producerName ?? 'pinksea')
    .message(7, graph)
    .message(8, opset)
    .toBuffer();
}
