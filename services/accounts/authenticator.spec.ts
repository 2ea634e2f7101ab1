import http from 'node:http';
import jwt from 'jsonwebtoken';
import { useTestDatabase } from '../../test/support/test-database';
import type { Session } from './account-views';
import { ACCOUNT_ENTITIES } from './accounts.repository';
import { ACCESS_TTL_MS, useAccountsPlatform } from './accounts-testing';
import { SIGNED_OUT } from './authenticator';
import { REUSED_REFRESH_TOKEN } from './session-manager';
import { INVALID_ACCESS_TOKEN } from './token-issuer';

interface ErrorBody {
  error: { code: string; message: string };
}

/** A GET with the raw header list as given: two Authorization headers stay two. */
function rawGet(url: string, rawHeaders: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // A raw header list gets no Host header of its own.
    const request = http.request(url, { method: 'GET', headers: ['host', new URL(url).host, ...rawHeaders] }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('authenticating access tokens and API keys through the gateway', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const api = useAccountsPlatform(db);
  beforeEach(() => db.skipIfMissing());

  const me = (token: string) => api.call<ErrorBody>('GET', '/auth/me', { token });
  const refusal = async (token: string) => {
    const response = await me(token);
    return [response.status, response.body.error?.message];
  };

  it('refuses an access token once its session signed out, at once; the user\'s other sessions go on', async () => {
    const { email, password, session } = await api.signUp('leaver');
    const other = (await api.call<Session>('POST', '/auth/login', { body: { email, password } })).body;
    // Known live first, so the refusal below cannot come from an empty cache.
    expect((await me(session.accessToken)).status).toBe(200);
    expect((await api.call('POST', '/auth/logout', { body: { refreshToken: session.refreshToken } })).status).toBe(200);
    expect(await refusal(session.accessToken)).toEqual([401, SIGNED_OUT]);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('refuses every access token of a family whose rotated refresh token came back', async () => {
    const { session: first } = await api.signUp('copied');
    const second = (await api.call<Session>('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } })).body;
    const bystander = (await api.signUp('bystander')).session;
    expect((await me(first.accessToken)).status).toBe(200);
    expect((await me(second.accessToken)).status).toBe(200);

    const replay = await api.call<ErrorBody>('POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect([replay.status, replay.body.error.message]).toEqual([401, REUSED_REFRESH_TOKEN]);
    expect(await refusal(first.accessToken)).toEqual([401, SIGNED_OUT]);
    expect(await refusal(second.accessToken)).toEqual([401, SIGNED_OUT]);
    expect((await me(bystander.accessToken)).status).toBe(200);
  });

  it('signs out every other session\'s access tokens when the password changes', async () => {
    const { email, password, session: here } = await api.signUp('rekeyed');
    const elsewhere = (await api.call<Session>('POST', '/auth/login', { body: { email, password } })).body;
    expect((await me(elsewhere.accessToken)).status).toBe(200);
    const changed = await api.call<Session>('POST', '/auth/password', { token: here.accessToken, body: { currentPassword: password, newPassword: 'a brand new password' } });
    expect(changed.status).toBe(200);
    expect(await refusal(elsewhere.accessToken)).toEqual([401, SIGNED_OUT]);
    expect(await refusal(here.accessToken)).toEqual([401, SIGNED_OUT]);
    expect((await me(changed.body.accessToken)).status).toBe(200);
  });

  it('refuses a token signed with the real secret that claims to live ten years, or names no session', async () => {
    const { session } = await api.signUp('forger');
    const secret = await api.jwtSecret();
    const claims = jwt.decode(session.accessToken) as { sub: string; sid: string; iat: number };
    const sign = (payload: object, expiresIn: number) =>
      jwt.sign({ typ: 'access', iat: claims.iat, ...payload }, secret, { algorithm: 'HS256', subject: claims.sub, issuer: 'pinksea', audience: 'pinksea-api', expiresIn });

    expect((await me(sign({ sid: claims.sid }, ACCESS_TTL_MS / 1000))).status).toBe(200);
    expect(await refusal(sign({ sid: claims.sid }, 10 * 365 * 86_400))).toEqual([401, INVALID_ACCESS_TOKEN]);
    expect(await refusal(sign({}, ACCESS_TTL_MS / 1000))).toEqual([401, INVALID_ACCESS_TOKEN]);
  });

  it('takes exactly one credential from exactly one Authorization header', async () => {
    const { session } = await api.signUp('header');
    const key = (await api.call<{ key: string }>('POST', '/auth/api-keys', { token: session.accessToken, body: { name: 'k', scopes: ['images:read'] } })).body.key;
    const withHeader = (authorization: string) => api.call('GET', '/auth/me', { headers: { authorization } });

    expect((await withHeader(`Bearer ${session.accessToken}`)).status).toBe(200);
    expect((await withHeader(`bearer ${session.accessToken}`)).status).toBe(200);
    expect((await withHeader(`Bearer ${key}`)).status).toBe(200);
    for (const junk of [
      `Bearer ${session.accessToken} junk`,
      `Bearer ${key} junk`,
      `Bearer ${session.accessToken}, Basic abc`,
      `Bearer ${session.accessToken},Bearer ${session.accessToken}`,
      `Basic ${session.accessToken}`,
      `Bearer`,
    ]) {
      expect((await withHeader(junk)).status).withContext(junk.replace(session.accessToken, '<token>')).toBe(401);
    }
    const url = `${api.url}/auth/me`;
    expect(await rawGet(url, ['authorization', `Bearer ${session.accessToken}`])).toBe(200);
    expect(await rawGet(url, ['authorization', `Bearer ${session.accessToken}`, 'authorization', `Bearer ${session.accessToken}`])).toBe(401);
    expect(await rawGet(url, ['authorization', `Bearer ${key}`, 'Authorization', `Basic abc`])).toBe(401);
  });
});
