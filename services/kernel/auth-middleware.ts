/**
 * Who may call an action, declared on the action (`auth: 'none' | 'user' | 'admin'`) and checked
 * once here. Actions the gateway exposes (those with `rest`) need a user unless they say
 * otherwise; actions without a route are only reachable inside the cluster and need nothing.
 * The gateway puts the caller in `ctx.meta.user`; services scope every query by it.
 */
import type { Context, Middleware } from 'moleculer';
import type { Role } from './roles';
import { ForbiddenError, UnauthorizedError } from './service-errors';

export type { Role } from './roles';
export type ActionAuth = 'none' | 'user' | 'admin';

export interface AuthUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  /** API keys carry scopes; access tokens carry every scope of the user. */
  readonly scopes: readonly string[] | 'all';
  /** The user's plan as the request was authenticated (it picks the pool their items run on). */
  readonly plan?: string;
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
    const scope = action.rest && action.scope !== false ? scopeOf(action, auth) : undefined;
    return function checkAuth(ctx: Context<unknown, RequestMeta>) {
      // Only the action the token was accepted for: meta travels on to the calls it makes.
      if (ownToken && ctx.meta.tokenFor === action.name) return handler(ctx);
      const user = ctx.meta.user;
      if (!user) throw new UnauthorizedError();
      if (auth === 'admin' && user.role !== 'admin') throw new ForbiddenError('Only admins may do this');
      if (scope && !allows(user.scopes, scope)) {
        throw new ForbiddenError(`This API key lacks the scope "${scope.area}:${scope.access}" (or "${scope.area}") for ${action.name}`);
      }
      return handler(ctx);
    };
  },
};

/**
 * The scope a routed action needs from an API key: its area (the service, `admin` for admin
 * routes, or the action's own `scope`) and the access its HTTP method implies (GET reads;
 * anything else writes). `scope: false` opens an action to any credential (who am I).
 */
export interface Scope {
  readonly area: string;
  readonly access: 'read' | 'write';
}

export function scopeOf(action: { name?: string; rest?: unknown; scope?: string | false; service?: { name?: string } }, auth: ActionAuth = 'user'): Scope {
  // Admin routes need the key's "admin" scope, whichever service serves them.
  const area = auth === 'admin' ? 'admin' : typeof action.scope === 'string' ? action.scope : (action.service?.name ?? action.name?.split('.')[0] ?? '');
  const routes = Array.isArray(action.rest) ? action.rest : [action.rest];
  const methods = routes.map((route) =>
    typeof route === 'string' ? (route.includes(' ') ? route.split(/\s+/)[0]! : '*') : String((route as { method?: string } | undefined)?.method ?? '*'),
  );
  return { area, access: methods.every((method) => method.toUpperCase() === 'GET') ? 'read' : 'write' };
}

/** `area` grants both; `area:write` implies read; access tokens carry every scope. */
export function allows(scopes: AuthUser['scopes'], scope: Scope): boolean {
  if (scopes === 'all') return true;
  return scopes.includes(scope.area) || scopes.includes(`${scope.area}:${scope.access}`) || (scope.access === 'read' && scopes.includes(`${scope.area}:write`));
}

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
    /** The API-key scope area the action belongs to (its service by default); false: any key. */
    scope?: string | false;
    /** How long a call of this action may take, in ms, instead of the broker's requestTimeout (Moleculer reads it). */
    timeout?: number;
  }
}
