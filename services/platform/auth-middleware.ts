/**
 * Who may call an action, declared on the action (`auth: 'none' | 'user' | 'admin'`) and checked
 * once here. Actions the gateway exposes (those with `rest`) need a user unless they say
 * otherwise; actions without a route are only reachable inside the cluster and need nothing.
 * The gateway puts the caller in `ctx.meta.user`; services scope every query by it.
 */
import type { Context, Middleware } from 'moleculer';
import { ForbiddenError, UnauthorizedError } from './service-errors';

export type Role = 'admin' | 'user';
export type ActionAuth = 'none' | 'user' | 'admin';

export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  /** API keys carry scopes; access tokens carry every scope of the user. */
  readonly scopes: readonly string[] | 'all';
}

export interface RequestMeta {
  user?: AuthUser;
  /** Set by the gateway for rate limits and logs. */
  ip?: string;
  /** The action whose own bearer credential (`acceptsToken`) the gateway accepted for this request. */
  tokenFor?: string;
}

export const AuthMiddleware: Middleware = {
  name: 'PinkseaAuth',
  localAction(next, action) {
    const auth: ActionAuth = action.auth ?? (action.rest ? 'user' : 'none');
    if (auth === 'none') return next;
    const handler = next as unknown as (ctx: Context) => Promise<unknown>;
    const ownToken = typeof action.acceptsToken === 'function';
    return function checkAuth(ctx: Context<unknown, RequestMeta>) {
      // Only the action the token was accepted for: meta travels on to the calls it makes.
      if (ownToken && ctx.meta.tokenFor === action.name) return handler(ctx);
      const user = ctx.meta.user;
      if (!user) throw new UnauthorizedError();
      if (auth === 'admin' && user.role !== 'admin') throw new ForbiddenError('Only admins may do this');
      return handler(ctx);
    };
  },
};

/** The caller of an action that requires one. */
export function callerOf(ctx: Context<unknown, RequestMeta>): AuthUser {
  const user = ctx.meta.user;
  if (!user) throw new UnauthorizedError();
  return user;
}

declare module 'moleculer' {
  interface ActionSchema {
    /** Who may call the action; 'user' when left out. */
    auth?: ActionAuth;
    /**
     * A bearer credential this action accepts besides users' (a metrics scrape token, say). The
     * gateway asks it before `accounts`; a token it accepts lets the call through as no user.
     */
    acceptsToken?: (token: string) => boolean;
  }
}
