/**
 * HTTP Request's inputs made into a request: the URL with its query parameters, the headers
 * (names checked as RFC 7230 tokens, values without line breaks: no header injection), and the
 * body encoded as its body type says. Each refusal names the input at fault.
 */
import { NodeError } from '@pinksea/node-sdk';
import { headerNameProblem, headerValueProblem } from '@pinksea/node-sdk/http-header';

export const BODY_TYPES = ['json', 'text', 'form'] as const;
export type BodyType = (typeof BODY_TYPES)[number];

const MAX_HEADERS = 100;
const MAX_QUERY_PARAMS = 500;
export const USER_AGENT = 'Pinksea-HTTP/1.0';

type Scalar = string | number | boolean;

/** The Headers input as lower-case names to values; numbers and booleans become text. */
export function readHeaders(value: unknown, field = 'headers'): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined || value === null) return headers;
  const entries = objectEntries(value, field, 'an object of header names to values, e.g. {"Accept": "application/json"}');
  if (entries.length > MAX_HEADERS) throw new NodeError('too_many_headers', `Give at most ${MAX_HEADERS} headers`, { field });
  for (const [name, raw] of entries) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem) throw new NodeError('invalid_header', `The header name "${name.slice(0, 100)}" ${nameProblem}`, { field });
    if (!isScalar(raw)) throw new NodeError('invalid_header', `The header "${name}" must have text as its value`, { field });
    const text = String(raw);
    const valueProblem = headerValueProblem(text);
    if (valueProblem) throw new NodeError('invalid_header', `The value of header "${name}" ${valueProblem}`, { field });
    headers[name.toLowerCase()] = text;
  }
  return headers;
}

/** The URL with the Query input's parameters added (a list adds the name once per item). */
export function withQuery(url: string, value: unknown, field = 'query'): string {
  if (value === undefined || value === null) return url;
  const entries = objectEntries(value, field, 'an object of parameter names to values, e.g. {"page": 2}');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL guard names the URL input as the one at fault.
    return url;
  }
  let count = 0;
  for (const [name, raw] of entries) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (item === null || item === undefined) continue;
      if (!isScalar(item)) throw new NodeError('invalid_query', `The query parameter "${name}" must be text, a number, a boolean or a list of them`, { field });
      if (++count > MAX_QUERY_PARAMS) throw new NodeError('invalid_query', `Give at most ${MAX_QUERY_PARAMS} query parameters`, { field });
      parsed.searchParams.append(name, String(item));
    }
  }
  return parsed.toString();
}

export interface EncodedBody {
  readonly bytes: Uint8Array;
  readonly contentType: string;
}

/** The Body input as bytes: JSON-encoded unless it is text, or form fields for `form`; undefined when there is none. */
export function encodeBody(body: unknown, bodyType: BodyType, field = 'body'): EncodedBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (bodyType === 'form') {
    if (typeof body === 'string') return { bytes: Buffer.from(body, 'utf8'), contentType: 'application/x-www-form-urlencoded' };
    const form = new URLSearchParams();
    for (const [name, raw] of objectEntries(body, field, 'an object of form fields, or form-encoded text')) {
      for (const item of Array.isArray(raw) ? raw : [raw]) {
        if (!isScalar(item)) throw new NodeError('invalid_body', `The form field "${name}" must be text, a number, a boolean or a list of them`, { field });
        form.append(name, String(item));
      }
    }
    return { bytes: Buffer.from(form.toString(), 'utf8'), contentType: 'application/x-www-form-urlencoded' };
  }
  const text = typeof body === 'string' ? body : jsonOf(body, field);
  return { bytes: Buffer.from(text, 'utf8'), contentType: bodyType === 'json' ? 'application/json' : 'text/plain; charset=utf-8' };
}

function jsonOf(value: unknown, field: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new NodeError('invalid_body', `The body cannot be written as JSON: ${error instanceof Error ? error.message : String(error)}`, { field });
  }
}

function objectEntries(value: unknown, field: string, expected: string): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NodeError('invalid_value', `Expected ${expected}`, { field });
  return Object.entries(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
