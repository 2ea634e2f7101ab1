/**
 * The field types of node inputs and outputs. One flat, serialisable description per field:
 * the editor draws sockets and widgets from it, validation checks values and connections with it,
 * and the catalogue turns it into JSON Schema.
 */

export const FIELD_KINDS = [
  'integer',
  'float',
  'string',
  'boolean',
  'enum',
  'color',
  'image',
  'latents',
  'tensor',
  'conditioning',
  'model',
  'any',
] as const;

export type FieldKind = (typeof FIELD_KINDS)[number];

/** How a value reaches an input: through an edge, typed in the editor, or either. */
export type InputMode = 'connection' | 'direct' | 'any';

/** single: one value; collection: a list; either: a list, or one value that becomes a list of one. */
export type Cardinality = 'single' | 'collection' | 'either';

/** A stored image, by name; the bytes live in the image store. */
export interface ImageRef {
  readonly imageName: string;
}

/** A stored tensor (latents, noise, masks as tensors), by name. */
export interface TensorRef {
  readonly tensorName: string;
}

/** Stored prompt conditioning (text-encoder output), by name. */
export interface ConditioningRef {
  readonly conditioningName: string;
}

/** A model the model manager holds, by key; `submodel` picks a part of a multi-part model. */
export interface ModelRef {
  readonly key: string;
  readonly base?: string;
  readonly type?: string;
  readonly submodel?: string;
}

/** RGBA, each channel an integer 0..255. */
export interface Color {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

export interface KindValueMap {
  integer: number;
  float: number;
  string: string;
  boolean: boolean;
  enum: string;
  color: Color;
  image: ImageRef;
  latents: TensorRef;
  tensor: TensorRef;
  conditioning: ConditioningRef;
  model: ModelRef;
  any: unknown;
}

export type Widget =
  | 'number'
  | 'slider'
  | 'text'
  | 'textarea'
  | 'checkbox'
  | 'select'
  | 'color'
  | 'image'
  | 'model'
  | 'seed'
  | 'none';

/** Hints for the editor; they never change what a value means. */
export interface UiHints {
  readonly widget?: Widget;
  readonly multiline?: boolean;
  readonly slider?: { readonly min: number; readonly max: number; readonly step?: number };
  /** Labels shown for enum options, by option value. */
  readonly choiceLabels?: Readonly<Record<string, string>>;
  /** Which models a model picker offers. */
  readonly modelFilter?: { readonly base?: readonly string[]; readonly type?: readonly string[] };
  /** Position among the node's inputs; lower first. */
  readonly order?: number;
  readonly hidden?: boolean;
  readonly placeholder?: string;
}

/** The type part of a field: enough to decide whether two sockets connect. */
export interface FieldType {
  readonly kind: FieldKind;
  readonly cardinality: Cardinality;
  /** For enums: the allowed values, in display order. */
  readonly options?: readonly string[];
}

export interface NumberBounds {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
}

export interface StringBounds {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface CollectionBounds {
  readonly minItems?: number;
  readonly maxItems?: number;
}

export interface OutputFieldSpec extends FieldType {
  readonly title?: string;
  readonly description?: string;
  readonly ui?: UiHints;
}

export interface InputFieldSpec extends OutputFieldSpec, NumberBounds, StringBounds, CollectionBounds {
  readonly input: InputMode;
  /** Used when the input is neither set nor connected. */
  readonly default?: unknown;
  /** May be left unset: the node then receives `undefined`. Inputs with a default are never missing. */
  readonly optional?: boolean;
  /** Evaluated only when the node asks for it (see NodeDefinition.selectLazyInputs). */
  readonly lazy?: boolean;
  /** Accepts several incoming edges, gathered in edge order (Collect's `item`). */
  readonly multiple?: boolean;
}

/** Phantom-typed specs: the builders carry the value type so `invoke` sees typed inputs. */
export interface TypedInput<T> extends InputFieldSpec {
  readonly __value?: T;
}

export interface TypedOutput<T> extends OutputFieldSpec {
  readonly __value?: T;
}

export type InputSpecs = Readonly<Record<string, TypedInput<unknown>>>;
export type OutputSpecs = Readonly<Record<string, TypedOutput<unknown>>>;

type ValueOf<F> = F extends { readonly __value?: infer T } ? T : never;
type IsOptional<F> = F extends { readonly optional: true } ? true : false;

/** The values `invoke` receives: optional inputs may be undefined. */
export type InputValues<I extends InputSpecs> = {
  readonly [K in keyof I]: IsOptional<I[K]> extends true ? ValueOf<I[K]> | undefined : ValueOf<I[K]>;
};

export type OutputValues<O extends OutputSpecs> = { [K in keyof O]: ValueOf<O[K]> };

export function describeType(type: FieldType): string {
  const kind = type.kind === 'enum' && type.options ? `enum (${type.options.join(' | ')})` : type.kind;
  if (type.cardinality === 'collection') return `collection of ${kind}`;
  if (type.cardinality === 'either') return `${kind} or collection of ${kind}`;
  return kind;
}
