/**
 * The one JSON shape of every API error: `{ error: { code, message, issues? } }`, with the
 * HTTP status from the error's class. Moleculer's parameter validation, malformed JSON and
 * oversized bodies become 4xx with a message a person can act on; a 500 never leaks details.
 */
import { Errors } from 'moleculer';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: readonly { readonly field?: string; readonly message: string; readonly code?: string }[];
  };
}

interface ErrorLike {
  readonly code?: unknown;
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly type?: unknown;
  readonly message?: unknown;
  readonly data?: unknown;
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** Extra response headers, e.g. Retry-After on a 429. */
  readonly headers?: Readonly<Record<string, string>>;
}

export function toErrorResponse(error: unknown): ErrorResponse {
  const err = (error ?? {}) as ErrorLike;
  if (error instanceof Errors.ValidationError) {
    const problems = Array.isArray(err.data) ? (err.data as { field?: string; message?: string; type?: string }[]) : [];
    const issues = problems.map((problem) => ({ code: problem.type ?? 'invalid', field: problem.field ?? '', message: problem.message ?? 'is invalid' }));
    return { status: 422, body: { error: { code: 'invalid_input', message: issues.map((issue) => issue.message).join('; ') || 'The request is invalid', issues } } };
  }
  const httpStatus = [err.code, err.status, err.statusCode].find((value) => typeof value === 'number' && value >= 400 && value < 600) as number | undefined;
  // body-parser's errors: malformed JSON and bodies over the limit.
  if (err.type === 'entity.parse.failed') return badRequest(400, 'malformed_json', 'The request body is not valid JSON');
  if (err.type === 'entity.too.large') return badRequest(413, 'payload_too_large', 'The request body is too large');
  const data = (err.data ?? {}) as { code?: string; issues?: ErrorBody['error']['issues']; retryAfterSeconds?: unknown };
  // A transient fault (503) says which one (storage_unavailable, database_unavailable) so a client can retry knowingly.
  if (httpStatus === 503) return { status: 503, body: { error: { code: data.code ?? 'unavailable', message: String(err.message) } } };
  if (httpStatus === undefined || httpStatus >= 500) return { status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged' } } };
  const code = data.code ?? (typeof err.type === 'string' ? err.type.toLowerCase() : 'bad_request');
  const issues = data.issues && data.issues.length > 0 ? { issues: data.issues } : {};
  const retryAfter = typeof data.retryAfterSeconds === 'number' ? { headers: { 'Retry-After': String(Math.max(1, Math.ceil(data.retryAfterSeconds))) } } : {};
  return { status: httpStatus, body: { error: { code, message: String(err.message ?? 'Bad request'), ...issues } }, ...retryAfter };
}

function badRequest(status: number, code: string, message: string) {
  return { status, body: { error: { code, message } } };
}
