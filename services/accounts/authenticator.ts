/**
 * Resolves a bearer credential to the caller (the gateway calls this for every request that
 * carries one): an access token through passport-jwt's strategy, an API key through our own
 * strategy. Both look the user up each time, so a disabled account is refused at once and a role
 * change applies at once, not when the token expires. An access token's session must also still
 * be signed in, which `SessionRevocations` answers from memory.
 */
import type { AuthUser } from '../kernel/auth-middleware';
import { ForbiddenError, UnauthorizedError } from '../kernel/service-errors';
import { hashSecret, looksLikeApiKey, parseApiKey } from './api-key-format';
import type { ApiKeyStore } from './api-key-store';
import { systemClock, type Clock } from './clock';
import { ApiKeyStrategy, bearerRequest, runStrategy, type Verified } from './passport-strategies';
import type { SessionRevocations } from './session-revocations';
import { describeJwtFailure, type AccessClaims, type TokenIssuer } from './token-issuer';
import type { UserRecord, UserStore } from './user-store';

/** Longer than any token we issue; refused before any work. */
const MAX_TOKEN_LENGTH = 4096;
/** RFC 6750's b64token: one credential, no spaces, commas or second scheme. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** last_used_at is written at most this often per key, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;
/** The scope that lets an admin's API key act as an admin; other keys of admins act as users. */
export const ADMIN_SCOPE = 'admin';

export const INVALID_API_KEY = 'The API key is not valid; check it, or create a new one with POST /auth/api-keys';
const INVALID_ACCESS_OR_KEY = 'The bearer credential is not a valid access token or API key';
export const DISABLED_ACCOUNT = 'This account is disabled; ask an admin to enable it';

export interface AuthenticatorDeps {
  readonly users: UserStore;
  readonly apiKeys: ApiKeyStore;
  readonly issuer: TokenIssuer;
  readonly revocations: Pick<SessionRevocations, 'isRevoked'>;
  readonly clock?: Clock;
}

export const SIGNED_OUT = 'This session was signed out; sign in again';

export class Authenticator {
  private readonly clock: Clock;
  private readonly apiKeyStrategy: ApiKeyStrategy;

  constructor(private readonly deps: AuthenticatorDeps) {
    this.clock = deps.clock ?? systemClock;
    this.apiKeyStrategy = new ApiKeyStrategy((key) => this.verifyApiKey(key));
  }

  async authenticate(token: string): Promise<AuthUser> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !BEARER_TOKEN.test(token)) throw new UnauthorizedError(INVALID_ACCESS_OR_KEY);
    const request = bearerRequest(token);
    if (looksLikeApiKey(token)) {
      const outcome = await runStrategy<AuthUser>(this.apiKeyStrategy, request);
      if (!outcome.ok) throw new UnauthorizedError(typeof outcome.challenge === 'string' ? outcome.challenge : INVALID_API_KEY);
      return outcome.user;
    }
    const strategy = this.deps.issuer.accessTokenStrategy((claims) => this.verifyAccessClaims(claims));
    const outcome = await runStrategy<AuthUser>(strategy, request);
    if (!outcome.ok) throw new UnauthorizedError(describeJwtFailure(outcome.challenge));
    return outcome.user;
  }

  private async verifyAccessClaims(claims: AccessClaims): Promise<Verified<AuthUser>> {
    const user = await this.deps.users.findById(claims.sub);
    if (!user) return { refused: 'The account of this token no longer exists' };
    if (user.disabled) return { refused: DISABLED_ACCOUNT };
    if (await this.deps.revocations.isRevoked(claims.sid)) return { refused: SIGNED_OUT };
    return { user: { id: user.id, email: user.email, role: user.role, scopes: 'all', plan: user.plan } };
  }

  private async verifyApiKey(key: string): Promise<Verified<AuthUser>> {
    if (!parseApiKey(key)) return { refused: INVALID_API_KEY };
    const record = await this.deps.apiKeys.findByHash(hashSecret(key));
    if (!record) return { refused: INVALID_API_KEY };
    const now = this.clock();
    if (record.revokedAt) return { refused: 'This API key was revoked; create a new one with POST /auth/api-keys' };
    if (record.expiresAt && record.expiresAt.getTime() <= now) {
      return { refused: `This API key expired at ${record.expiresAt.toISOString()}; create a new one with POST /auth/api-keys` };
    }
    const user = await this.deps.users.findById(record.userId);
    if (!user) return { refused: INVALID_API_KEY };
    if (user.disabled) return { refused: DISABLED_ACCOUNT };
    if (!record.lastUsedAt || now - record.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) await this.deps.apiKeys.markUsed(record.id, new Date(now));
    return { user: { id: user.id, email: user.email, role: roleOfKey(user, record.scopes), scopes: [...record.scopes], plan: user.plan } };
  }
}

function roleOfKey(user: UserRecord, scopes: readonly string[]): AuthUser['role'] {
  return user.role === 'admin' && scopes.includes(ADMIN_SCOPE) ? 'admin' : 'user';
}

/** Access tokens carry every scope, API keys a list: some actions need a signed-in person. */
export function requireSession(caller: AuthUser): void {
  if (caller.scopes !== 'all') throw new ForbiddenError('Sign in with your password for this; an API key cannot manage keys or passwords');
}
