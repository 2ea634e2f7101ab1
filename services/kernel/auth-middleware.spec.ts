import type { ServiceSchema } from 'moleculer';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { allows, scopeOf } from './auth-middleware';
import { UnauthorizedError } from './service-errors';

const KEYS: Record<string, readonly string[] | 'all'> = {
  full: 'all',
  reader: ['things:read'],
  writer: ['things:write'],
  area: ['things'],
  other: ['images'],
};

const accounts: ServiceSchema = {
  name: 'accounts',
  actions: {
    authenticate(ctx) {
      const token = (ctx.params as { token: string }).token;
      const scopes = KEYS[token];
      if (!scopes) throw new UnauthorizedError();
      return { id: 'u', email: 'u@example.com', role: token === 'full' ? 'admin' : 'user', scopes };
    },
  },
};

const things: ServiceSchema = {
  name: 'things',
  settings: { rest: '/' },
  actions: {
    list: { rest: 'GET /things', handler: () => ['a'] },
    add: { rest: 'POST /things', handler: () => ({ added: true }) },
    admin: { rest: 'GET /admin/things', auth: 'admin', handler: () => ['all of them'] },
  },
};

describe('authorization by role and API-key scope', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform([accounts, things]);
  });
  afterAll(() => platform.stop());

  const status = async (method: string, path: string, token?: string) => (await request(platform.url, method, path, token ? { token } : {})).status;

  it('lets a key read or write only the areas its scopes name', async () => {
    expect([await status('GET', '/things', 'reader'), await status('POST', '/things', 'reader')]).toEqual([200, 403]);
    expect([await status('GET', '/things', 'writer'), await status('POST', '/things', 'writer')]).toEqual([200, 200]);
    expect([await status('GET', '/things', 'area'), await status('POST', '/things', 'area')]).toEqual([200, 200]);
    expect([await status('GET', '/things', 'other'), await status('POST', '/things', 'other')]).toEqual([403, 403]);
    expect([await status('GET', '/things', 'full'), await status('POST', '/things', 'full')]).toEqual([200, 200]);
  });

  it('says which scope is missing', async () => {
    const response = await request<{ error: { code: string; message: string } }>(platform.url, 'POST', '/things', { token: 'reader' });
    expect(response.body.error).toEqual({ code: 'forbidden', message: 'This API key lacks the scope "things:write" (or "things") for things.add' });
  });

  it('keeps admin routes to admins and everything else to signed-in callers', async () => {
    expect([await status('GET', '/admin/things', 'area'), await status('GET', '/admin/things', 'full')]).toEqual([403, 200]);
    expect(scopeOf({ name: 'things.admin', rest: 'GET /admin/things' }, 'admin')).toEqual({ area: 'admin', access: 'read' });
    expect(await status('GET', '/things')).toBe(401);
  });

  it('derives the scope from the service and the HTTP method', () => {
    expect(scopeOf({ name: 'queue.enqueueBatch', rest: 'POST /queue/:id/enqueue_batch' })).toEqual({ area: 'queue', access: 'write' });
    expect(scopeOf({ name: 'images.full', rest: { method: 'GET', path: '/images/:name/full' } })).toEqual({ area: 'images', access: 'read' });
    expect(allows(['queue:write'], { area: 'queue', access: 'read' })).toBeTrue();
    expect(allows(['queue:read'], { area: 'queue', access: 'write' })).toBeFalse();
  });
});
