import { useTestDatabase } from '../../test/support/test-database';
import type { ApiKeyView } from './account-views';
import { ACCOUNT_ENTITIES } from './accounts.repository';
import { useAccountsPlatform } from './accounts-testing';
import { hashSecret } from './api-key-format';

interface ErrorBody {
  error: { code: string; message: string; issues?: { field: string; message: string }[] };
}
type CreatedKey = ApiKeyView & { key: string };

describe('accounts REST: API keys and tenancy', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const api = useAccountsPlatform(db);
  beforeEach(() => db.skipIfMissing());

  async function createKey(token: string, body: Record<string, unknown> = { name: 'ci', scopes: ['images:read', 'queue:write'] }): Promise<CreatedKey> {
    const response = await api.call<CreatedKey>('POST', '/auth/api-keys', { token, body });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  it('shows a new key once, stores only its hash, and lists keys by prefix without secrets', async () => {
    const { session } = await api.signUp('keys');
    const created = await createKey(session.accessToken);
    expect(created.key).toMatch(/^psk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`psk_${created.prefix}_`)).toBeTrue();
    expect(created.scopes).toEqual(['images:read', 'queue:write']);

    const [row] = await db.dataSource.query(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(row.key_hash).toBe(hashSecret(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(13));

    const list = await api.call<ApiKeyView[]>('GET', '/auth/api-keys', { token: session.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.map((key) => key.id)).toEqual([created.id]);
    expect(list.body[0]).toEqual(jasmine.objectContaining({ name: 'ci', prefix: created.prefix, revokedAt: null }));
    expect(JSON.stringify(list.body)).not.toContain(created.key);
    expect(Object.keys(list.body[0]!)).not.toContain('keyHash');
  });

  it('authenticates with the key, carrying its scopes, and records when it was used', async () => {
    const { session, email } = await api.signUp('use');
    const created = await createKey(session.accessToken);
    const me = await api.call<{ email: string; scopes: string[] }>('GET', '/auth/me', { token: created.key });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
    expect(me.body.scopes).toEqual(['images:read', 'queue:write']);
    const [row] = await db.dataSource.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [created.id]);
    expect(row.last_used_at).not.toBeNull();
  });

  it('refuses a revoked key, an expired key and an unknown key with 401', async () => {
    const { session } = await api.signUp('revoke');
    const revoked = await createKey(session.accessToken);
    const response = await api.call<ApiKeyView>('DELETE', `/auth/api-keys/${revoked.id}`, { token: session.accessToken });
    expect(response.status).toBe(200);
    expect(response.body.revokedAt).not.toBeNull();
    const refused = await api.call<ErrorBody>('GET', '/auth/me', { token: revoked.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toContain('revoked');
    expect((await api.call('DELETE', `/auth/api-keys/${revoked.id}`, { token: session.accessToken })).status).toBe(200);

    const expiring = await createKey(session.accessToken, { name: 'short-lived', scopes: ['images:read'], expiresInDays: 1 });
    expect((await api.call('GET', '/auth/me', { token: expiring.key })).status).toBe(200);
    api.clock.advance(86_400_000);
    const expired = await api.call<ErrorBody>('GET', '/auth/me', { token: expiring.key });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toContain('expired');

    const unknown = `psk_${revoked.prefix}_${'A'.repeat(43)}`;
    expect((await api.call('GET', '/auth/me', { token: unknown })).status).toBe(401);
    expect((await api.call('GET', '/auth/me', { token: 'psk_malformed' })).status).toBe(401);
  });

  it('never shows or revokes one user\'s keys for another (404), and changes nothing', async () => {
    const alice = await api.signUp('alice');
    const bob = await api.signUp('bob');
    const alicesKey = await createKey(alice.session.accessToken);

    const bobsList = await api.call<ApiKeyView[]>('GET', '/auth/api-keys', { token: bob.session.accessToken });
    expect(bobsList.body).toEqual([]);
    const steal = await api.call<ErrorBody>('DELETE', `/auth/api-keys/${alicesKey.id}`, { token: bob.session.accessToken });
    expect(steal.status).toBe(404);
    expect(steal.body.error.message).toContain(alicesKey.id);
    expect((await api.call('GET', '/auth/me', { token: alicesKey.key })).status).toBe(200);
    const [row] = await db.dataSource.query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [alicesKey.id]);
    expect(row.revoked_at).toBeNull();
    // With Alice's key, Bob's session is not reachable either: the key speaks for Alice only.
    const asAlice = await api.call<{ email: string }>('GET', '/auth/me', { token: alicesKey.key });
    expect(asAlice.body.email).toBe(alice.email);
  });

  it('answers bad key requests with 4xx naming the field, creating nothing', async () => {
    const { session } = await api.signUp('badkeys');
    const token = session.accessToken;
    const cases: [Record<string, unknown>, number, string | undefined][] = [
      [{ name: '', scopes: ['images:read'] }, 422, 'name'],
      [{ name: '   ', scopes: ['images:read'] }, 422, 'name'],
      [{ name: 'x', scopes: [] }, 422, 'scopes'],
      [{ name: 'x', scopes: ['Images Read'] }, 422, 'scopes'],
      [{ name: 'x', scopes: 'images:read' }, 422, 'scopes'],
      [{ name: 'x', scopes: ['images:read'], expiresInDays: 0 }, 422, 'expiresInDays'],
      [{ name: 'x', scopes: ['admin'] }, 403, undefined],
    ];
    for (const [body, status, field] of cases) {
      const response = await api.call<ErrorBody>('POST', '/auth/api-keys', { token, body });
      expect(response.status).withContext(JSON.stringify(body)).toBe(status);
      if (field) expect(response.body.error.issues?.map((issue) => issue.field)).withContext(JSON.stringify(body)).toContain(field);
    }
    expect((await api.call<ApiKeyView[]>('GET', '/auth/api-keys', { token })).body).toEqual([]);
    expect((await api.call('DELETE', '/auth/api-keys/not-a-uuid', { token })).status).toBe(422);
    expect((await api.call('DELETE', '/auth/api-keys/00000000-0000-4000-8000-000000000000', { token })).status).toBe(404);
    expect((await api.call('POST', '/auth/api-keys', { body: { name: 'x', scopes: ['images:read'] } })).status).toBe(401);
  });

  it('does not let an API key mint keys, revoke keys or change the password (403)', async () => {
    const { session, password } = await api.signUp('keyonly');
    const created = await createKey(session.accessToken);
    const mint = await api.call<ErrorBody>('POST', '/auth/api-keys', { token: created.key, body: { name: 'more', scopes: ['images:read'] } });
    expect(mint.status).toBe(403);
    expect((await api.call('DELETE', `/auth/api-keys/${created.id}`, { token: created.key })).status).toBe(403);
    expect((await api.call('POST', '/auth/password', { token: created.key, body: { currentPassword: password, newPassword: 'new password 123' } })).status).toBe(403);
    expect((await api.call<ApiKeyView[]>('GET', '/auth/api-keys', { token: session.accessToken })).body.length).toBe(1);
  });

  it('lets an admin\'s key act as admin only when it has the "admin" scope', async () => {
    const admin = await api.signInAdmin();
    const plain = await createKey(admin.accessToken, { name: 'plain', scopes: ['images:read'] });
    const powerful = await createKey(admin.accessToken, { name: 'admin', scopes: ['admin'] });
    expect((await api.call('GET', '/admin/users', { token: plain.key })).status).toBe(403);
    expect((await api.call('GET', '/admin/users', { token: powerful.key })).status).toBe(200);
  });
});
