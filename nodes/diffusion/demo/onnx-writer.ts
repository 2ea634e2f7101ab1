/**
 * A small, general ONNX writer: a ModelProto (IR 8, opset 17) from graph inputs and outputs,
 * nodes with attributes, and initializers, encoded by protobufjs from the subset of onnx/onnx.proto
 * a graph needs (below, as a JSON descriptor). onnxruntime reads models but cannot write them.
 *
 * Initializers go in as raw_data (little-endian, as ONNX requires), so tens of megabytes are
 * copied into the output once, never spread into number arrays.
 *
 *   const bytes = writeOnnxModel({
 *     inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
 *     outputs: [{ name: 'y', type: 'float32', shape: ['batch', 2] }],
 *     nodes: [{ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
 *     initializers: [{ name: 'w', type: 'float32', dims: [4, 2], data: new Float32Array(8) }],
 *   });
 */
import protobuf, { type IField, type IType } from 'protobufjs';

export type OnnxElementType = 'float32' | 'int32' | 'int64';
/** Graph inputs and outputs may also be float16 (initializers are not). */
export type OnnxValueType = OnnxElementType | 'float16';

/** A graph input or output: fixed sizes as numbers, dynamic ones by symbolic names. */
export interface OnnxValueSpec {
  readonly name: string;
  readonly type: OnnxValueType;
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
const ELEMENT_TYPE: Readonly<Record<OnnxValueType, number>> = { float32: 1, int32: 6, int64: 7, float16: 10 };
const ELEMENT_BYTES: Readonly<Record<OnnxElementType, number>> = { float32: 4, int32: 4, int64: 8 };
/** AttributeProto.AttributeType values. */
const ATTRIBUTE_TYPE: Readonly<Record<OnnxAttribute['kind'], number>> = { float: 1, int: 2, string: 3, floats: 6, ints: 7 };

/**
 * The messages and fields of onnx/onnx.proto that the writer fills, with their numbers; enums as
 * int32, which encodes the same. proto2, as onnx.proto is: a field set to '' is still written, and
 * repeated numbers are not packed.
 */
const field = (id: number, type: string): IField => ({ id, type });
const repeated = (id: number, type: string): IField => ({ id, type, rule: 'repeated' });
const proto2 = (messages: Record<string, IType>): Record<string, IType> =>
  Object.fromEntries(Object.entries(messages).map(([name, message]) => [name, { ...message, edition: 'proto2' }]));
const ONNX_PROTO = protobuf.Root.fromJSON({
  nested: proto2({
    ModelProto: { fields: { ir_version: field(1, 'int64'), producer_name: field(2, 'string'), graph: field(7, 'GraphProto'), opset_import: repeated(8, 'OperatorSetIdProto') } },
    OperatorSetIdProto: { fields: { domain: field(1, 'string'), version: field(2, 'int64') } },
    GraphProto: {
      fields: { node: repeated(1, 'NodeProto'), name: field(2, 'string'), initializer: repeated(5, 'TensorProto'), input: repeated(11, 'ValueInfoProto'), output: repeated(12, 'ValueInfoProto') },
    },
    NodeProto: {
      fields: { input: repeated(1, 'string'), output: repeated(2, 'string'), name: field(3, 'string'), op_type: field(4, 'string'), attribute: repeated(5, 'AttributeProto'), domain: field(7, 'string') },
    },
    AttributeProto: {
      fields: { name: field(1, 'string'), f: field(2, 'float'), i: field(3, 'int64'), s: field(4, 'bytes'), floats: repeated(7, 'float'), ints: repeated(8, 'int64'), type: field(20, 'int32') },
    },
    TensorProto: { fields: { dims: repeated(1, 'int64'), data_type: field(2, 'int32'), name: field(8, 'string'), raw_data: field(9, 'bytes') } },
    ValueInfoProto: { fields: { name: field(1, 'string'), type: field(2, 'TypeProto') } },
    TypeProto: { fields: { tensor_type: field(1, 'TypeProtoTensor') } },
    TypeProtoTensor: { fields: { elem_type: field(1, 'int32'), shape: field(2, 'TensorShapeProto') } },
    TensorShapeProto: { fields: { dim: repeated(1, 'Dimension') } },
    Dimension: { fields: { dim_value: field(1, 'int64'), dim_param: field(2, 'string') } },
  }),
});
const MODEL_PROTO = ONNX_PROTO.lookupType('ModelProto');

/** An int64 as protobufjs takes it: a safe number, or a bigint split into its 32-bit halves. */
function int64(value: number | bigint): number | { low: number; high: number; unsigned: false } {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer ONNX can store`);
    return value;
  }
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned: false };
}

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not an integer ONNX can store`);
  return BigInt(value);
}

function valueInfo(spec: OnnxValueSpec): object {
  const dim = spec.shape.map((size) => (typeof size === 'number' ? { dim_value: int64(size) } : { dim_param: size }));
  return { name: spec.name, type: { tensor_type: { elem_type: ELEMENT_TYPE[spec.type], shape: { dim } } } };
}

function attribute(name: string, value: OnnxAttribute): object {
  const type = ATTRIBUTE_TYPE[value.kind];
  switch (value.kind) {
    case 'float':
      return { name, f: value.value, type };
    case 'int':
      return { name, i: int64(value.value), type };
    case 'string':
      return { name, s: Buffer.from(value.value, 'utf8'), type };
    case 'floats':
      return { name, floats: value.value, type };
    case 'ints':
      return { name, ints: value.value.map(int64), type };
  }
}

function node(spec: OnnxNodeSpec, index: number): object {
  return {
    input: spec.inputs,
    output: spec.outputs,
    name: spec.name ?? `${spec.opType}_${index}`,
    op_type: spec.opType,
    attribute: Object.entries(spec.attributes ?? {}).map(([name, value]) => attribute(name, value)),
    ...(spec.domain ? { domain: spec.domain } : {}),
  };
}

/** The little-endian bytes of an initializer's data, copied once. */
function rawData(spec: OnnxInitializer): Buffer {
  const count = spec.data.length;
  const expected = spec.dims.reduce((product, dim) => product * dim, 1);
  if (count !== expected) {
    throw new RangeError(`Initializer "${spec.name}" has ${count} values but dims [${spec.dims.join(', ')}] hold ${expected}`);
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

function tensor(spec: OnnxInitializer): object {
  return { dims: spec.dims.map(int64), data_type: ELEMENT_TYPE[spec.type], name: spec.name, raw_data: rawData(spec) };
}

/** The bytes of an ONNX model (IR 8, opset 17 of the default domain) holding the given graph. */
export function writeOnnxModel(spec: OnnxModelSpec): Buffer {
  const model = {
    ir_version: ONNX_IR_VERSION,
    producer_name: spec.producerName ?? 'pinksea',
    graph: {
      node: spec.nodes.map(node),
      name: spec.graphName ?? 'graph',
      initializer: (spec.initializers ?? []).map(tensor),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
    // The empty domain is the default ONNX domain.
    opset_import: [{ domain: '', version: ONNX_OPSET }],
  };
  const bytes = MODEL_PROTO.encode(model).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
