/**
 * Accounts and tenancy: sign-up, sign-in with rotating refresh tokens, password change, API keys,
 * the admin's account list, and `authenticate`, which the gateway calls to turn a bearer
 * credential into the caller. The domain lives beside this file; each action validates its params
 * and makes one call.
 */
import type { Context, ServiceSchema } from 'moleculer';
import type { PinkseaConfig } from '../../config/config';
import { defineAction } from '../kernel/action-params';
import { callerOf, type AuthUser } from '../kernel/auth-middleware';
import { PAGE_PARAMS } from '../kernel/request-params';
import { created } from '../kernel/response-meta';
import { AccountManager } from './account-manager';
import { createAccountStores, type AccountsDataSource } from './accounts.repository';
import { ApiKeyManager } from './api-key-manager';
import { AuthRateLimits, type AuthRateLimitSettings } from './auth-rate-limits';
import { Authenticator } from './authenticator';
import { systemClock, type Clock } from './clock';
import { normalizeEmail } from './email-address';
import { resolveJwtSecret } from './jwt-secret';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-hasher';
import { PLAN_ID } from './plans';
import { SessionManager } from './session-manager';
import { SESSIONS_REVOKED_EVENT, SessionRevocations, type SessionsRevoked } from './session-revocations';
import { TokenIssuer } from './token-issuer';

export interface AccountsServiceOptions {
  readonly dataSource: AccountsDataSource;
  readonly config: Pick<PinkseaConfig, 'jwtSecret' | 'dataDir' | 'accessTokenTtlMs' | 'refreshTokenTtlMs' | 'sessionCheckIntervalMs'>;
  /** Specs move time with this; the wall clock otherwise. */
  readonly clock?: Clock;
  /** Overrides of DEFAULT_AUTH_RATE_LIMITS, per route. */
  readonly rateLimits?: Partial<AuthRateLimitSettings>;
}

interface Domain {
  readonly revocations: SessionRevocations;
  readonly accounts: AccountManager;
  readonly sessions: SessionManager;
  readonly apiKeys: ApiKeyManager;
  readonly authenticator: Authenticator;
}

const email = { type: 'string', min: 1, max: 254 } as const;
const anyPassword = { type: 'string', min: 1, max: PASSWORD_MAX_LENGTH } as const;
const newPassword = { type: 'string', min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH } as const;
const refreshToken = { refreshToken: { type: 'string', min: 1, max: 512 } } as const;

export function createAccountsService(options: AccountsServiceOptions): ServiceSchema {
  const clock = options.clock ?? systemClock;
  const limits = new AuthRateLimits(options.rateLimits, clock);
  let domain: Domain | undefined;
  // The broker routes no call to a service before its started() resolved.
  const use = (): Domain => domain!;

  return {
    name: 'accounts',
    // Routes are given whole on each action, not under a per-service prefix.
    settings: { rest: '/' },
    async started() {
      const secret = await resolveJwtSecret(options.config);
      // Every accounts process hears of the sessions any of them signs out.
      const announce = (event: SessionsRevoked) => void this.broker.broadcast(SESSIONS_REVOKED_EVENT, event);
      domain = buildDomain(options, secret, clock, announce);
    },
    events: {
      [SESSIONS_REVOKED_EVENT]: {
        params: { familyIds: { type: 'array', items: 'string', max: 10_000 } },
        // Before started() there is nothing cached to correct: the first request asks the database.
        handler: (ctx: Context<SessionsRevoked>) => domain?.revocations.markRevoked(ctx.params.familyIds),
      },
    },
    actions: {
      authenticate: defineAction({
        auth: 'none',
        params: { token: { type: 'string' } },
        handler: (ctx): Promise<AuthUser> => use().authenticator.authenticate(ctx.params.token),
      }),
      register: defineAction({
        rest: 'POST /auth/register',
        auth: 'none',
        params: { email, password: newPassword, displayName: { type: 'string', min: 1, max: 100 } },
        async handler(ctx) {
          limits.hitIp('register', ctx.meta.ip);
          limits.hitAccount('register', normalizeEmail(ctx.params.email));
          const session = await use().accounts.register(ctx.params);
          created(ctx.meta, '/api/v1/auth/me');
          return session;
        },
      }),
      login: defineAction({
        rest: 'POST /auth/login',
        auth: 'none',
        params: { email, password: anyPassword },
        handler(ctx) {
          limits.hitIp('login', ctx.meta.ip);
          limits.hitAccount('login', normalizeEmail(ctx.params.email));
          return use().sessions.login(normalizeEmail(ctx.params.email), ctx.params.password);
        },
      }),
      refresh: defineAction({
        rest: 'POST /auth/refresh',
        auth: 'none',
        params: refreshToken,
        handler(ctx) {
          limits.hitIp('refresh', ctx.meta.ip);
          return use().sessions.refresh(ctx.params.refreshToken, (userId) => limits.hitAccount('refresh', userId));
        },
      }),
      logout: defineAction({
        rest: 'POST /auth/logout',
        // The access token may have expired already; the refresh token is the proof.
        auth: 'none',
        params: refreshToken,
        async handler(ctx) {
          await use().sessions.logout(ctx.params.refreshToken);
          return { signedOut: true };
        },
      }),
      me: defineAction({
        rest: 'GET /auth/me',
        // Any key may ask whom it belongs to.
        scope: false,
        params: {},
        handler: (ctx) => use().accounts.me(callerOf(ctx)),
      }),
      changePassword: defineAction({
        rest: 'POST /auth/password',
        params: { currentPassword: anyPassword, newPassword },
        handler(ctx) {
          const caller = callerOf(ctx);
          limits.hitIp('password', ctx.meta.ip);
          limits.hitAccount('password', caller.id);
          return use().sessions.changePassword(caller, ctx.params.currentPassword, ctx.params.newPassword);
        },
      }),
      createApiKey: defineAction({
        rest: 'POST /auth/api-keys',
        params: {
          name: { type: 'string', min: 1, max: 100 },
          scopes: { type: 'array', items: { type: 'string', min: 1, max: 81 }, min: 1, max: 32 },
          expiresInDays: { type: 'number', integer: true, positive: true, max: 3650, optional: true },
        },
        async handler(ctx) {
          // The validator lets null through for an optional param: null is no expiry, as when it is left out.
          const key = await use().apiKeys.create(callerOf(ctx), { ...ctx.params, expiresInDays: ctx.params.expiresInDays ?? undefined });
          created(ctx.meta, `/api/v1/auth/api-keys/${key.id}`);
          return key;
        },
      }),
      listApiKeys: defineAction({
        rest: 'GET /auth/api-keys',
        params: {},
        handler: (ctx) => use().apiKeys.list(callerOf(ctx)),
      }),
      revokeApiKey: defineAction({
        rest: 'DELETE /auth/api-keys/:id',
        params: { id: { type: 'uuid' } },
        handler: (ctx) => use().apiKeys.revoke(callerOf(ctx), ctx.params.id),
      }),
      listUsers: defineAction({
        rest: 'GET /admin/users',
        auth: 'admin',
        params: PAGE_PARAMS,
        handler: (ctx) => use().accounts.listUsers(ctx.params),
      }),
      updateUser: defineAction({
        rest: 'PATCH /admin/users/:id',
        auth: 'admin',
        params: {
          id: { type: 'uuid' },
          role: { type: 'enum', values: ['admin', 'user'], optional: true },
          plan: { type: 'string', pattern: PLAN_ID, messages: { stringPattern: 'a plan id such as starter or pro' }, optional: true },
          disabled: { type: 'boolean', optional: true },
        },
        handler(ctx) {
          // The validator lets null through for optional params; null leaves the field as it is, like leaving it out.
          const { id, role, plan, disabled } = ctx.params;
          return use().accounts.changeAccess(id, { role: role ?? undefined, plan: plan ?? undefined, disabled: disabled ?? undefined });
        },
      }),
    },
  };
}

function buildDomain(options: AccountsServiceOptions, secret: string, clock: Clock, announce: (event: SessionsRevoked) => void): Domain {
  const stores = createAccountStores(options.dataSource);
  const { accessTokenTtlMs, refreshTokenTtlMs, sessionCheckIntervalMs } = options.config;
  const issuer = new TokenIssuer({ secret, accessTokenTtlMs, refreshTokenTtlMs }, clock);
  const revocations = new SessionRevocations(
    { isFamilyLive: (familyId) => stores.refreshTokens.isFamilyLive(familyId), announce, clock: options.clock },
    { liveTtlMs: sessionCheckIntervalMs, revokedTtlMs: accessTokenTtlMs },
  );
  const sessions = new SessionManager({ ...stores, issuer, revocations, clock });
  return {
    revocations,
    sessions,
    accounts: new AccountManager({ ...stores, sessions, clock }),
    apiKeys: new ApiKeyManager(stores.apiKeys, clock),
    authenticator: new Authenticator({ ...stores, issuer, revocations, clock }),
  };
}
