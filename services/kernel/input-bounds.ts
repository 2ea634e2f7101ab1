/**
 * Bounds on what any API route accepts, checked for every routed action (those with `rest`)
 * before its params are validated: no string and no object key with a NUL byte (PostgreSQL
 * refuses \u0000 in text, so it would fail the query: a 500), no JSON nested deeper than
 * `maxDepth` and no more than `maxValues` values in all. Path parameters, the query string and the
 * JSON body all arrive in `ctx.params`.
 *
 * Before validation, not after: fastest-validator writes a refused value into its message, and
 * turning a 5,000-deep array into text overflows the stack (as would the engine's walks, and
 * JSON.stringify on the way to a jsonb column). The walk here is iterative, so the input it
 * exists to refuse cannot overflow it. Buffers, streams and other class instances are leaves:
 * only plain JSON is walked. A refusal is a validation error like any other, a 422 whose issue
 * names the field, e.g. `batch.graph.nodes[3].inputs.value`.
 */
import { Errors, Validators, type ActionSchema, type Context, type Middleware, type ServiceBroker } from 'moleculer';
import type { Issue } from '../../engine/errors';

export interface InputBounds {
  /** Levels of nesting below the params object itself. */
  readonly maxDepth: number;
  /** Values (strings, numbers, objects, array elements...) in the whole params object. */
  readonly maxValues: number;
}

export const INPUT_BOUNDS: InputBounds = { maxDepth: 64, maxValues: 100_000 };

/** Segments of a field path shown before "…" when the path is longer (deep values). */
const SHOWN_SEGMENTS = 12;

interface Entry {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Entry | undefined;
  readonly key: string | number | undefined;
}

/** The first way in which `params` breaks the bounds, as an issue naming the field; undefined when none. */
export function findUnboundedInput(params: unknown, bounds: InputBounds = INPUT_BOUNDS): Issue | undefined {
  const stack: Entry[] = [{ value: params, depth: 0, parent: undefined, key: undefined }];
  let values = 1;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value, depth } = entry;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return issue('nul_byte', entry, 'must not contain a NUL byte (\\u0000)');
      continue;
    }
    if (!isJsonContainer(value)) continue;
    const keys: readonly (string | number)[] | undefined = Array.isArray(value) ? undefined : Object.keys(value);
    const size = keys ? keys.length : (value as unknown[]).length;
    if (size === 0) continue;
    if (depth >= bounds.maxDepth) return issue('too_deep', entry, `nests deeper than ${bounds.maxDepth} levels`);
    // Counted before the children are looked at, so a huge array costs no more than a small one.
    values += size;
    if (values > bounds.maxValues) return issue('too_many_values', entry, `makes the request hold more than ${bounds.maxValues} values`);
    for (let index = size - 1; index >= 0; index -= 1) {
      const key = keys ? keys[index]! : index;
      const childEntry: Entry = { value: (value as Record<string | number, unknown>)[key], depth: depth + 1, parent: entry, key };
      if (typeof key === 'string' && key.includes('\u0000')) return issue('nul_byte', childEntry, 'must not have a NUL byte (\\u0000) in its name');
      stack.push(childEntry);
    }
  }
  return undefined;
}

/**
 * Moleculer's fastest-validator, with the bounds checked first for routed actions (broker option
 * `validator`). Actions without a route are the cluster's own calls, whose params (images, job
 * results) may be large and are not a client's to bound.
 */
export class BoundedValidator extends Validators.Fastest {
  constructor(private readonly bounds: InputBounds = INPUT_BOUNDS) {
    super();
  }

  override middleware(broker: ServiceBroker): Middleware {
    const validation = super.middleware(broker) as Middleware & { localAction: (handler: ActionHandler, action: ActionSchema) => ActionHandler };
    const bounds = this.bounds;
    return {
      ...validation,
      localAction(handler: ActionHandler, action: ActionSchema): ActionHandler {
        const validated = validation.localAction(handler, action);
        if (!action.rest) return validated;
        return function checkInputBounds(ctx: Context) {
          const problem = findUnboundedInput(ctx.params, bounds);
          if (!problem) return validated(ctx);
          const field = problem.field || 'params';
          const detail = { type: problem.code, field, message: `The '${field}' field ${problem.message}`, nodeID: ctx.nodeID, action: action.name };
          return Promise.reject(new Errors.ValidationError('Parameters validation error!', 'VALIDATION_ERROR', [detail]));
        };
      },
    };
  }
}

type ActionHandler = (ctx: Context) => Promise<unknown>;

/** Plain objects and arrays: what JSON.parse and the query parser make. */
function isJsonContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function issue(code: string, entry: Entry, message: string): Issue {
  return { code, field: fieldPath(entry), message };
}

/** `batch.graph.nodes[3].inputs.value`, built only when there is something to report. */
function fieldPath(entry: Entry): string {
  const keys: (string | number)[] = [];
  for (let at: Entry | undefined = entry; at?.key !== undefined; at = at.parent) keys.push(at.key);
  keys.reverse();
  const shown = keys.slice(0, SHOWN_SEGMENTS).map((key, index) => {
    if (typeof key === 'number') return `[${key}]`;
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return /^[A-Za-z_$]/.test(name) ? (index === 0 ? name : `.${name}`) : `[${name}]`;
  });
  return shown.join('') + (keys.length > SHOWN_SEGMENTS ? '…' : '');
}
