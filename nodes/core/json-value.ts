/**
 * What the JSON nodes share: which keys are never read or written (they would reach an object's
 * prototype), what counts as a JSON object, how deep parsed JSON may nest, and a value as text.
 */
import { NodeError } from '@pinksea/node-sdk';

/**
 * Keys that name an object's prototype machinery. Reading them could hand out Object.prototype;
 * writing `__proto__` by assignment would change an object's prototype (prototype pollution).
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** How many levels of lists and objects parsed JSON may nest. */
export const MAX_JSON_DEPTH = 64;

/** A JSON object as values carry them: an object of own keys, not a list and not a class instance. */
export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * How many levels of lists and objects `value` nests (a number or text: 0, `[]`: 1, `[[1]]`: 2),
 * counted without recursion and given up at `limit` + 1, so no value overflows the stack.
 */
export function nestingDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Text as it is; anything else written as JSON. */
export function toText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new NodeError('not_json', `The value cannot be written as JSON text: ${error instanceof Error ? error.message : String(error)}`, {
      field,
    });
  }
  if (text === undefined) throw new NodeError('not_json', `The value (${typeof value}) cannot be written as JSON text`, { field });
  return text;
}
