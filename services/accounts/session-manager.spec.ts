import { useTestDatabase } from '../../test/support/test-database';
import { UnauthorizedError, InvalidInputError, ForbiddenError } from '../kernel/service-errors';
import { createAccountStores, ACCOUNT_ENTITIES, type AccountStores } from './accounts.repository';
import { ManualClock } from './accounts-testing';
import { hashSecret } from './api-key-format';
import { hashPassword } from './password-hasher';
import { INVALID_REFRESH_TOKEN, REUSED_REFRESH_TOKEN, SessionManager, WRONG_CREDENTIALS } from './session-manager';
import { TokenIssuer } from './token-issuer';
import type { UserRecord } from './user-store';

const REFRESH_TTL_MS = 86_400_000;

describe('SessionManager (over PostgreSQL)', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  beforeEach(() => db.skipIfMissing());

  let stores: AccountStores;
  let clock: ManualClock;
  let sessions: SessionManager;
  let issuer: TokenIssuer;
  let user: UserRecord;
  let revoked: string[];
  let counter = 0;

  beforeEach(async () => {
    stores = createAccountStores(db.dataSource);
    clock = new ManualClock();
    issuer = new TokenIssuer({ secret: 'session-spec-secret-session-spec-secret', accessTokenTtlMs: 60_000, refreshTokenTtlMs: REFRESH_TTL_MS }, clock.clock);
    revoked = [];
    sessions = new SessionManager({ ...stores, issuer, clock: clock.clock, revocations: { revoke: (familyIds) => revoked.push(...familyIds) } });
    counter += 1;
    user = await stores.users.create({ email: `ada${counter}@example.com`, displayName: 'Ada', passwordHash: await hashPassword('correct horse battery'), role: 'user' });
  });

  async function refusal(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      expect(error).toEqual(jasmine.any(UnauthorizedError));
      return (error as Error).message;
    }
    return 'accepted';
  }

  it('signs in with the right password: an access token for the user and a refresh token stored only hashed', async () => {
    const session = await sessions.login(user.email, 'correct horse battery');
    expect((await issuer.verifyAccessToken(session.accessToken)).sub).toBe(user.id);
    expect(session.user).toEqual(jasmine.objectContaining({ id: user.id, email: user.email, role: 'user' }));
    const rows: { token_hash: string }[] = await db.dataSource.query(`SELECT token_hash FROM refresh_tokens WHERE user_id = $1`, [user.id]);
    expect(rows).toEqual([{ token_hash: hashSecret(session.refreshToken) }]);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    expect(await refusal(sessions.login(user.email, 'wrong password!'))).toBe(WRONG_CREDENTIALS);
    expect(await refusal(sessions.login('nobody@example.com', 'correct horse battery'))).toBe(WRONG_CREDENTIALS);
  });

  it('refuses a disabled account even with the right password', async () => {
    await stores.users.changeAccess(user.id, { disabled: true }, new Date());
    expect(await refusal(sessions.login(user.email, 'correct horse battery'))).toMatch(/disabled/);
  });

  it('rotates refresh tokens: each is used once and replaced by a new one', async () => {
    const first = await sessions.login(user.email, 'correct horse battery');
    const second = await sessions.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await issuer.verifyAccessToken(second.accessToken)).sub).toBe(user.id);
    const old = await stores.refreshTokens.findByHash(hashSecret(first.refreshToken));
    const next = await stores.refreshTokens.findByHash(hashSecret(second.refreshToken));
    expect(old!.revokedAt).not.toBeNull();
    expect(old!.replacedBy).toBe(next!.id);
    expect(next!.revokedAt).toBeNull();
    const third = await sessions.refresh(second.refreshToken);
    expect(third.refreshToken).not.toBe(second.refreshToken);
    // One sign-in, one family: every access token of it names the first token as its session.
    const sids = await Promise.all([first, second, third].map(async (session) => (await issuer.verifyAccessToken(session.accessToken)).sid));
    expect(new Set(sids)).toEqual(new Set([old!.id]));
    expect(next!.familyId).toBe(old!.id);
    expect(await stores.refreshTokens.isFamilyLive(old!.id)).toBeTrue();
    expect(revoked).toEqual([]);
  });

  it('revokes the whole family when a rotated token is used again, and only that family', async () => {
    const stolen = await sessions.login(user.email, 'correct horse battery');
    const otherDevice = await sessions.login(user.email, 'correct horse battery');
    const rotated = await sessions.refresh(stolen.refreshToken);
    const latest = await sessions.refresh(rotated.refreshToken);

    expect(await refusal(sessions.refresh(stolen.refreshToken))).toBe(REUSED_REFRESH_TOKEN);
    expect(await refusal(sessions.refresh(latest.refreshToken))).toMatch(/revoked|already used/);
    expect((await stores.refreshTokens.findByHash(hashSecret(latest.refreshToken)))!.revokedAt).not.toBeNull();
    expect((await sessions.refresh(otherDevice.refreshToken)).user.id).toBe(user.id);
    const family = (await issuer.verifyAccessToken(stolen.accessToken)).sid;
    expect(revoked).toContain(family);
    expect(revoked).not.toContain((await issuer.verifyAccessToken(otherDevice.accessToken)).sid);
    expect(await stores.refreshTokens.isFamilyLive(family)).toBeFalse();
  });

  it('lets at most one of two concurrent refreshes of one token through, and then revokes the family', async () => {
    const session = await sessions.login(user.email, 'correct horse battery');
    const results = await Promise.allSettled([sessions.refresh(session.refreshToken), sessions.refresh(session.refreshToken)]);
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const winner of winners) expect(await refusal(sessions.refresh(winner.value.refreshToken))).not.toBe('accepted');
  });

  it('refuses an expired refresh token, and unknown or garbage ones', async () => {
    const session = await sessions.login(user.email, 'correct horse battery');
    clock.advance(REFRESH_TTL_MS);
    expect(await refusal(sessions.refresh(session.refreshToken))).toMatch(/expired/);
    expect(await refusal(sessions.refresh('psr_not-a-token'))).toBe(INVALID_REFRESH_TOKEN);
  });

  it('counts a refresh against its owner before rotating', async () => {
    const session = await sessions.login(user.email, 'correct horse battery');
    const seen: string[] = [];
    await sessions.refresh(session.refreshToken, (userId) => seen.push(userId));
    expect(seen).toEqual([user.id]);
  });

  it('signs out: the refresh token (and anything it was rotated into) is revoked', async () => {
    const session = await sessions.login(user.email, 'correct horse battery');
    await sessions.logout(session.refreshToken);
    expect(await refusal(sessions.refresh(session.refreshToken))).toMatch(/revoked/);
    const family = (await issuer.verifyAccessToken(session.accessToken)).sid;
    expect(revoked).toEqual([family]);
    expect(await stores.refreshTokens.isFamilyLive(family)).toBeFalse();
    expect(await refusal(sessions.logout('psr_unknown'))).toBe(INVALID_REFRESH_TOKEN);
  });

  it('changes the password after checking the current one, and signs out every other session', async () => {
    const caller = { id: user.id, email: user.email, role: 'user' as const, scopes: 'all' as const };
    const here = await sessions.login(user.email, 'correct horse battery');
    const elsewhere = await sessions.login(user.email, 'correct horse battery');
    await expectAsync(sessions.changePassword(caller, 'not my password', 'a brand new password')).toBeRejectedWithError(InvalidInputError, /currentPassword/);
    await expectAsync(sessions.changePassword(caller, 'correct horse battery', 'short')).toBeRejectedWithError(InvalidInputError, /newPassword/);
    await expectAsync(sessions.changePassword({ ...caller, scopes: ['images:read'] }, 'correct horse battery', 'a brand new password')).toBeRejectedWithError(ForbiddenError);
    expect((await sessions.refresh(here.refreshToken)).user.id).toBe(user.id);

    const fresh = await sessions.changePassword(caller, 'correct horse battery', 'a brand new password');
    expect(await refusal(sessions.refresh(elsewhere.refreshToken))).toMatch(/revoked/);
    const sidOf = async (token: string) => (await issuer.verifyAccessToken(token)).sid;
    expect(revoked).toEqual(jasmine.arrayWithExactContents([await sidOf(here.accessToken), await sidOf(elsewhere.accessToken)]));
    expect(revoked).not.toContain(await sidOf(fresh.accessToken));
    expect((await sessions.refresh(fresh.refreshToken)).user.id).toBe(user.id);
    expect(await refusal(sessions.login(user.email, 'correct horse battery'))).toBe(WRONG_CREDENTIALS);
    expect((await sessions.login(user.email, 'a brand new password')).user.id).toBe(user.id);
  });
});
