/**
 * One declaration per action (CONVENTIONS §17): the fastest-validator rules in `params` validate
 * the call, become its OpenAPI entry (services/api/validator-schema.ts), and, through `ParamsOf`,
 * are the handler's `ctx.params` type. `defineAction` ties them together, so nobody writes the
 * params type a second time by hand and the two cannot drift.
 *
 * `ParamsOf` says what fastest-validator (with Moleculer's options) lets through, not what one
 * would like it to: an `optional` rule without a default also accepts null, so its key is typed
 * `key?: T | null`; a rule with a default is always present after validation; a loose `equal`
 * (which compares with `==`) and anything this file cannot read is `unknown`, never `any`.
 */
import type { ActionSchema, Context, Service } from 'moleculer';
import type { ResponseMeta } from './response-meta';

/** One rule as an action may declare it: an object, a shorthand ("string|optional"), or alternatives. */
export type ParamRule = string | { readonly type?: unknown; readonly [option: string]: unknown } | readonly ParamRule[];

/** An action's `params`: a rule per key, plus fastest-validator's `$$` options (`$$strict`). */
export type ParamRules = { readonly [key: string]: ParamRule | boolean };

/** What an action's handler is given: its validated params and the request's meta (caller, HTTP response). */
export type ActionContext<P> = Context<P, ResponseMeta>;

/** An action whose handler's `ctx.params` is what its `params` rules let through. */
export type DefinedAction<P extends ParamRules, R> = Omit<ActionSchema, 'params' | 'handler'> & {
  params: P;
  handler(this: Service, ctx: ActionContext<ParamsOf<P>>): R;
};

/**
 * Declares an action once: `handler`'s `ctx.params` is inferred from `params` (inline rules are
 * read as if written `as const`). The result is a plain Moleculer ActionSchema.
 */
export function defineAction<const P extends ParamRules, R>(action: DefinedAction<P, R>): DefinedAction<P, R> {
  return action;
}

declare const DECLARED_TYPE: unique symbol;

/** A rule carrying the type of the value it lets through, for rules TypeScript cannot read (custom checks). */
export type TypedRule<T> = { readonly [DECLARED_TYPE]?: () => T };

/**
 * Declares, beside the rule, the type of what a rule too dynamic to infer lets through (a custom
 * check that may also convert the value): `typedRule<Point>()({ type: 'custom', check })`.
 * Optional and nullable still come from the rule (fastest-validator calls a `custom` function for
 * a missing or null value too: it should hand those back as they are). A type only: the rule
 * itself is unchanged.
 */
export function typedRule<T>() {
  return <const R extends ParamRule>(rule: R): R & TypedRule<T> => rule as R & TypedRule<T>;
}

/** The params a handler receives once `R`'s rules validated the call. */
export type ParamsOf<R> = Simplify<
  { -readonly [K in keyof R as Key<K, R[K], false>]: Base<Normalize<R[K]>> | NullIfAccepted<Normalize<R[K]>> } & {
    -readonly [K in keyof R as Key<K, R[K], true>]?: Base<Normalize<R[K]>> | NullIfAccepted<Normalize<R[K]>>;
  }
>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** `K` when it is a params key whose presence after validation is `Optional`; `$$` options are no keys. */
type Key<K, Rule, Optional extends boolean> = K extends `$$${string}` ? never : K extends string ? (MayBeAbsent<Normalize<Rule>> extends Optional ? K : never) : never;

/**
 * A value is the rule's type, and null where the validator lets null through. (Unions are spelled
 * out where they are used, so editors show `string | null`, not this file's helper names.)
 */
type NullIfAccepted<N> = AcceptsNull<N> extends true ? null : never;

/** An array element may also be missing (undefined) when its rule is optional. */
type UndefinedIfAbsent<N> = MayBeAbsent<N> extends true ? undefined : never;

/** A literal `true`, or a flag whose value TypeScript does not know (a widened boolean): either may be set. */
type Flag<N, Name extends string> = N extends { readonly [key in Name]: infer Value } ? (true extends Value ? true : false) : false;

/** fastest-validator fills in `default` for a missing value, and for null unless the rule is nullable. */
type HasDefault<N> = N extends { readonly default: infer Value } ? ([Value] extends [undefined | null] ? false : true) : false;

type MayBeAbsent<N> = HasDefault<N> extends true ? false : Flag<N, 'optional'> extends true ? true : N extends { readonly type: 'forbidden' } ? true : false;

type AcceptsNull<N> =
  N extends { readonly type: 'forbidden' } ? true
  : Flag<N, 'nullable'> extends true ? true
  : HasDefault<N> extends true ? false
  : Flag<N, 'optional'>;

/** A rule in object form: shorthands parsed, alternatives as a `multi` rule (as fastest-validator does). */
type Normalize<Rule> =
  Rule extends string ? Shorthand<Rule>
  : Rule extends readonly unknown[] ? { readonly type: 'multi'; readonly rules: Rule; readonly optional: Every<Rule, 'optional'>; readonly nullable: Every<Rule, 'nullable'> }
  : Rule;

/** Whether every alternative sets the flag (then the alternatives as a whole do). */
type Every<Rules extends readonly unknown[], Name extends string> = false extends (Rules[number] extends infer Rule ? (Rule extends unknown ? Flag<Normalize<Rule>, Name> : never) : never) ? false : true;

/** "type|option|key:value" as parseShortHand reads it; "type[]" is an array of that type, the options on the array. */
type Shorthand<Text extends string> =
  Split<Text> extends [infer Head extends string, ...infer Options extends string[]]
    ? (Head extends `${infer Item}[]` ? { readonly type: 'array'; readonly items: Item } : { readonly type: Head }) & ShorthandOptions<Options[number]>
    : never;

type ShorthandOptions<Option extends string> = {
  readonly optional: ShorthandFlag<Option, 'optional'>;
  readonly nullable: ShorthandFlag<Option, 'nullable'>;
} & ([Extract<Option, `default:${string}`>] extends [never] ? unknown : { readonly default: string | number | boolean });

type ShorthandFlag<Option extends string, Name extends string> = Name extends Option ? true : `${Name}:true` extends Option ? true : false;

type Split<Text extends string> = Text extends `${infer Head}|${infer Rest}` ? [Trim<Head>, ...Split<Rest>] : [Trim<Text>];

type Trim<Text extends string> = Text extends ` ${infer Inner}` ? Trim<Inner> : Text extends `${infer Inner} ` ? Trim<Inner> : Text;

/**
 * The type of a value the rule accepts, null and absence aside. A `custom` function may replace
 * the value with anything, so a rule with one is `unknown` unless its type is declared (typedRule).
 */
type Base<N> =
  N extends TypedRule<infer Declared> ? (typeof DECLARED_TYPE extends keyof N ? Declared : Inferred<N>) : Inferred<N>;

type Inferred<N> =
  N extends { readonly custom: unknown } ? unknown
  : N extends { readonly type: infer Type } ? ByType<Type, N>
  : unknown;

type ByType<Type, N> =
  [Type] extends ['string'] ? (N extends { readonly enum: readonly (infer Value)[] } ? Value : string)
  : [Type] extends ['number'] ? number
  : [Type] extends ['boolean'] ? boolean
  : [Type] extends ['uuid' | 'email' | 'url'] ? string
  : [Type] extends ['date'] ? Date
  : [Type] extends ['enum'] ? (N extends { readonly values: readonly (infer Value)[] } ? Value : unknown)
  : [Type] extends ['equal'] ? (N extends { readonly value: infer Value; readonly strict: true } ? Value : unknown)
  : [Type] extends ['array'] ? (N extends { readonly items: infer Item } ? (Base<Normalize<Item>> | NullIfAccepted<Normalize<Item>> | UndefinedIfAbsent<Normalize<Item>>)[] : unknown[])
  : [Type] extends ['object'] ? ObjectOf<N>
  : [Type] extends ['multi'] ? (N extends { readonly rules: readonly (infer Alternative)[] } ? (Alternative extends unknown ? Base<Normalize<Alternative>> : never) : unknown)
  : [Type] extends ['forbidden'] ? never
  : unknown;

type ObjectOf<N> =
  N extends { readonly props: infer Props extends object } ? ParamsOf<Props>
  : N extends { readonly properties: infer Props extends object } ? ParamsOf<Props>
  : Record<string, unknown>;
