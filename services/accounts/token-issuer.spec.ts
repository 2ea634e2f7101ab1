import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../kernel/service-errors';
import { ManualClock } from './accounts-testing';
import { hashSecret } from './api-key-format';
import { bearerRequest, runStrategy } from './passport-strategies';
import { EXPIRED_ACCESS_TOKEN, INVALID_ACCESS_TOKEN, TokenIssuer } from './token-issuer';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256-000000';
const USER = '7a1f2c3e-0000-4000-8000-000000000001';
const SESSION = '7a1f2c3e-0000-4000-8000-0000000000aa';

function issuerAt(clock: ManualClock, secret = SECRET) {
  return new TokenIssuer({ secret, accessTokenTtlMs: 15 * 60_000, refreshTokenTtlMs: 86_400_000 }, clock.clock);
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toEqual(jasmine.any(UnauthorizedError));
    return (error as Error).message;
  }
  return 'accepted';
}

describe('TokenIssuer', () => {
  it('issues an HS256 access token naming the user, valid for the configured time', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const { token, expiresIn } = issuer.issueAccessToken(USER, SESSION);
    expect(expiresIn).toBe(900);
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('HS256');
    const claims = await issuer.verifyAccessToken(token);
    expect(claims.sub).toBe(USER);
    expect(claims.typ).toBe('access');
    expect(claims.sid).toBe(SESSION);
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.iat).toBe(clock.nowMs / 1000);
  });

  it('accepts a token until it expires by the injected clock, then refuses it as expired', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const { token } = issuer.issueAccessToken(USER, SESSION);
    clock.advance(15 * 60_000 - 1000);
    expect((await issuer.verifyAccessToken(token)).sub).toBe(USER);
    clock.advance(1000);
    expect(await reason(issuer.verifyAccessToken(token))).toBe(EXPIRED_ACCESS_TOKEN);
  });

  it('refuses tokens signed with another secret or algorithm, unsigned (alg none), tampered or garbage', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const forged = issuerAt(clock, 'another-secret-another-secret-another-secret').issueAccessToken(USER, SESSION).token;
    expect(await reason(issuer.verifyAccessToken(forged))).toBe(INVALID_ACCESS_TOKEN);

    const iat = clock.nowMs / 1000;
    const unsigned = jwt.sign({ sub: USER, typ: 'access', iat, exp: iat + 60, iss: 'pinksea', aud: 'pinksea-api' }, null, { algorithm: 'none' });
    expect(await reason(issuer.verifyAccessToken(unsigned))).toBe(INVALID_ACCESS_TOKEN);
    // Only HS256 is accepted, even when another algorithm is signed with our own secret.
    const hs512 = jwt.sign({ typ: 'access', iat }, SECRET, { algorithm: 'HS512', subject: USER, issuer: 'pinksea', audience: 'pinksea-api', expiresIn: 60 });
    expect(await reason(issuer.verifyAccessToken(hs512))).toBe(INVALID_ACCESS_TOKEN);

    const [header, , signature] = issuer.issueAccessToken(USER, SESSION).token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ sub: 'someone-else', typ: 'access', iat, exp: iat + 60 })).toString('base64url');
    expect(await reason(issuer.verifyAccessToken(`${header}.${otherPayload}.${signature}`))).toBe(INVALID_ACCESS_TOKEN);

    expect(await reason(issuer.verifyAccessToken('not.a.jwt'))).toBe(INVALID_ACCESS_TOKEN);
  });

  it('refuses a correctly signed JWT that is not one of our access tokens', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const iat = clock.nowMs / 1000;
    const wrongAudience = jwt.sign({ typ: 'access', iat }, SECRET, { subject: USER, issuer: 'pinksea', audience: 'elsewhere', expiresIn: 60 });
    expect(await reason(issuer.verifyAccessToken(wrongAudience))).toBe(INVALID_ACCESS_TOKEN);
    const notAccess = jwt.sign({ typ: 'refresh', iat }, SECRET, { subject: USER, issuer: 'pinksea', audience: 'pinksea-api', expiresIn: 60 });
    expect(await reason(issuer.verifyAccessToken(notAccess))).toBe(INVALID_ACCESS_TOKEN);
  });

  it('caps a token\'s life at the access TTL whatever it claims, even signed with the real secret', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const iat = clock.nowMs / 1000;
    const sign = (claims: object, expiresIn: number) =>
      jwt.sign({ typ: 'access', sid: SESSION, ...claims }, SECRET, { algorithm: 'HS256', subject: USER, issuer: 'pinksea', audience: 'pinksea-api', expiresIn });
    const tenYears = sign({ iat }, 10 * 365 * 86_400);
    expect(await reason(issuer.verifyAccessToken(tenYears))).toBe(INVALID_ACCESS_TOKEN);
    // Issued "in the future" so that exp - iat looks right, but valid for years from now.
    const future = sign({ iat: iat + 5 * 365 * 86_400 }, 900);
    expect(await reason(issuer.verifyAccessToken(future))).toBe(INVALID_ACCESS_TOKEN);
    // Issued long ago with a far exp: too old for the TTL (jsonwebtoken's maxAge).
    const old = sign({ iat: iat - 86_400 }, 10 * 365 * 86_400);
    expect(await reason(issuer.verifyAccessToken(old))).not.toBe('accepted');
    expect((await issuer.verifyAccessToken(sign({ iat }, 900))).sub).toBe(USER);
  });

  it('refuses tokens that name no session (issued before sessions were named)', async () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const iat = clock.nowMs / 1000;
    const noSession = jwt.sign({ typ: 'access', iat }, SECRET, { algorithm: 'HS256', subject: USER, issuer: 'pinksea', audience: 'pinksea-api', expiresIn: 900 });
    expect(await reason(issuer.verifyAccessToken(noSession))).toBe(INVALID_ACCESS_TOKEN);
  });

  it('makes opaque refresh tokens, keeping only their hash, expiring after the refresh lifetime', () => {
    const clock = new ManualClock();
    const issuer = issuerAt(clock);
    const first = issuer.newRefreshToken();
    expect(first.token).toMatch(/^psr_[A-Za-z0-9_-]{43}$/);
    expect(first.hash).toBe(hashSecret(first.token));
    expect(first.expiresAt.getTime()).toBe(clock.nowMs + 86_400_000);
    expect(issuer.newRefreshToken().token).not.toBe(first.token);
  });

  it('runs as a real passport strategy: the verify callback decides the user', async () => {
    const issuer = issuerAt(new ManualClock());
    const { token } = issuer.issueAccessToken(USER, SESSION);
    const accepted = await runStrategy<string>(issuer.accessTokenStrategy(async (claims) => ({ user: `user ${claims.sub}` })), bearerRequest(token));
    expect(accepted).toEqual({ ok: true, user: `user ${USER}` });
    const refused = await runStrategy(issuer.accessTokenStrategy(async () => ({ refused: 'account disabled' })), bearerRequest(token));
    expect(refused).toEqual({ ok: false, challenge: 'account disabled' });
  });
});
