/**
 * The paths JSON Get follows: keys after dots, list positions in brackets, and keys that hold dots,
 * brackets or quotes quoted in brackets: `order.items[0].sku`, `headers["content-type"]`,
 * `["a.b"].c`. An empty path is the value itself.
 */
import { NodeError } from '@pinksea/node-sdk';
import { FORBIDDEN_KEYS, isJsonObject } from './json-value';

export type PathStep = { readonly key: string } | { readonly index: number };

const PATH_HELP = 'write keys after dots and list positions in brackets, e.g. order.items[0].sku, and quote keys with dots: ["a.b"]';
const CANONICAL_INDEX = /^(0|[1-9]\d*)$/;

/** The steps of a path; a NodeError naming `field` and the character at fault when it is malformed. */
export function parsePath(path: string, field: string): PathStep[] {
  const steps: PathStep[] = [];
  let at = 0;
  const fail = (expected: string, position = at): never => {
    const where = position < path.length ? `at character ${position + 1} ("${path[position]}")` : 'at its end';
    throw new NodeError('invalid_path', `The path "${path}" is malformed ${where}: expected ${expected}; ${PATH_HELP}`, { field });
  };

  while (at < path.length) {
    const char = path[at]!;
    if (char === '[') {
      at += 1;
      steps.push(readBracket());
      if (path[at] !== ']') fail('"]" to close the bracket');
      at += 1;
    } else if (char === '.' || steps.length === 0) {
      if (char === '.') {
        if (steps.length === 0) fail('a key or [index] before the first "."');
        at += 1;
      }
      const start = at;
      while (at < path.length && !'.[]'.includes(path[at]!)) at += 1;
      if (at === start) fail(char === '.' ? 'a key after "."' : 'a key');
      steps.push({ key: path.slice(start, at) });
      if (path[at] === ']') fail('"." or "[" (this "]" closes no bracket)');
    } else {
      fail('"." or "[" between steps');
    }
  }
  return steps;

  function readBracket(): PathStep {
    const open = path[at];
    if (open === '"' || open === "'") return { key: readQuoted(open) };
    const start = at;
    while (at < path.length && path[at]! >= '0' && path[at]! <= '9') at += 1;
    if (at === start) fail('a list position (0, 1, 2, …) or a quoted key such as ["a.b"] inside the brackets');
    const index = Number(path.slice(start, at));
    if (!Number.isSafeInteger(index)) fail('a smaller list position', start);
    return { index };
  }

  function readQuoted(quote: string): string {
    const start = at;
    let key = '';
    for (at += 1; at < path.length && path[at] !== quote; at += 1) {
      if (path[at] === '\\') {
        at += 1;
        if (at >= path.length) break;
      }
      key += path[at];
    }
    if (at >= path.length) fail(`a closing ${quote} for the key opened at character ${start + 1}`);
    at += 1;
    return key;
  }
}

export type Lookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: Lookup = { found: false };

/**
 * Follows the steps into `value`. A step that leads nowhere (a missing key, a position past the
 * end, a key into text or a number) is not found; so are `__proto__`, `constructor` and
 * `prototype`, and anything that is not the object's own key.
 */
export function lookup(value: unknown, steps: readonly PathStep[]): Lookup {
  let current = value;
  for (const step of steps) {
    const key = 'key' in step ? step.key : String(step.index);
    if (Array.isArray(current)) {
      if (!CANONICAL_INDEX.test(key)) return NOT_FOUND;
      const index = Number(key);
      if (index >= current.length) return NOT_FOUND;
      current = current[index];
    } else if (isJsonObject(current)) {
      if (FORBIDDEN_KEYS.has(key) || !Object.hasOwn(current, key)) return NOT_FOUND;
      current = current[key];
    } else {
      return NOT_FOUND;
    }
    // Values that crossed JSON are never undefined; a hole in a list or an undefined field is nothing.
    if (current === undefined) return NOT_FOUND;
  }
  return { found: true, value: current };
}
