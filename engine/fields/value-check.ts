/**
 * Checks a value against a field: its kind, its bounds, its shape. Used for values typed into a
 * graph, for batch data, and at run time for values that crossed an `any` edge. Returns what was
 * expected, or undefined when the value fits.
 */
import type { FieldKind, InputFieldSpec, OutputFieldSpec } from './field-types';

type FieldForCheck = InputFieldSpec | OutputFieldSpec;

export function checkValue(field: FieldForCheck, value: unknown): string | undefined {
  if (field.cardinality === 'single') return checkItem(field, value);
  if (!Array.isArray(value)) {
    if (field.cardinality === 'either') return checkItem(field, value);
    return `expected a list of ${field.kind} values, got ${describeValue(value)}`;
  }
  const bounds = field as InputFieldSpec;
  if (bounds.minItems !== undefined && value.length < bounds.minItems) {
    return `expected at least ${bounds.minItems} items, got ${value.length}`;
  }
  if (bounds.maxItems !== undefined && value.length > bounds.maxItems) {
    return `expected at most ${bounds.maxItems} items, got ${value.length}`;
  }
  for (let index = 0; index < value.length; index++) {
    const problem = checkItem(field, value[index]);
    if (problem) return `item ${index}: ${problem}`;
  }
  return undefined;
}

function checkItem(field: FieldForCheck, value: unknown): string | undefined {
  const kindProblem = KIND_CHECKS[field.kind](value, field);
  if (kindProblem) return kindProblem;
  if (field.kind === 'integer' || field.kind === 'float') return checkNumber(field, value as number);
  if (field.kind === 'string') return checkString(field, value as string);
  return undefined;
}

type KindCheck = (value: unknown, field: FieldForCheck) => string | undefined;

const KIND_CHECKS: Readonly<Record<FieldKind, KindCheck>> = {
  integer: (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `expected an integer, got ${describeValue(value)}`,
  float: (value) =>
    typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a finite number, got ${describeValue(value)}`,
  string: (value) => (typeof value === 'string' ? undefined : `expected a string, got ${describeValue(value)}`),
  boolean: (value) => (typeof value === 'boolean' ? undefined : `expected true or false, got ${describeValue(value)}`),
  enum: (value, field) =>
    typeof value === 'string' && (field.options ?? []).includes(value)
      ? undefined
      : `expected one of ${(field.options ?? []).map((option) => JSON.stringify(option)).join(', ')}, got ${describeValue(value)}`,
  color: (value) => (isColor(value) ? undefined : `expected a colour {r, g, b, a} of integers 0-255, got ${describeValue(value)}`),
  image: (value) => refProblem(value, 'imageName', 'an image reference {imageName}'),
  latents: (value) => refProblem(value, 'tensorName', 'a latents reference {tensorName}'),
  tensor: (value) => refProblem(value, 'tensorName', 'a tensor reference {tensorName}'),
  conditioning: (value) => refProblem(value, 'conditioningName', 'a conditioning reference {conditioningName}'),
  model: (value) => refProblem(value, 'key', 'a model reference {key}'),
  any: () => undefined,
};

function checkNumber(field: FieldForCheck, value: number): string | undefined {
  const bounds = field as InputFieldSpec;
  if (bounds.minimum !== undefined && value < bounds.minimum) return `expected at least ${bounds.minimum}, got ${value}`;
  if (bounds.maximum !== undefined && value > bounds.maximum) return `expected at most ${bounds.maximum}, got ${value}`;
  if (bounds.exclusiveMinimum !== undefined && value <= bounds.exclusiveMinimum) {
    return `expected more than ${bounds.exclusiveMinimum}, got ${value}`;
  }
  if (bounds.exclusiveMaximum !== undefined && value >= bounds.exclusiveMaximum) {
    return `expected less than ${bounds.exclusiveMaximum}, got ${value}`;
  }
  if (bounds.multipleOf !== undefined && !isMultiple(value, bounds.multipleOf)) {
    return `expected a multiple of ${bounds.multipleOf}, got ${value}`;
  }
  return undefined;
}

function checkString(field: FieldForCheck, value: string): string | undefined {
  const bounds = field as InputFieldSpec;
  if (bounds.minLength !== undefined && value.length < bounds.minLength) {
    return `expected at least ${bounds.minLength} characters, got ${value.length}`;
  }
  if (bounds.maxLength !== undefined && value.length > bounds.maxLength) {
    return `expected at most ${bounds.maxLength} characters, got ${value.length}`;
  }
  if (bounds.pattern !== undefined && !new RegExp(bounds.pattern, 'u').test(value)) {
    return `expected text matching /${bounds.pattern}/`;
  }
  return undefined;
}

function isMultiple(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

function isColor(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const color = value as Record<string, unknown>;
  return ['r', 'g', 'b', 'a'].every((channel) => {
    const level = color[channel];
    return typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 255;
  });
}

function refProblem(value: unknown, key: string, expected: string): string | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = (value as Record<string, unknown>)[key];
    if (typeof name === 'string' && name.length > 0) return undefined;
  }
  return `expected ${expected}, got ${describeValue(value)}`;
}

/**
 * How deeply a value typed into a graph or a batch may nest lists and objects. Beyond what a
 * workflow needs, and far below what JSON.stringify and structured clones (recursive in V8: about
 * 1,200 levels) can take, so a hostile value is refused naming its field instead of overflowing
 * the stack later; and below the API's limit on a request body's nesting, so a person sending too
 * deep a value through the API learns which node and field hold it.
 */
export const MAX_VALUE_DEPTH = 32;

/**
 * Says when a value (as parsed from JSON: a tree) nests lists and objects deeper than `maxDepth`.
 * Iterative, and it stops descending at the limit, so no depth overflows the stack.
 */
export function nestingProblem(value: unknown, maxDepth = MAX_VALUE_DEPTH): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return `the value nests lists and objects more than ${maxDepth} levels deep`;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a non-finite number';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
