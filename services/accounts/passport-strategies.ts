/**
 * Passport strategies run without Express: the gateway has already taken the bearer credential
 * out of the request, and `accounts.authenticate` may be called from any broker node. A strategy
 * is run the way passport's own middleware runs it: on an object derived from the strategy that
 * carries the `success`, `fail` and `error` actions, here settling a promise.
 */
import passport from 'passport';
import { looksLikeApiKey } from './api-key-format';

export type StrategyOutcome<T> = { readonly ok: true; readonly user: T } | { readonly ok: false; readonly challenge: unknown };

/** What a verify function answers: the user, or why not (a message for the caller). */
export type Verified<T> = { readonly user: T } | { readonly refused: string };

/** The request a strategy sees: only the Authorization header. */
export interface BearerRequest {
  readonly headers: { readonly authorization: string };
}

export function bearerRequest(token: string): BearerRequest {
  return { headers: { authorization: `Bearer ${token}` } };
}

interface StrategyActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  error(error: unknown): void;
  redirect(url: string, status?: number): void;
  pass(): void;
}

export function runStrategy<T>(strategy: passport.Strategy, request: BearerRequest): Promise<StrategyOutcome<T>> {
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as passport.Strategy & StrategyActions;
    attempt.success = (user) => resolve({ ok: true, user: user as T });
    attempt.fail = (challenge) => resolve({ ok: false, challenge });
    attempt.error = reject;
    attempt.redirect = () => resolve({ ok: false, challenge: 'redirect is not supported' });
    attempt.pass = () => resolve({ ok: false, challenge: undefined });
    try {
      attempt.authenticate(request as never, {});
    } catch (error) {
      reject(error);
    }
  });
}

/** Hands a verify function's answer to passport's `done(error, user, info)` contract. */
export function settle<T>(promise: Promise<Verified<T>>, done: (error: unknown, user?: T | false, info?: string) => void): void {
  promise.then(
    (verified) => ('user' in verified ? done(null, verified.user) : done(null, false, verified.refused)),
    (error: unknown) => done(error),
  );
}

/** Authenticates `Authorization: Bearer psk_…` with an API key. */
export class ApiKeyStrategy extends passport.Strategy {
  override readonly name = 'api-key';

  /** Public only because passport derives the per-request object from this one. */
  constructor(readonly verifyKey: (key: string) => Promise<Verified<unknown>>) {
    super();
  }

  override authenticate(request: { readonly headers: { readonly authorization?: string } }): void {
    const header = request.headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!looksLikeApiKey(key)) return this.fail('No API key in the Authorization header');
    settle(this.verifyKey(key), (error, user, info) => {
      if (error) this.error(error);
      else if (user) this.success(user);
      else this.fail(info);
    });
  }
}
