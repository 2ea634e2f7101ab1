import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type ApiResponse, type TestPlatform } from '../../test/support/test-platform';
import { ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import { SecretBox } from '../automations/secret-box';
import type { Credential } from './credential-records';
import { CredentialEntity } from './credential.entity';
import { createCredentialsService } from './credentials.service';

type ErrorBody = { error: { code: string; message: string; issues?: { code?: string; field?: string; message: string }[] } };
type List = { items: Credential[]; total: number; limit: number; offset: number };

const TOKEN = 'sk-live-4f9c2e7a1b3d5f60';
const PASSWORD = 'correct horse battery staple';
const VIEW_KEYS = ['createdAt', 'id', 'kind', 'lastUsedAt', 'name', 'updatedAt'];

describe('credentials service', () => {
  const db = useTestDatabase([CredentialEntity]);
  const secrets = new SecretBox('a test secrets key');
  let platform: TestPlatform;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, BOB]);
    platform = await startTestPlatform([createCredentialsService({ dataSource: db.dataSource, secrets }), testAccounts]);
  });
  afterAll(() => platform?.stop());
  beforeEach(() => db.skipIfMissing());

  /** Every call checks that its answer, headers included, carries none of the secrets these specs store. */
  const api = async <T = unknown>(method: string, url: string, token: string, body?: unknown): Promise<ApiResponse<T>> => {
    const response = await request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
    const answer = JSON.stringify(response.body) + JSON.stringify([...response.headers]);
    for (const secret of [TOKEN, PASSWORD, 'old password']) expect(answer).withContext(`${method} ${url}`).not.toContain(secret);
    return response;
  };
  const create = async (token: string, fields: Record<string, unknown>) => {
    const response = await api<Credential>('POST', '/credentials', token, fields);
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  };
  /** The stored secret, opened as a run would. */
  const openedSecret = async (id: string) => {
    const [row] = (await db.dataSource.query(`SELECT sealed FROM credentials WHERE id = $1`, [id])) as { sealed: Buffer }[];
    return JSON.parse(secrets.open(row!.sealed)) as Record<string, string>;
  };

  it('stores a credential and answers 201 with its name, kind and times, never the secret', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const response = await api<Credential>('POST', '/credentials', owner.token, { name: '  Stripe live ', kind: 'bearer', token: TOKEN });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`credentials/${response.body.id}`);
    expect(response.body).toEqual({ id: jasmine.any(String), name: 'Stripe live', kind: 'bearer', createdAt: jasmine.any(String), updatedAt: jasmine.any(String), lastUsedAt: null });
    expect(Object.keys(response.body).sort()).toEqual(VIEW_KEYS);
    expect(await openedSecret(response.body.id)).toEqual({ kind: 'bearer', token: TOKEN });
  });

  it('keeps the secret sealed in its row: the column is not the plain secret, and opens only with the key', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const credential = await create(owner.token, { name: 'db check', kind: 'basic', username: 'ada', password: PASSWORD });
    const [row] = (await db.dataSource.query(`SELECT * FROM credentials WHERE id = $1`, [credential.id])) as Record<string, unknown>[];
    const sealed = row!['sealed'] as Buffer;
    expect(Buffer.isBuffer(sealed)).toBeTrue();
    expect(sealed.includes(Buffer.from(PASSWORD))).toBeFalse();
    expect(sealed.includes(Buffer.from('ada'))).toBeFalse();
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(() => new SecretBox('another key').open(sealed)).toThrow();
    expect(await openedSecret(credential.id)).toEqual({ kind: 'basic', username: 'ada', password: PASSWORD });
  });

  it('takes each kind with its own fields', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const header = await create(owner.token, { name: 'header', kind: 'header', headerName: 'X-Api-Key', value: TOKEN });
    const query = await create(owner.token, { name: 'query', kind: 'query', paramName: 'api_key', value: TOKEN });
    const basic = await create(owner.token, { name: 'basic', kind: 'basic', username: 'ada', password: '' });
    expect(await openedSecret(header.id)).toEqual({ kind: 'header', headerName: 'X-Api-Key', value: TOKEN });
    expect(await openedSecret(query.id)).toEqual({ kind: 'query', paramName: 'api_key', value: TOKEN });
    expect(await openedSecret(basic.id)).toEqual({ kind: 'basic', username: 'ada', password: '' });
  });

  it('lists the caller’s credentials by name, a page at a time, and reads one', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const b = await create(owner.token, { name: 'b', kind: 'bearer', token: TOKEN });
    const a = await create(owner.token, { name: 'a', kind: 'query', paramName: 'k', value: TOKEN });
    const c = await create(owner.token, { name: 'c', kind: 'bearer', token: TOKEN });
    const list = await api<List>('GET', '/credentials', owner.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [a, b, c], total: 3, limit: 50, offset: 0 });
    const paged = await api<List>('GET', '/credentials?limit=1&offset=1', owner.token);
    expect([paged.body.total, paged.body.items.map((item) => item.name)]).toEqual([3, ['b']]);
    const got = await api<Credential>('GET', `/credentials/${b.id}`, owner.token);
    expect([got.status, got.body]).toEqual([200, b]);
  });

  it('renames, replaces the secret, and keeps the fields not given when the kind stays', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const credential = await create(owner.token, { name: 'login', kind: 'basic', username: 'ada', password: 'old password' });
    const renamed = await api<Credential>('PATCH', `/credentials/${credential.id}`, owner.token, { name: 'renamed' });
    expect([renamed.status, renamed.body.name, renamed.body.kind]).toEqual([200, 'renamed', 'basic']);
    expect(await openedSecret(credential.id)).toEqual({ kind: 'basic', username: 'ada', password: 'old password' });

    const newPassword = await api<Credential>('PATCH', `/credentials/${credential.id}`, owner.token, { password: PASSWORD });
    expect(newPassword.status).toBe(200);
    expect(Object.keys(newPassword.body).sort()).toEqual(VIEW_KEYS);
    expect(await openedSecret(credential.id)).toEqual({ kind: 'basic', username: 'ada', password: PASSWORD });

    // Another kind starts afresh: its fields are all needed.
    const incomplete = await api<ErrorBody>('PATCH', `/credentials/${credential.id}`, owner.token, { kind: 'header', value: TOKEN });
    expect([incomplete.status, incomplete.body.error.issues?.map((issue) => issue.field)]).toEqual([422, ['headerName']]);
    const rekinded = await api<Credential>('PATCH', `/credentials/${credential.id}`, owner.token, { kind: 'header', headerName: 'X-Key', value: TOKEN });
    expect([rekinded.status, rekinded.body.kind]).toEqual([200, 'header']);
    expect(await openedSecret(credential.id)).toEqual({ kind: 'header', headerName: 'X-Key', value: TOKEN });
  });

  it('deletes a credential', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const credential = await create(owner.token, { name: 'temp', kind: 'bearer', token: TOKEN });
    const deleted = await api('DELETE', `/credentials/${credential.id}`, owner.token);
    expect([deleted.status, deleted.body]).toEqual([200, { id: credential.id, deleted: true }]);
    expect((await api('GET', `/credentials/${credential.id}`, owner.token)).status).toBe(404);
    expect((await api('DELETE', `/credentials/${credential.id}`, owner.token)).status).toBe(404);
  });

  it('answers another user’s credential as missing, for every route, and changes nothing', async () => {
    const mine = await create(ALICE.token, { name: `alice ${Date.now()}`, kind: 'bearer', token: TOKEN });
    for (const [method, body] of [['GET', undefined], ['PATCH', { name: 'stolen' }], ['PATCH', { token: 'replaced' }], ['DELETE', undefined]] as const) {
      const response = await api<ErrorBody>(method, `/credentials/${mine.id}`, BOB.token, body);
      expect([response.status, response.body.error.code]).withContext(`${method} ${JSON.stringify(body)}`).toEqual([404, 'not_found']);
    }
    expect((await api<List>('GET', '/credentials', BOB.token)).body.items.map((item) => item.id)).not.toContain(mine.id);
    expect((await api<Credential>('GET', `/credentials/${mine.id}`, ALICE.token)).body.name).toBe(mine.name);
    expect(await openedSecret(mine.id)).toEqual({ kind: 'bearer', token: TOKEN });
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) expect((await api('GET', `/credentials/${id}`, ALICE.token)).status).withContext(id).toBe(404);
  });

  it('refuses a second credential of the same name with 409 naming the field', async () => {
    const owner = await insertFreshUser(db.dataSource);
    await create(owner.token, { name: 'same', kind: 'bearer', token: TOKEN });
    const other = await create(owner.token, { name: 'other', kind: 'bearer', token: TOKEN });
    const second = await api<ErrorBody>('POST', '/credentials', owner.token, { name: 'same', kind: 'bearer', token: TOKEN });
    expect([second.status, second.body.error.code, second.body.error.issues?.[0]?.field]).toEqual([409, 'conflict', 'name']);
    const renamed = await api<ErrorBody>('PATCH', `/credentials/${other.id}`, owner.token, { name: 'same' });
    expect([renamed.status, renamed.body.error.issues?.[0]?.field]).toEqual([409, 'name']);
    // Another user may use the name.
    await create((await insertFreshUser(db.dataSource)).token, { name: 'same', kind: 'bearer', token: TOKEN });
  });

  it('refuses hostile or incomplete input with a 4xx naming the field, never quoting the secret', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const injected = `${TOKEN}\r\nX-Injected: yes`;
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'nul\u0000name', kind: 'bearer', token: TOKEN }, 'name'],
      [{ name: 'bell\u0007', kind: 'bearer', token: TOKEN }, 'name'],
      [{ name: '', kind: 'bearer', token: TOKEN }, 'name'],
      [{ name: 'x'.repeat(201), kind: 'bearer', token: TOKEN }, 'name'],
      [{ name: 'n', kind: 'oauth', token: TOKEN }, 'kind'],
      [{ name: 'n', kind: 'bearer' }, 'token'],
      [{ name: 'n', kind: 'bearer', token: '' }, 'token'],
      [{ name: 'n', kind: 'bearer', token: injected }, 'token'],
      [{ name: 'n', kind: 'bearer', token: `${TOKEN}\u0000` }, 'token'],
      [{ name: 'n', kind: 'bearer', token: 'x'.repeat(8193) }, 'token'],
      [{ name: 'n', kind: 'bearer', token: 42 }, 'token'],
      [{ name: 'n', kind: 'bearer', token: TOKEN, username: 'ada' }, 'username'],
      [{ name: 'n', kind: 'basic', username: 'a:b', password: PASSWORD }, 'username'],
      [{ name: 'n', kind: 'basic', username: 'ada', password: `${PASSWORD}\n` }, 'password'],
      [{ name: 'n', kind: 'basic', password: PASSWORD }, 'username'],
      [{ name: 'n', kind: 'header', headerName: 'X Api Key', value: TOKEN }, 'headerName'],
      [{ name: 'n', kind: 'header', headerName: 'X-Api-Key:', value: TOKEN }, 'headerName'],
      [{ name: 'n', kind: 'header', headerName: 'Host', value: TOKEN }, 'headerName'],
      [{ name: 'n', kind: 'header', headerName: 'X-Api-Key', value: injected }, 'value'],
      [{ name: 'n', kind: 'header', headerName: 'X-Api-Key', value: `${TOKEN}☃` }, 'value'],
      [{ name: 'n', kind: 'query', paramName: '', value: TOKEN }, 'paramName'],
      [{ name: 'n', kind: 'query', paramName: 'key\n', value: TOKEN }, 'paramName'],
      [{ name: 'n', kind: 'query', paramName: 'key', value: injected }, 'value'],
    ];
    for (const [body, field] of cases) {
      const response = await api<ErrorBody>('POST', '/credentials', owner.token, body);
      const context = JSON.stringify(body).slice(0, 120);
      expect(response.status).withContext(context).toBe(422);
      expect(response.body.error.issues?.map((issue) => issue.field)).withContext(context).toContain(field);
      expect(JSON.stringify(response.body)).withContext(context).not.toContain(TOKEN);
      expect(JSON.stringify(response.body)).withContext(context).not.toContain(PASSWORD);
    }
    expect((await api<List>('GET', '/credentials', owner.token)).body.total).toBe(0);
    // The same checks when a secret is replaced.
    const credential = await create(owner.token, { name: 'kept', kind: 'bearer', token: TOKEN });
    const patched = await api<ErrorBody>('PATCH', `/credentials/${credential.id}`, owner.token, { token: injected });
    expect([patched.status, patched.body.error.issues?.map((issue) => issue.field)]).toEqual([422, ['token']]);
    expect(await openedSecret(credential.id)).toEqual({ kind: 'bearer', token: TOKEN });
  });
});
