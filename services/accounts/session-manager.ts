/**
 * Sign-in sessions: login, refresh-token rotation with reuse detection, logout and password
 * change. A refresh token is used once: refreshing revokes it and issues its successor. If a
 * rotated token comes back, someone holds a copy (a stolen token or a replay), so every token
 * descended from it is revoked and both holders must sign in again. Access tokens name their
 * refresh-token family as their session; whatever revokes a family also tells `revocations`, so
 * the family's access tokens stop working at once, on every process.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../kernel/auth-middleware';
import { InvalidInputError, UnauthorizedError } from '../kernel/service-errors';
import { toPublicUser, type Session } from './account-views';
import { hashSecret } from './api-key-format';
import { DISABLED_ACCOUNT, requireSession } from './authenticator';
import { systemClock, type Clock } from './clock';
import { hashPassword, passwordProblem, verifyAgainstDecoy, verifyPassword } from './password-hasher';
import type { RefreshTokenRecord, RefreshTokenStore } from './refresh-token-store';
import type { SessionRevocations } from './session-revocations';
import type { TokenIssuer } from './token-issuer';
import type { UserRecord, UserStore } from './user-store';

export const WRONG_CREDENTIALS = 'The email or password is wrong';
export const INVALID_REFRESH_TOKEN = 'The refresh token is not valid; sign in again';
export const REUSED_REFRESH_TOKEN = 'This refresh token was already used, so it may have been copied: every session that came from it is signed out; sign in again';

export interface SessionManagerDeps {
  readonly users: UserStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly issuer: TokenIssuer;
  readonly revocations: Pick<SessionRevocations, 'revoke'>;
  readonly clock?: Clock;
}

export class SessionManager {
  private readonly clock: Clock;

  constructor(private readonly deps: SessionManagerDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Same answer for an unknown email and a wrong password, in about the same time. */
  async login(email: string, password: string): Promise<Session> {
    const user = await this.deps.users.findByEmail(email);
    const matches = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDecoy(password);
    if (!user || !matches) throw new UnauthorizedError(WRONG_CREDENTIALS);
    if (user.disabled) throw new UnauthorizedError(DISABLED_ACCOUNT);
    await this.deps.refreshTokens.deleteExpired(user.id, this.now());
    return this.startSession(user);
  }

  /** A new access token and a new refresh-token family for the user. */
  async startSession(user: UserRecord): Promise<Session> {
    const refresh = this.deps.issuer.newRefreshToken();
    const id = randomUUID();
    // The family is named after its first token.
    await this.deps.refreshTokens.create({ id, userId: user.id, familyId: id, tokenHash: refresh.hash, expiresAt: refresh.expiresAt, createdAt: this.now() });
    return this.session(user, id, refresh.token);
  }

  /**
   * Exchanges a refresh token for a new pair. `beforeRotate` sees the owner first (the service
   * counts it against the owner's rate limit).
   */
  async refresh(refreshToken: string, beforeRotate: (userId: string) => void = () => undefined): Promise<Session> {
    const current = await this.deps.refreshTokens.findByHash(hashSecret(refreshToken));
    if (!current) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    beforeRotate(current.userId);
    if (current.revokedAt) await this.refuseRevoked(current);
    if (current.expiresAt.getTime() <= this.clock()) throw new UnauthorizedError('The refresh token has expired; sign in again');
    const user = await this.deps.users.findById(current.userId);
    if (!user) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    if (user.disabled) throw new UnauthorizedError(DISABLED_ACCOUNT);

    const next = this.deps.issuer.newRefreshToken();
    const rotated = await this.deps.refreshTokens.rotate(
      current.id,
      { id: randomUUID(), userId: user.id, familyId: current.familyId, tokenHash: next.hash, expiresAt: next.expiresAt, createdAt: this.now() },
      this.now(),
    );
    if (!rotated) {
      // Another request rotated this token between our read and our write: a second copy in use.
      await this.revokeFamily(current);
      throw new UnauthorizedError(REUSED_REFRESH_TOKEN);
    }
    return this.session(user, current.familyId, next.token);
  }

  /** Ends the session the refresh token belongs to (it and any successors). */
  async logout(refreshToken: string): Promise<void> {
    const current = await this.deps.refreshTokens.findByHash(hashSecret(refreshToken));
    if (!current) throw new UnauthorizedError(INVALID_REFRESH_TOKEN);
    await this.revokeFamily(current);
  }

  /** Signs out every session of the user (password change, a disabled account). */
  async endAllSessions(userId: string): Promise<void> {
    this.deps.revocations.revoke(await this.deps.refreshTokens.revokeAllOfUser(userId, this.now()));
  }

  /**
   * Checks the current password, stores the new one and signs out every other session (all
   * refresh tokens of the user are revoked); the caller continues with the session returned.
   */
  async changePassword(caller: AuthUser, currentPassword: string, newPassword: string): Promise<Session> {
    requireSession(caller);
    const user = await this.deps.users.findById(caller.id);
    if (!user) throw new UnauthorizedError('The account of this token no longer exists');
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new InvalidInputError([{ code: 'wrong_password', field: 'currentPassword', message: 'is not your current password' }]);
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw new InvalidInputError([{ code: 'weak_password', field: 'newPassword', message: problem }]);
    if (newPassword === currentPassword) {
      throw new InvalidInputError([{ code: 'same_password', field: 'newPassword', message: 'must differ from the current password' }]);
    }
    await this.deps.users.setPasswordHash(user.id, await hashPassword(newPassword), this.now());
    await this.endAllSessions(user.id);
    return this.startSession(user);
  }

  private async refuseRevoked(token: RefreshTokenRecord): Promise<never> {
    if (token.replacedBy) {
      await this.revokeFamily(token);
      throw new UnauthorizedError(REUSED_REFRESH_TOKEN);
    }
    throw new UnauthorizedError('The refresh token was revoked (signed out); sign in again');
  }

  /** Revokes the token and its successors: the rest of its family, whose earlier tokens were rotated already. */
  private async revokeFamily(token: RefreshTokenRecord): Promise<void> {
    await this.deps.refreshTokens.revokeChain(token.id, this.now());
    this.deps.revocations.revoke([token.familyId]);
  }

  private session(user: UserRecord, familyId: string, refreshToken: string): Session {
    const access = this.deps.issuer.issueAccessToken(user.id, familyId);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn, user: toPublicUser(user) };
  }

  private now(): Date {
    return new Date(this.clock());
  }
}
