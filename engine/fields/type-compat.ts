/**
 * Whether an output socket may feed an input socket, and why not. The rules users expect from
 * InvokeAI: same kind connects; integer widens to float; numbers and enums become strings; `any`
 * connects to everything (checked again at run time); a collection only reaches a collection
 * input, unless an Iterate node splits it; a single value reaches a collection input only when
 * that input accepts either.
 */
import { describeType, type FieldKind, type FieldType } from './field-types';

export type Compatibility =
  | { readonly ok: true; readonly casts: readonly Cast[] }
  | { readonly ok: false; readonly reason: string };

/** A conversion applied to values crossing the edge at run time. */
export type Cast = 'to_string' | 'wrap_in_collection';

const WIDENINGS: Readonly<Partial<Record<FieldKind, readonly FieldKind[]>>> = {
  float: ['integer'],
  string: ['integer', 'float', 'enum'],
  tensor: ['latents'],
};

export function kindAccepts(target: FieldKind, source: FieldKind): boolean {
  if (target === source || target === 'any' || source === 'any') return true;
  return WIDENINGS[target]?.includes(source) ?? false;
}

export function checkConnection(source: FieldType, target: FieldType): Compatibility {
  if (!kindAccepts(target.kind, source.kind)) {
    return {
      ok: false,
      reason: `a ${describeType(source)} output cannot feed a ${describeType(target)} input`,
    };
  }
  if (target.kind === 'enum' && source.kind === 'enum' && !sameOptions(source, target)) {
    return {
      ok: false,
      reason: `the enum options differ: ${describeType(source)} cannot feed ${describeType(target)}`,
    };
  }

  const sourceMany = source.cardinality === 'collection';
  const targetMany = target.cardinality === 'collection';
  // `any` on either side may hold a collection; the value is checked when it arrives.
  const looseSingle = source.kind === 'any' && source.cardinality === 'single';
  const looseTarget = target.kind === 'any' && target.cardinality === 'single';

  if (sourceMany && target.cardinality === 'single' && !looseTarget) {
    return {
      ok: false,
      reason: `a ${describeType(source)} cannot feed a single ${target.kind} input: split it with an Iterate node`,
    };
  }
  if (!sourceMany && targetMany && !looseSingle) {
    return {
      ok: false,
      reason: `a single ${source.kind} cannot feed a ${describeType(target)} input: gather values with a Collect node`,
    };
  }
  const wrap = source.cardinality === 'single' && target.cardinality === 'either' && !looseSingle;
  const toString = target.kind === 'string' && source.kind !== 'string' && source.kind !== 'any';
  const casts: Cast[] = [];
  if (toString) casts.push('to_string');
  if (wrap) casts.push('wrap_in_collection');
  return { ok: true, casts };
}

function sameOptions(a: FieldType, b: FieldType): boolean {
  if (!a.options || !b.options) return true;
  return a.options.every((option) => b.options!.includes(option));
}

/** Applies an edge's casts, in order, to a value that crossed it. */
export function applyCasts(value: unknown, casts: readonly Cast[]): unknown {
  let result = value;
  for (const cast of casts) {
    if (cast === 'wrap_in_collection') result = Array.isArray(result) ? result : [result];
    else if (Array.isArray(result)) result = result.map(stringify);
    else result = stringify(result);
  }
  return result;
}

function stringify(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
