import { useTestDatabase } from '../../test/support/test-database';
import type { Session } from './account-views';
import { ACCOUNT_ENTITIES } from './accounts.repository';
import { ACCESS_TTL_MS, useAccountsPlatform } from './accounts-testing';
import { REUSED_REFRESH_TOKEN, WRONG_CREDENTIALS } from './session-manager';
import { EXPIRED_ACCESS_TOKEN, INVALID_ACCESS_TOKEN } from './token-issuer';

interface ErrorBody {
  error: { code: string; message: string; issues?: { field: string; message: string }[] };
}

describe('accounts REST: sign-up, sign-in and sessions', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const api = useAccountsPlatform(db);
  beforeEach(() => db.skipIfMissing());

  const userCount = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM users`))[0].n);

  it('registers a user (201) who is signed in at once, with the password stored as argon2id', async () => {
    const response = await api.call<Session>('POST', '/auth/register', { body: { email: 'Grace@Example.com', password: 'a long password', displayName: ' Grace ' } });
    expect(response.status).toBe(201);
    expect(response.body.user).toEqual(jasmine.objectContaining({ email: 'grace@example.com', displayName: 'Grace', role: 'user', disabled: false }));
    expect(response.body).toEqual(jasmine.objectContaining({ tokenType: 'Bearer', expiresIn: ACCESS_TTL_MS / 1000 }));
    expect(JSON.stringify(response.body)).not.toContain('a long password');
    const me = await api.call<{ email: string; scopes: string }>('GET', '/auth/me', { token: response.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(jasmine.objectContaining({ email: 'grace@example.com', scopes: 'all' }));
    const [row] = await db.dataSource.query(`SELECT password_hash FROM users WHERE email = 'grace@example.com'`);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('always registers a plain user, whatever role the body asks for', async () => {
    const response = await api.call<Session>('POST', '/auth/register', { body: { email: 'sneaky@example.com', password: 'a long password', displayName: 'S', role: 'admin' } });
    expect(response.status).toBe(201);
    expect(response.body.user.role).toBe('user');
    expect((await api.call('GET', '/admin/users', { token: response.body.accessToken })).status).toBe(403);
  });

  it('refuses bad sign-ups with 4xx naming the field, and creates nothing', async () => {
    const before = await userCount();
    const cases: [unknown, number, string][] = [
      [{ email: 'not-an-email', password: 'a long password', displayName: 'X' }, 422, 'email'],
      [{ email: 'a b@example.com', password: 'a long password', displayName: 'X' }, 422, 'email'],
      [{ email: 'ok@example.com', password: 'short', displayName: 'X' }, 422, 'password'],
      [{ email: 'ok@example.com', password: 'a long password' }, 422, 'displayName'],
      [{ email: 'ok@example.com', password: 'a long password', displayName: '   ' }, 422, 'displayName'],
      [{ email: 42, password: 'a long password', displayName: 'X' }, 422, 'email'],
    ];
    for (const [body, status, field] of cases) {
      const response = await api.call<ErrorBody>('POST', '/auth/register', { body });
      expect(response.status).withContext(JSON.stringify(body)).toBe(status);
      expect(response.body.error.issues?.map((issue) => issue.field)).withContext(JSON.stringify(body)).toContain(field);
    }
    expect(await userCount()).toBe(before);
  });

  it('answers a duplicate email in any case with 409 on the email field', async () => {
    const { email } = await api.signUp('dup');
    const before = await userCount();
    const response = await api.call<ErrorBody>('POST', '/auth/register', { body: { email: email.toUpperCase(), password: 'another password', displayName: 'Dup' } });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('conflict');
    expect(response.body.error.issues).toEqual([jasmine.objectContaining({ field: 'email' })]);
    expect(response.body.error.message).toContain('already exists');
    expect(await userCount()).toBe(before);
  });

  it('signs in with { accessToken, refreshToken, expiresIn, user }, the email in any case', async () => {
    const { email, password } = await api.signUp('login');
    const response = await api.call<Session>('POST', '/auth/login', { body: { email: email.toUpperCase(), password } });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user']);
    expect(response.body.user.email).toBe(email);
    expect((await api.call('GET', '/auth/me', { token: response.body.accessToken })).status).toBe(200);
  });

  it('answers a wrong password and an unknown email alike (401), and bad bodies with 4xx', async () => {
    const { email } = await api.signUp('wrong');
    const wrong = await api.call<ErrorBody>('POST', '/auth/login', { body: { email, password: 'not the password' } });
    const unknown = await api.call<ErrorBody>('POST', '/auth/login', { body: { email: 'nobody@example.com', password: 'not the password' } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.message).toBe(WRONG_CREDENTIALS);
    expect((await api.call('POST', '/auth/login', { body: { email } })).status).toBe(422);
    expect((await api.call('POST', '/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('refuses missing, garbage, forged and expired access tokens with 401 and a reason', async () => {
    const { session } = await api.signUp('tokens');
    expect((await api.call('GET', '/auth/me')).status).toBe(401);
    const garbage = await api.call<ErrorBody>('GET', '/auth/me', { token: 'garbage' });
    expect([garbage.status, garbage.body.error.message]).toEqual([401, INVALID_ACCESS_TOKEN]);
    const [header, payload] = session.accessToken.split('.');
    const forged = await api.call<ErrorBody>('GET', '/auth/me', { token: `${header}.${payload}.${'A'.repeat(43)}` });
    expect([forged.status, forged.body.error.message]).toEqual([401, INVALID_ACCESS_TOKEN]);
    api.clock.advance(ACCESS_TTL_MS);
    const expired = await api.call<ErrorBody>('GET', '/auth/me', { token: session.accessToken });
    expect([expired.status, expired.body.error.message]).toEqual([401, EXPIRED_ACCESS_TOKEN]);
  });

  it('rotates refresh tokens, and a reused one signs out its whole family', async () => {
    const { session } = await api.signUp('refresh');
    const first = await api.call<Session>('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(session.refreshToken);
    expect((await api.call('GET', '/auth/me', { token: first.body.accessToken })).status).toBe(200);

    const replay = await api.call<ErrorBody>('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect([replay.status, replay.body.error.message]).toEqual([401, REUSED_REFRESH_TOKEN]);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status).toBe(401);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: 'psr_garbage' } })).status).toBe(401);
    expect((await api.call('POST', '/auth/refresh', { body: {} })).status).toBe(422);
  });

  it('creates an API key that never expires when expiresInDays is left out or null (the validator lets null through)', async () => {
    const { session } = await api.signUp('keys');
    for (const body of [{ name: 'no expiry', scopes: ['images'] }, { name: 'null expiry', scopes: ['images'], expiresInDays: null }]) {
      const response = await api.call<{ expiresAt: string | null; key: string }>('POST', '/auth/api-keys', { body, token: session.accessToken });
      expect([response.status, response.body.expiresAt]).withContext(JSON.stringify(body)).toEqual([201, null]);
      expect((await api.call('GET', '/auth/me', { token: response.body.key })).status).withContext(JSON.stringify(body)).toBe(200);
    }
  });

  it('signs out: the refresh token stops working', async () => {
    const { session } = await api.signUp('logout');
    const response = await api.call('POST', '/auth/logout', { body: { refreshToken: session.refreshToken } });
    expect(response.status).toBe(200);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await api.call('POST', '/auth/logout', { body: { refreshToken: 'psr_unknown' } })).status).toBe(401);
  });

  it('changes the password: checks the current one, signs out other sessions, keeps this one', async () => {
    const { email, password, session } = await api.signUp('password');
    const other = await api.call<Session>('POST', '/auth/login', { body: { email, password } });
    const token = session.accessToken;

    const wrong = await api.call<ErrorBody>('POST', '/auth/password', { token, body: { currentPassword: 'not it at all', newPassword: 'new password 123' } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.issues![0]!.field).toBe('currentPassword');
    const weak = await api.call<ErrorBody>('POST', '/auth/password', { token, body: { currentPassword: password, newPassword: 'short' } });
    expect(weak.status).toBe(422);
    expect((await api.call('POST', '/auth/password', { body: { currentPassword: password, newPassword: 'new password 123' } })).status).toBe(401);
    expect((await api.call('POST', '/auth/login', { body: { email, password } })).status).toBe(200);

    const changed = await api.call<Session>('POST', '/auth/password', { token, body: { currentPassword: password, newPassword: 'new password 123' } });
    expect(changed.status).toBe(200);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(401);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: changed.body.refreshToken } })).status).toBe(200);
    expect((await api.call('POST', '/auth/login', { body: { email, password } })).status).toBe(401);
    expect((await api.call('POST', '/auth/login', { body: { email, password: 'new password 123' } })).status).toBe(200);
  });
});

describe('accounts REST: rate limits on auth routes', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const narrow = { perIp: { capacity: 100, refillEveryMs: 1000 }, perAccount: { capacity: 3, refillEveryMs: 20_000 } };
  const api = useAccountsPlatform(db, { login: narrow, register: { ...narrow, perIp: { capacity: 2, refillEveryMs: 60_000 } } });
  beforeEach(() => db.skipIfMissing());

  it('answers too many sign-ins for one account with 429 and Retry-After, until the bucket refills', async () => {
    api.clock.advance(120_000);
    const { email, password } = await api.signUp('limited');
    for (let i = 0; i < 3; i += 1) expect((await api.call('POST', '/auth/login', { body: { email, password: 'wrong password' } })).status).toBe(401);
    const limited = await api.call<ErrorBody>('POST', '/auth/login', { body: { email, password } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('20');
    api.clock.advance(20_000);
    expect((await api.call('POST', '/auth/login', { body: { email, password } })).status).toBe(200);
  });

  it('limits sign-ups per IP', async () => {
    api.clock.advance(120_000);
    await api.signUp('one');
    await api.signUp('two');
    const third = await api.call<ErrorBody>('POST', '/auth/register', { body: { email: 'third@example.com', password: 'a long password', displayName: 'Third' } });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number((await db.dataSource.query(`SELECT count(*) AS n FROM users WHERE email = 'third@example.com'`))[0].n)).toBe(0);
  });
});
