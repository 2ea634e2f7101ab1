import { useTestDatabase } from '../../test/support/test-database';
import type { PublicUser, Session } from './account-views';
import { ACCOUNT_ENTITIES } from './accounts.repository';
import { ADMIN, useAccountsPlatform } from './accounts-testing';
import type { UserPage } from './account-manager';
import { SIGNED_OUT } from './authenticator';

interface ErrorBody {
  error: { code: string; message: string; issues?: { field: string; message: string }[] };
}

describe('accounts REST: admin routes', () => {
  const db = useTestDatabase(ACCOUNT_ENTITIES);
  const api = useAccountsPlatform(db);
  beforeEach(() => db.skipIfMissing());

  let admin: Session;
  beforeEach(async () => {
    admin = await api.signInAdmin();
  });

  it('is closed to users (403) and to anonymous callers (401)', async () => {
    const { session } = await api.signUp('nosy');
    const list = await api.call<ErrorBody>('GET', '/admin/users', { token: session.accessToken });
    expect(list.status).toBe(403);
    expect(list.body.error.message).toBe('Only admins may do this');
    const patch = await api.call('PATCH', `/admin/users/${session.user.id}`, { token: session.accessToken, body: { role: 'admin' } });
    expect(patch.status).toBe(403);
    expect((await api.call<PublicUser>('GET', '/auth/me', { token: session.accessToken })).body.role).toBe('user');
    expect((await api.call('GET', '/admin/users')).status).toBe(401);
  });

  it('lists every account, paginated with the total, without password hashes', async () => {
    await api.signUp('page-a');
    await api.signUp('page-b');
    const total = Number((await db.dataSource.query(`SELECT count(*) AS n FROM users`))[0].n);
    const first = await api.call<UserPage>('GET', '/admin/users?limit=2&offset=0', { token: admin.accessToken });
    expect(first.status).toBe(200);
    expect(first.body).toEqual(jasmine.objectContaining({ total, limit: 2, offset: 0 }));
    expect(first.body.items.length).toBe(2);
    const rest = await api.call<UserPage>('GET', `/admin/users?limit=200&offset=2`, { token: admin.accessToken });
    expect(rest.body.items.length).toBe(total - 2);
    const ids = [...first.body.items, ...rest.body.items].map((user) => user.id);
    expect(new Set(ids).size).toBe(total);
    expect(JSON.stringify(first.body)).not.toContain('argon2');
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1']) {
      expect((await api.call('GET', `/admin/users?${query}`, { token: admin.accessToken })).status).withContext(query).toBe(422);
    }
  });

  it('makes a user admin, which applies to the tokens they already hold', async () => {
    const { session } = await api.signUp('promoted');
    expect((await api.call('GET', '/admin/users', { token: session.accessToken })).status).toBe(403);
    const response = await api.call<PublicUser>('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { role: 'admin' } });
    expect(response.status).toBe(200);
    expect(response.body.role).toBe('admin');
    expect((await api.call('GET', '/admin/users', { token: session.accessToken })).status).toBe(200);
    await api.call('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { role: 'user' } });
    expect((await api.call('GET', '/admin/users', { token: session.accessToken })).status).toBe(403);
  });

  it('starts accounts on the free trial and moves them to another plan (which picks their worker pool)', async () => {
    const { session } = await api.signUp('planned');
    expect(session.user.plan).toBe('trial');
    const moved = await api.call<PublicUser>('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { plan: 'pro' } });
    expect([moved.status, moved.body.plan, moved.body.role]).toEqual([200, 'pro', 'user']);
    expect((await api.call<PublicUser>('GET', '/auth/me', { token: session.accessToken })).body.plan).toBe('pro');
    const bad = await api.call<ErrorBody>('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { plan: 'platinum' } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('plan');
    expect((await api.call<PublicUser>('GET', '/auth/me', { token: session.accessToken })).body.plan).toBe('pro');
  });

  it('disables an account: its tokens, refresh tokens, API keys and password stop working until enabled again', async () => {
    const { session, email, password } = await api.signUp('disabled');
    const key = await api.call<{ key: string }>('POST', '/auth/api-keys', { token: session.accessToken, body: { name: 'k', scopes: ['images:read'] } });
    const disabled = await api.call<PublicUser>('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { disabled: true } });
    expect([disabled.status, disabled.body.disabled]).toEqual([200, true]);

    const me = await api.call<ErrorBody>('GET', '/auth/me', { token: session.accessToken });
    expect([me.status, me.body.error.message]).toEqual([401, 'This account is disabled; ask an admin to enable it']);
    expect((await api.call('GET', '/auth/me', { token: key.body.key })).status).toBe(401);
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await api.call('POST', '/auth/login', { body: { email, password } })).status).toBe(401);

    await api.call('PATCH', `/admin/users/${session.user.id}`, { token: admin.accessToken, body: { disabled: false } });
    expect((await api.call('POST', '/auth/login', { body: { email, password } })).status).toBe(200);
    expect((await api.call('GET', '/auth/me', { token: key.body.key })).status).toBe(200);
    // Sessions from before the account was disabled stay signed out, access tokens included.
    expect((await api.call('POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    const stale = await api.call<ErrorBody>('GET', '/auth/me', { token: session.accessToken });
    expect([stale.status, stale.body.error.message]).toEqual([401, SIGNED_OUT]);
  });

  it('refuses to leave no enabled admin (409) and changes nothing', async () => {
    const admins = await db.dataSource.query(`SELECT id FROM users WHERE role = 'admin' AND NOT disabled`);
    for (const { id } of admins) if (id !== admin.user.id) await api.call('PATCH', `/admin/users/${id}`, { token: admin.accessToken, body: { role: 'user' } });
    const demote = await api.call<ErrorBody>('PATCH', `/admin/users/${admin.user.id}`, { token: admin.accessToken, body: { role: 'user' } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toContain('last enabled admin');
    const disable = await api.call('PATCH', `/admin/users/${admin.user.id}`, { token: admin.accessToken, body: { disabled: true } });
    expect(disable.status).toBe(409);
    expect((await api.call<PublicUser>('GET', '/auth/me', { token: admin.accessToken })).body).toEqual(jasmine.objectContaining({ role: 'admin', disabled: false }));
  });

  it('answers bad changes with 4xx and a reason', async () => {
    const { session } = await api.signUp('target');
    const token = admin.accessToken;
    expect((await api.call('PATCH', '/admin/users/00000000-0000-4000-8000-000000000000', { token, body: { role: 'admin' } })).status).toBe(404);
    expect((await api.call('PATCH', '/admin/users/not-a-uuid', { token, body: { role: 'admin' } })).status).toBe(422);
    const empty = await api.call<ErrorBody>('PATCH', `/admin/users/${session.user.id}`, { token, body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toContain('role');
    expect((await api.call('PATCH', `/admin/users/${session.user.id}`, { token, body: { role: 'root' } })).status).toBe(422);
    expect((await api.call('PATCH', `/admin/users/${session.user.id}`, { token, body: { disabled: 'yes' } })).status).toBe(422);
    expect((await api.call<PublicUser>('GET', '/auth/me', { token: session.accessToken })).body).toEqual(jasmine.objectContaining({ role: 'user', disabled: false }));
  });

  it('signs in the admin created on first start with the configured password', async () => {
    expect(admin.user).toEqual(jasmine.objectContaining({ email: ADMIN.adminEmail, role: 'admin' }));
  });
});
