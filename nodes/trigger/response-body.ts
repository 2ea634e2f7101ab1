/**
 * The check a Respond body passes before it becomes an HTTP answer: it must be JSON as it is
 * (no functions, BigInts, undefined fields, non-finite numbers, dates or other class instances,
 * no cycles), nest at most 64 levels, and take at most 1 MB written out. The walk has no
 * recursion, and it stops once the value is plainly too large, so no value can exhaust the stack
 * or keep it walking (a list holding itself, or one list shared a million times).
 */
import { NodeError } from '@pinksea/node-sdk';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BODY_DEPTH = 64;

interface Visit {
  readonly value: unknown;
  readonly parent: Visit | undefined;
  readonly step: string;
  readonly depth: number;
}

/** The body as JSON gives it back; a NodeError naming `field` and where the body goes wrong. */
export function checkResponseBody(body: unknown, field: string): unknown {
  const problem = jsonProblem(body);
  if (problem === TOO_LARGE) throw tooLarge(field);
  if (problem) throw new NodeError('body_not_json', `The body cannot be sent as JSON: ${problem}`, { field });
  const text = JSON.stringify(body);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw tooLarge(field);
  return JSON.parse(text);
}

function tooLarge(field: string): NodeError {
  return new NodeError('body_too_large', 'The body takes more than the 1 MB a response may carry, written as JSON: send less, or save large data as an image or file', { field });
}

const TOO_LARGE = 'too large';

function jsonProblem(body: unknown): string | undefined {
  // Ancestors of the object being walked: meeting one again is a cycle. Entered on the way down,
  // left on the way back up (the `exit` markers), so a value shared by two branches is no cycle.
  const ancestors = new Set<object>();
  const stack: (Visit | { readonly exit: object })[] = [{ value: body, parent: undefined, step: '', depth: 0 }];
  // A lower bound of the bytes written so far: each value, key and string counts at least its length.
  let size = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if ('exit' in entry) {
      ancestors.delete(entry.exit);
      continue;
    }
    const { value } = entry;
    size += 1;
    if (typeof value === 'string') size += value.length;
    if (size > MAX_BODY_BYTES) return TOO_LARGE;
    const kind = valueProblem(value);
    if (kind) return `${where(entry)} is ${kind}`;
    if (typeof value !== 'object' || value === null) continue;
    if (ancestors.has(value)) return `${where(entry)} contains itself`;
    if (entry.depth >= MAX_BODY_DEPTH) return `${where(entry)} nests lists and objects more than ${MAX_BODY_DEPTH} levels deep`;
    // Every item or field writes at least one byte: a value with too many is refused before its children are listed.
    if (size + (Array.isArray(value) ? value.length : Object.keys(value).length) > MAX_BODY_BYTES) return TOO_LARGE;
    ancestors.add(value);
    stack.push({ exit: value });
    const children = Array.isArray(value) ? Array.from(value, (item, index): [string, unknown] => [`[${index}]`, item]) : childEntries(value);
    for (let index = children.length - 1; index >= 0; index--) {
      const [step, child] = children[index]!;
      size += step.length;
      stack.push({ value: child, parent: entry, step, depth: entry.depth + 1 });
    }
  }
  return undefined;
}

function childEntries(value: object): [string, unknown][] {
  return Object.entries(value).map(([key, child]) => [/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`, child]);
}

/** What about one value JSON would not give back as it is; undefined when JSON keeps it. */
function valueProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${value}, which JSON cannot hold`;
    case 'undefined':
      return 'undefined, which JSON has no value for';
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return undefined;
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      return `a ${typeof name === 'string' && name ? name : 'class instance'}, not a plain JSON object`;
    }
    default:
      return `a ${typeof value}, which JSON cannot hold`;
  }
}

function where(visit: Visit): string {
  const steps: string[] = [];
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) steps.push(at.step);
  return steps.length === 0 ? 'the body' : `body${steps.reverse().join('')}`;
}
