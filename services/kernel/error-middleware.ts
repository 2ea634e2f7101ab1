/**
 * Maps Pinksea's typed errors onto Moleculer's error classes, once, for every action
 * (CONVENTIONS §7): user faults become client errors with their HTTP status and issues, transient
 * faults retryable errors, anything else a 500 whose details stay in the log.
 */
import { Errors, type Context, type Middleware } from 'moleculer';
import { PinkseaError } from '../../engine/errors';
import { RateLimitedError, STATUS_BY_CODE } from './service-errors';

export function toMoleculerError(error: unknown): unknown {
  if (error instanceof Errors.MoleculerError) return error;
  if (error instanceof PinkseaError) {
    // The gateway turns retryAfterSeconds into a Retry-After header.
    const data = { code: error.code, issues: error.issues, ...(error instanceof RateLimitedError ? { retryAfterSeconds: error.retryAfterSeconds } : {}) };
    if (error.kind === 'user') return new Errors.MoleculerClientError(error.message, STATUS_BY_CODE[error.code] ?? 400, error.code, data);
    if (error.kind === 'transient') {
      const retryable = new Errors.MoleculerRetryableError(error.message, 503, error.code, data);
      // The gateway logs it with this stack: the fault's own, with what it says of its cause.
      retryable.stack = `${retryable.name}: ${retryable.message}\nCaused by: ${describeCause(error)}`;
      return retryable;
    }
  }
  const server = new Errors.MoleculerServerError('Something went wrong on our side; it has been logged', 500, 'internal_error', {
    code: 'internal_error',
  });
  (server as { cause?: unknown }).cause = error;
  // The gateway logs a 500's stack once (moleculer-web's errorHandler), and a stack crosses the
  // transporter where `cause` does not: the original error's message and stack go there, in
  // place of this wrapper's own frames, which say nothing.
  server.stack = `${server.name}: ${server.message}\nCaused by: ${describeCause(error)}`;
  return server;
}

function describeCause(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return `a thrown ${typeof error}: ${JSON.stringify(error)}`;
  } catch {
    return `a thrown ${typeof error}`;
  }
}

export const ErrorMappingMiddleware: Middleware = {
  name: 'PinkseaErrors',
  localAction(next) {
    const handler = next as unknown as (ctx: Context) => Promise<unknown>;
    return async function mapErrors(ctx: Context) {
      try {
        return await handler(ctx);
      } catch (error) {
        throw toMoleculerError(error);
      }
    };
  },
};
