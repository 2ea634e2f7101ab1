/**
 * Hostile requests for every operation of the API's OpenAPI document: for each path, query and
 * body parameter, values a careless or malicious client sends (NUL bytes, numbers past bigint,
 * NaN, wrong types, deep and wide JSON, huge strings, percent-encoded garbage, another tenant's
 * ids), one parameter at a time so a failure names its cause. Used by test/api-fuzz.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import type { OpenApiDocument, OpenApiOperation } from '../../services/api/openapi';
import type { JsonSchema } from '../../services/api/validator-schema';

/** Deeper than any recursive walk over JSON survives. */
export const DEEP = 5_000;

export interface HostileRequest {
  readonly method: string;
  /** Path under /api/v1, with its parameters filled in and percent-encoded as the variant wants. */
  readonly path: string;
  readonly operationId: string;
  /** What was hostile, e.g. "query offset = 2^63". */
  readonly variant: string;
  readonly token?: string;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
}

/** The credentials and the real rows the requests use: the fuzzing user's, an admin's and another tenant's. */
export interface FuzzWorld {
  readonly userToken: string;
  readonly adminToken: string;
  /** Path parameters by route prefix and name, e.g. "/boards:id" → the other tenant's board id. */
  readonly othersIds: Readonly<Record<string, string>>;
  /** Path parameters that are no tenant's (queueId, a node type). */
  readonly sharedIds: Readonly<Record<string, string>>;
}

/**
 * JSON text of a value nested `depth` levels. Text, since JSON.stringify itself overflows the
 * stack past some 4,500 levels; JSON.parse does not, so a server receives such a value whole.
 */
export function deepJsonText(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A stand-in for a deep value inside a body, swapped for deepJsonText by toJsonText. */
export const DEEP_ARRAY = '\u0001deep-array\u0001';
const DEEP_OBJECT = '\u0001deep-object\u0001';

/** JSON.stringify, with the deep stand-ins written out. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll(JSON.stringify(DEEP_ARRAY), deepJsonText(DEEP))
    .replaceAll(JSON.stringify(DEEP_OBJECT), deepJsonText(DEEP, 'object'));
}

interface Hostile {
  readonly label: string;
  readonly value: unknown;
}

const HUGE = 'x'.repeat(1_000_000);
const NUMBERISH: readonly Hostile[] = [
  { label: '2^63', value: 2 ** 63 },
  { label: '-2^63', value: -(2 ** 63) },
  { label: '1e308', value: 1e308 },
  { label: '-1', value: -1 },
  { label: '1.5', value: 1.5 },
  { label: '"NaN"', value: 'NaN' },
  { label: '"Infinity"', value: 'Infinity' },
  { label: '"9223372036854775808"', value: '9223372036854775808' },
];
const ANY: readonly Hostile[] = [
  { label: 'NUL string', value: 'a\u0000b' },
  { label: 'NUL only', value: '\u0000' },
  { label: 'huge string', value: HUGE },
  { label: 'true', value: true },
  { label: 'null', value: null },
  { label: 'number', value: 12345 },
  { label: 'string', value: 'fuzz' },
  { label: 'array', value: ['a\u0000', 1, {}] },
  { label: 'object', value: { '\u0000key': 'a\u0000b', nested: { x: [1] } } },
  { label: 'deep array', value: DEEP_ARRAY },
  { label: 'deep object', value: DEEP_OBJECT },
];
const IN_URL: readonly Hostile[] = [
  { label: '%00', value: '%00' },
  { label: 'a%00b', value: 'a%00b' },
  { label: '%ZZ', value: '%ZZ' },
  { label: '%', value: '%' },
  { label: '%C0%AF (bad UTF-8)', value: '%C0%AF' },
  { label: '2^63', value: '9223372036854775808' },
  { label: '1e308', value: '1e308' },
  { label: '-1', value: '-1' },
  { label: 'NaN', value: 'NaN' },
  { label: 'empty', value: '' },
  { label: 'long', value: 'y'.repeat(4_000) },
  { label: '..%2F..%2Fetc', value: '..%2F..%2Fetc' },
];

/** Every hostile request for every operation, in document order. */
export function hostileRequests(document: OpenApiDocument, world: FuzzWorld): HostileRequest[] {
  const requests: HostileRequest[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, OpenApiOperation][]) {
      requests.push(...forOperation(template, method.toUpperCase(), operation, world));
    }
  }
  return requests;
}

function forOperation(template: string, method: string, operation: OpenApiOperation, world: FuzzWorld): HostileRequest[] {
  const token = operation['x-pinksea-auth'] === 'admin' ? world.adminToken : operation['x-pinksea-auth'] === 'none' ? undefined : world.userToken;
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = parameters.filter((parameter) => parameter.in === 'query');
  const prefix = template.replace(/^\/api\/v1/, '').split('/{')[0]!;
  const jsonSchema = operation.requestBody?.content['application/json']?.schema as JsonSchema | undefined;
  const stream = operation.requestBody?.content['application/octet-stream'] !== undefined;

  const pathValues: Record<string, string> = {};
  for (const parameter of pathParams) {
    const name = parameter.name;
    pathValues[name] = encodeURIComponent(world.othersIds[`${prefix}:${name}`] ?? world.sharedIds[name] ?? world.sharedIds[`${prefix}:${name}`] ?? 'fuzz-unknown');
  }
  const baseQuery: Record<string, string> = {};
  for (const parameter of queryParams) if (parameter.required) baseQuery[parameter.name] = String(baseline(parameter.schema));
  const baseBody = jsonSchema ? (baseline(jsonSchema) as Record<string, unknown>) : undefined;

  const make = (variant: string, options: { path?: Record<string, string>; query?: Record<string, string | string[]>; body?: unknown; rawBody?: string; token?: string }): HostileRequest => {
    const filled = template.replace(/^\/api\/v1/, '').replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => (options.path ?? pathValues)[name] ?? '');
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? baseQuery)) for (const one of [value].flat()) query.append(name, one);
    const search = query.toString();
    const body = options.rawBody ?? (options.body !== undefined ? toJsonText(options.body) : baseBody ? toJsonText(baseBody) : stream ? 'not an image, not a tarball' : undefined);
    const requestToken = options.token ?? token;
    return {
      method,
      path: filled + (search ? `?${search}` : ''),
      operationId: operation.operationId,
      variant,
      ...(requestToken ? { token: requestToken } : {}),
      ...(body !== undefined ? { body, contentType: stream && options.rawBody === undefined && options.body === undefined ? 'application/octet-stream' : 'application/json' } : {}),
    };
  };

  const requests: HostileRequest[] = [];
  for (const parameter of pathParams) {
    for (const hostile of [...IN_URL, { label: 'unknown uuid', value: randomUUID() }, { label: 'NUL (encoded)', value: encodeURIComponent('a\u0000b') }]) {
      requests.push(make(`path ${parameter.name} = ${hostile.label}`, { path: { ...pathValues, [parameter.name]: String(hostile.value) } }));
    }
  }
  // Another tenant's real ids are in pathValues already; send them with the fuzzing user's token.
  if (pathParams.some((parameter) => world.othersIds[`${prefix}:${parameter.name}`] !== undefined) && token === world.userToken) {
    requests.push(make('another tenant\'s id', {}));
  }
  for (const parameter of queryParams) {
    const values = [...IN_URL.map((hostile) => ({ label: hostile.label, value: decodeOrKeep(String(hostile.value)) })), { label: 'NUL', value: 'a\u0000b' }, { label: 'repeated', value: ['a', 'b\u0000'] }];
    for (const hostile of values) {
      requests.push(make(`query ${parameter.name} = ${hostile.label}`, { query: { ...baseQuery, [parameter.name]: hostile.value as string | string[] } }));
    }
  }
  if (jsonSchema) {
    for (const [field, schema] of leafFields(jsonSchema)) {
      const values = isNumeric(schema) ? [...NUMBERISH, ...ANY] : ANY;
      for (const hostile of values) requests.push(make(`body ${field} = ${hostile.label}`, { body: setAt(baseBody, field, hostile.value) }));
    }
    for (const [label, rawBody] of [
      ['body is an array', '[1,2,3]'],
      ['body is a string', '"a\\u0000b"'],
      ['body is a number', '1e308'],
      ['body is null', 'null'],
      ['body is deep', deepJsonText(DEEP)],
      ['body is malformed', '{"a":'],
      ['body key has NUL', JSON.stringify({ ...baseBody, 'a\u0000b': 1 })],
      ['body is wide', JSON.stringify({ ...baseBody, wide: new Array(300_000).fill(0) })],
    ] as const) {
      requests.push(make(label, { rawBody }));
    }
  }
  return requests;
}

/** Query values are percent-encoded by URLSearchParams: send the decoded form of the URL variants. */
function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isNumeric(schema: JsonSchema): boolean {
  return [schema.type].flat().some((type) => type === 'number' || type === 'integer');
}

/**
 * The fields of a body schema to make hostile, as dotted paths: each top-level property, the
 * properties of nested objects, and for a graph the input of a node in it.
 */
function leafFields(schema: JsonSchema): [string, JsonSchema][] {
  const fields: [string, JsonSchema][] = [];
  const stack: [string, JsonSchema][] = Object.entries(schema.properties ?? {}).map(([name, child]) => [name, child]);
  while (stack.length > 0) {
    const [field, child] = stack.pop()!;
    fields.push([field, child]);
    if (field.split('.').length < 3) for (const [name, grandchild] of Object.entries(child.properties ?? {})) stack.push([`${field}.${name}`, grandchild]);
    if (field.endsWith('graph')) fields.push([`${field}.nodes.0.inputs.a`, {}], [`${field}.nodes.0.id`, {}], [`${field}.nodes.0.type`, {}]);
  }
  return fields;
}

/** A copy of `body` with `value` at a dotted path (array indexes as numbers). */
function setAt(body: Record<string, unknown> | undefined, field: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body ?? {});
  const keys = field.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    target[key] = typeof next === 'object' && next !== null ? next : {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys.at(-1)!] = value;
  return copy;
}

/** A plausible value for a schema, so that only the hostile part of a request is wrong. */
function baseline(schema: JsonSchema, name = ''): unknown {
  if (name === 'graph') return { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  const type = [schema.type].flat()[0];
  switch (type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return schema.minItems && schema.items ? Array.from({ length: schema.minItems }, () => baseline(schema.items as JsonSchema)) : [];
    case 'object': {
      const required = new Set(schema.required ?? []);
      return Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([key]) => required.has(key) || key === 'graph').map(([key, child]) => [key, baseline(child, key)]));
    }
    case 'string':
      return schema.format === 'uuid' ? randomUUID() : schema.format === 'email' ? 'fuzz@example.com' : 'fuzz'.padEnd(schema.minLength ?? 4, 'z');
    default:
      return 'fuzz';
  }
}
