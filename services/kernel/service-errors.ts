/**
 * The platform's typed user errors, beside the engine's (engine/errors.ts). Each has a code that
 * the error middleware maps to an HTTP status once; services throw these, never a bare Error.
 */
import { PinkseaError, type Issue } from '../../engine/errors';

export class NotFoundError extends PinkseaError {
  override readonly name = 'NotFoundError';
  /** Also for other users' items: a user cannot tell "not yours" from "not there". */
  constructor(what: string, id: string) {
    super('not_found', `There is no ${what} "${id}"`);
  }
}

export class UnauthorizedError extends PinkseaError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Sign in first: send a bearer access token or an API key') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends PinkseaError {
  override readonly name = 'ForbiddenError';
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class ConflictError extends PinkseaError {
  override readonly name = 'ConflictError';
  constructor(message: string, field?: string) {
    super('conflict', message, 'user', field ? [{ code: 'conflict', field, message }] : []);
  }
}

export class InvalidInputError extends PinkseaError {
  override readonly name = 'InvalidInputError';
  constructor(issues: readonly Issue[]) {
    super('invalid_input', describeIssues(issues), 'user', issues);
  }
}

/** A request whose body is not what it says (malformed JSON or multipart, a field it lacks): 400, each issue named. */
export class BadRequestError extends PinkseaError {
  override readonly name = 'BadRequestError';
  constructor(issues: readonly Issue[]) {
    super('bad_request', describeIssues(issues), 'user', issues);
  }
}

const describeIssues = (issues: readonly Issue[]) => issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ');

export class PayloadTooLargeError extends PinkseaError {
  override readonly name = 'PayloadTooLargeError';
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

export class RateLimitedError extends PinkseaError {
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many requests; try again in ${retryAfterSeconds} s`);
  }
}

/** HTTP status for each user error code; other user errors are 400, transient 503, internal 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  graph_invalid: 422,
  batch_invalid: 422,
  invalid_input: 422,
  rate_limited: 429,
};
