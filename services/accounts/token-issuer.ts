/**
 * Access tokens are short-lived JWTs (HS256) naming the user; refresh tokens are opaque random
 * strings stored only as their SHA-256. Access tokens are checked by passport-jwt's strategy,
 * pinned to HS256 (so `alg: none` and key-confusion tokens fail), this issuer and this audience,
 * with expiry judged by the injected clock. A token lives no longer than the configured access
 * TTL whatever its `exp` says (a leaked secret, or a token minted by hand, cannot outlive it), and
 * names its session (`sid`, the refresh-token family) so a sign-out ends it at once.
 */
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { UnauthorizedError } from '../kernel/service-errors';
import { hashSecret } from './api-key-format';
import { systemClock, type Clock } from './clock';
import { bearerRequest, runStrategy, settle, type Verified } from './passport-strategies';

const ALGORITHM = 'HS256';
const ISSUER = 'pinksea';
const AUDIENCE = 'pinksea-api';
const REFRESH_TAG = 'psr';

export const EXPIRED_ACCESS_TOKEN = 'The access token has expired; get a new one with POST /auth/refresh or sign in again';
export const INVALID_ACCESS_TOKEN = 'The access token is not valid; sign in again';
/** Clocks of the processes that issue and check tokens may differ by this much. */
const CLOCK_SKEW_S = 30;

export interface AccessClaims {
  readonly sub: string;
  readonly typ: 'access';
  /** The session: the refresh-token family the token was issued with. */
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
}

export interface TokenSettings {
  readonly secret: string;
  readonly accessTokenTtlMs: number;
  readonly refreshTokenTtlMs: number;
}

export interface IssuedAccessToken {
  readonly token: string;
  /** Seconds, as OAuth's `expires_in`. */
  readonly expiresIn: number;
}

export interface IssuedRefreshToken {
  readonly token: string;
  readonly hash: string;
  readonly expiresAt: Date;
}

export class TokenIssuer {
  /**
   * The secret as a key object, made once: given the string, jsonwebtoken tries it as a public
   * key, then makes a secret key of it, on every request (about a millisecond each).
   */
  private readonly key: KeyObject;

  constructor(
    private readonly settings: TokenSettings,
    private readonly clock: Clock = systemClock,
  ) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
  }

  issueAccessToken(userId: string, sessionId: string): IssuedAccessToken {
    const iat = Math.floor(this.clock() / 1000);
    const expiresIn = this.lifetimeS();
    const token = jwt.sign({ typ: 'access', sid: sessionId, iat }, this.key, {
      algorithm: ALGORITHM,
      subject: userId,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn,
    });
    return { token, expiresIn };
  }

  newRefreshToken(): IssuedRefreshToken {
    const token = `${REFRESH_TAG}_${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashSecret(token), expiresAt: new Date(this.clock() + this.settings.refreshTokenTtlMs) };
  }

  /**
   * passport-jwt's strategy for access tokens; `verify` turns checked claims into a user. Built
   * per use because the clock's "now" is fixed into the strategy's verification options.
   */
  accessTokenStrategy<T>(verify: (claims: AccessClaims) => Promise<Verified<T>>): JwtStrategy {
    const now = Math.floor(this.clock() / 1000);
    const lifetime = this.lifetimeS();
    return new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // passport-jwt hands it to jsonwebtoken as it is; its types predate key objects.
        secretOrKey: this.key as unknown as Buffer,
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        // maxAge: issued no longer ago than a token may live (jsonwebtoken then requires `iat`).
        jsonWebTokenOptions: { clockTimestamp: now, maxAge: lifetime + CLOCK_SKEW_S },
      },
      (payload: unknown, done: (error: unknown, user?: T | false, info?: string) => void) => {
        if (!isAccessClaims(payload)) return done(null, false, INVALID_ACCESS_TOKEN);
        // Not issued in the future, and not meant to live longer than we issue tokens for.
        if (payload.iat > now + CLOCK_SKEW_S || payload.exp - payload.iat > lifetime) return done(null, false, INVALID_ACCESS_TOKEN);
        settle(verify(payload), done);
      },
    );
  }

  /** The claims of a valid access token; UnauthorizedError with the reason otherwise. */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const outcome = await runStrategy<AccessClaims>(this.accessTokenStrategy(async (claims) => ({ user: claims })), bearerRequest(token));
    if (!outcome.ok) throw new UnauthorizedError(describeJwtFailure(outcome.challenge));
    return outcome.user;
  }

  private lifetimeS(): number {
    return Math.max(1, Math.round(this.settings.accessTokenTtlMs / 1000));
  }
}

/** A person-readable reason from what passport-jwt failed with (a jsonwebtoken error or our message). */
export function describeJwtFailure(challenge: unknown): string {
  if (typeof challenge === 'string' && challenge) return challenge;
  if (challenge instanceof jwt.TokenExpiredError) return EXPIRED_ACCESS_TOKEN;
  return INVALID_ACCESS_TOKEN;
}

/**
 * Tokens issued before sessions were named (no `sid`) are refused: nothing could end them early,
 * and a client gets a new one with its refresh token, whose family the migration kept.
 */
function isAccessClaims(payload: unknown): payload is AccessClaims {
  const claims = payload as Partial<AccessClaims> | null;
  return (
    typeof claims?.sub === 'string' &&
    claims.typ === 'access' &&
    typeof claims.sid === 'string' &&
    claims.sid.length > 0 &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp)
  );
}
