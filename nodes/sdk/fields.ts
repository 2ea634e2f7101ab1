/**
 * Field builders: `field.*` for inputs, `output.*` for outputs. Each returns a serialisable spec
 * that also carries its value type, so `invoke` receives typed inputs without casts.
 */
import type {
  Color,
  ConditioningRef,
  FieldKind,
  ImageRef,
  InputFieldSpec,
  InputMode,
  ModelRef,
  TensorRef,
  TypedInput,
  TypedOutput,
  UiHints,
} from '../../engine/fields/field-types';
import { SEED_MAX } from './seeded-random';

interface CommonOptions<T> {
  readonly title?: string;
  readonly description?: string;
  readonly ui?: UiHints;
  /** How the value arrives; `any` (the default) allows both an edge and a typed value. */
  readonly input?: InputMode;
  readonly default?: T;
  readonly optional?: boolean;
  readonly lazy?: boolean;
  /** Accept several edges, gathered into a list in edge order (as Collect's `item` does). */
  readonly multiple?: boolean;
}

interface NumberOptions<T> extends CommonOptions<T> {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
}

interface StringOptions extends CommonOptions<string> {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

interface ListOptions<T> extends CommonOptions<T[]> {
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Also accept one value, which arrives as a list of one. */
  readonly acceptSingle?: boolean;
}

/** Keeps `optional: true` in the type, so `invoke` sees `T | undefined` for that input. */
type Optionality<O> = O extends { readonly optional: true } ? { readonly optional: true } : unknown;

function make<T, O extends CommonOptions<unknown>>(kind: FieldKind, options: O | undefined, extra: Partial<InputFieldSpec> = {}) {
  const { input = 'any', ...rest } = options ?? ({} as O);
  const spec: InputFieldSpec = { kind, cardinality: 'single', input, ...extra, ...rest };
  return spec as TypedInput<T> & Optionality<O>;
}

export const field = {
  integer: <const O extends NumberOptions<number>>(options?: O) => make<number, O>('integer', options),
  float: <const O extends NumberOptions<number>>(options?: O) => make<number, O>('float', options),
  string: <const O extends StringOptions>(options?: O) => make<string, O>('string', options),
  boolean: <const O extends CommonOptions<boolean>>(options?: O) => make<boolean, O>('boolean', options),
  enum: <const T extends string, const O extends CommonOptions<T>>(options: readonly T[], settings?: O) =>
    make<T, O>('enum', settings, { options }),
  color: <const O extends CommonOptions<Color>>(options?: O) => make<Color, O>('color', options),
  image: <const O extends CommonOptions<ImageRef>>(options?: O) => make<ImageRef, O>('image', options),
  latents: <const O extends CommonOptions<TensorRef>>(options?: O) => make<TensorRef, O>('latents', options),
  tensor: <const O extends CommonOptions<TensorRef>>(options?: O) => make<TensorRef, O>('tensor', options),
  conditioning: <const O extends CommonOptions<ConditioningRef>>(options?: O) =>
    make<ConditioningRef, O>('conditioning', options),
  model: <const O extends CommonOptions<ModelRef>>(options?: O) => make<ModelRef, O>('model', options),
  any: <const O extends CommonOptions<unknown>>(options?: O) => make<unknown, O>('any', options),
  /**
   * A seed for a seeded generator (SeededRandom): an unsigned 32-bit integer, as in InvokeAI,
   * shown with the seed widget (randomise, lock).
   */
  seed: <const O extends Omit<NumberOptions<number>, 'minimum' | 'maximum'>>(options?: O) =>
    make<number, O>('integer', { title: 'Seed', default: 0, ...options, ui: { widget: 'seed', ...options?.ui } } as O, {
      minimum: 0,
      maximum: SEED_MAX,
    }),
  /** A collection of `item`'s kind; `item`'s bounds apply to every element. */
  list: <T, const O extends ListOptions<T>>(item: TypedInput<T>, options?: O) => {
    const { acceptSingle, ...rest } = options ?? ({} as O);
    const { input: _mode, default: _default, optional: _optional, title: _title, description: _description, ...itemRest } =
      item;
    const spec = make<T[], O>(item.kind, rest as O, { ...itemRest, cardinality: acceptSingle ? 'either' : 'collection' });
    return spec;
  },
};

function out<T>(kind: FieldKind, options: { title?: string; description?: string; ui?: UiHints } = {}, extra = {}) {
  return { kind, cardinality: 'single', ...extra, ...options } as TypedOutput<T>;
}

type OutputOptions = { readonly title?: string; readonly description?: string; readonly ui?: UiHints };

export const output = {
  integer: (options?: OutputOptions) => out<number>('integer', options),
  float: (options?: OutputOptions) => out<number>('float', options),
  string: (options?: OutputOptions) => out<string>('string', options),
  boolean: (options?: OutputOptions) => out<boolean>('boolean', options),
  enum: <const T extends string>(options: readonly T[], settings?: OutputOptions) => out<T>('enum', settings, { options }),
  color: (options?: OutputOptions) => out<Color>('color', options),
  image: (options?: OutputOptions) => out<ImageRef>('image', options),
  latents: (options?: OutputOptions) => out<TensorRef>('latents', options),
  tensor: (options?: OutputOptions) => out<TensorRef>('tensor', options),
  conditioning: (options?: OutputOptions) => out<ConditioningRef>('conditioning', options),
  model: (options?: OutputOptions) => out<ModelRef>('model', options),
  any: (options?: OutputOptions) => out<unknown>('any', options),
  list: <T>(item: TypedOutput<T>, options?: OutputOptions) =>
    ({ ...item, ...options, cardinality: 'collection' }) as TypedOutput<T[]>,
};
