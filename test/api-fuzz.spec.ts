/**
 * No 5xx on hostile input (issue 11): every operation of the OpenAPI document the platform
 * serves gets malformed values in each of its parameters (test/support/hostile-requests.ts), a
 * few thousand requests over the real platform and PostgreSQL, and every answer must be a 4xx
 * (or a 2xx where the input happens to be acceptable). Then the cases that used to be 500s, one
 * by one, with the status and field they must name.
 */
import { randomUUID } from 'node:crypto';
import type { OpenApiDocument } from '../services/api/openapi';
import { DEEP_ARRAY, hostileRequests, toJsonText, type FuzzWorld, type HostileRequest } from './support/hostile-requests';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { noisePng, solidPng } from './support/test-images';
import { request } from './support/test-platform';

interface Session {
  readonly accessToken: string;
  readonly user: { readonly id: string };
}

interface ErrorAnswer {
  readonly error: { readonly code: string; readonly message: string; readonly issues?: { readonly field?: string }[] };
}

/** Parallel requests: enough to finish in time on two cores, few enough not to measure the pool. */
const CONCURRENCY = 8;

describe('the API under hostile input', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'fuzz', { PINKSEA_ADMIN_EMAIL: 'admin@example.com', PINKSEA_ADMIN_PASSWORD: 'correct horse battery' });
  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);
  let alice: Session;
  let bob: Session;
  let world: FuzzWorld;
  let bobsBatch: string;

  async function register(email: string): Promise<Session> {
    const response = await api<Session>('POST', '/auth/register', { body: { email, password: 'a long enough password', displayName: email } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  /** The other tenant's rows whose ids the fuzzing user tries: an image, a board, a workflow, a batch and its item, an API key. */
  async function othersRows(owner: Session): Promise<Record<string, string>> {
    const token = owner.accessToken;
    const image = await api<{ name: string }>('POST', '/images/upload', { rawBody: await solidPng(8, 8), headers: { 'content-type': 'image/png' }, token });
    const board = await api<{ id: string }>('POST', '/boards', { body: { name: 'bob\'s board' }, token });
    const graph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
    const workflow = await api<{ id: string }>('POST', '/workflows', { body: { name: 'bob\'s workflow', graph }, token });
    const batch = await api<{ batchId: string }>('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token });
    const items = await api<{ items: { id: string }[] }>('GET', '/queue/default/list', { token });
    const key = await api<{ id: string }>('POST', '/auth/api-keys', { body: { name: 'bob\'s key', scopes: ['images:read'] }, token });
    for (const [what, answer] of Object.entries({ image, board, workflow, batch, items, key })) {
      expect(answer.status).withContext(`${what}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    }
    bobsBatch = batch.body.batchId;
    return {
      '/images:name': image.body.name,
      '/boards:id': board.body.id,
      '/workflows:id': workflow.body.id,
      '/queue:batchId': batch.body.batchId,
      '/queue:itemId': items.body.items[0]!.id,
      '/auth/api-keys:id': key.body.id,
    };
  }

  beforeAll(async () => {
    alice = await register('alice@example.com');
    bob = await register('bob@example.com');
    // The admin routes' target: they may change a user (disable one), so not a user the specs sign in as.
    const carol = await register('carol@example.com');
    const admin = await api<Session>('POST', '/auth/login', { body: { email: 'admin@example.com', password: 'correct horse battery' } });
    const models = await api<{ items: { key: string }[] }>('GET', '/models', { token: alice.accessToken });
    world = {
      userToken: alice.accessToken,
      adminToken: admin.body.accessToken,
      othersIds: { ...(await othersRows(bob)), '/admin/users:id': carol.user.id },
      sharedIds: { queueId: 'default', '/nodes:type': 'core.add', '/models:key': models.body.items[0]?.key ?? 'fuzz-key', '/models/jobs:id': randomUUID() },
    };
  }, 60_000);

  it('answers every malformed request to every operation with a 4xx, never a 5xx', async () => {
    const document = (await api<OpenApiDocument>('GET', '/openapi.json')).body;
    const requests = hostileRequests(document, world);
    expect(Object.keys(document.paths).length).toBeGreaterThan(40);
    expect(requests.length).toBeGreaterThan(2_000);

    const offenders: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    let next = 0;
    const send = async (hostile: HostileRequest) => {
      const status = await sendRaw(real.platform.url!, hostile);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500 || status === 0) offenders.push(`${hostile.method} ${hostile.path.slice(0, 120)} [${hostile.operationId}] ${hostile.variant} → ${status || 'no answer'}`);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) await send(requests[next++]!);
    }));
    const seconds = (Date.now() - started) / 1000;
    const tally = JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)));
    expect(offenders).withContext(`${offenders.length} of ${requests.length} requests answered 5xx (in ${seconds.toFixed(1)} s; statuses ${tally}):\n${offenders.join('\n')}`).toEqual([]);
    // The requests reached the actions (a wrong base path would make them all 404s and prove nothing).
    expect(statuses.get(422) ?? 0).withContext(tally).toBeGreaterThan(requests.length / 3);
  }, 240_000);

  it('refuses an offset past any page with 422 naming offset', async () => {
    for (const route of ['/images', '/boards', '/workflows', '/models', '/queue/default/list']) {
      const response = await api<ErrorAnswer>('GET', `${route}?offset=${2n ** 63n}`, { token: alice.accessToken });
      expect(response.status).withContext(route).toBe(422);
      expect(response.body.error.issues?.map((issue) => issue.field)).withContext(route).toContain('offset');
    }
  });

  it('refuses a NUL byte in a board name with 422 naming name', async () => {
    const response = await api<ErrorAnswer>('POST', '/boards', { body: { name: 'a\u0000b' }, token: alice.accessToken });
    expect(response.status).toBe(422);
    expect(response.body.error.issues?.map((issue) => issue.field)).toEqual(['name']);
  });

  it('refuses a NUL byte in a URL path or query with 422, and percent-encoded garbage with a 4xx', async () => {
    const nulInPath = await api<ErrorAnswer>('GET', '/images/a%00b', { token: alice.accessToken });
    expect([nulInPath.status, nulInPath.body.error.issues?.[0]?.field]).toEqual([422, 'name']);
    const nulInQuery = await api<ErrorAnswer>('GET', '/workflows?search=a%00b', { token: alice.accessToken });
    expect([nulInQuery.status, nulInQuery.body.error.issues?.[0]?.field]).toEqual([422, 'search']);
    const garbage = await api('GET', '/images/%ZZ', { token: alice.accessToken });
    expect(garbage.status).toBe(400);
  });

  it('refuses JSON nested 5,000 deep in a node input with 422 naming where', async () => {
    const graph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: DEEP_ARRAY, b: 1 } }], edges: [] };
    for (const [route, body] of [['/queue/default/enqueue_batch', { batch: { graph } }], ['/graphs/validate', { graph }]] as const) {
      const rawBody = toJsonText(body);
      expect(rawBody.length).toBeGreaterThan(10_000);
      const response = await api<ErrorAnswer>('POST', route, { rawBody, headers: { 'content-type': 'application/json' }, token: alice.accessToken });
      expect(response.status).withContext(route).toBe(422);
      expect(response.body.error.issues?.[0]?.field).withContext(route).toMatch(/graph\.nodes\[0\]\.inputs\.a/);
    }
  });

  it('logs nothing above debug when a client closes a download early', async () => {
    const names: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const upload = await api<{ name: string }>('POST', '/images/upload', { rawBody: await noisePng(640, 640), headers: { 'content-type': 'image/png' }, token: alice.accessToken });
      expect(upload.status).toBe(201);
      names.push(upload.body.name);
    }
    const logged = [spyOn(console, 'warn').and.callThrough(), spyOn(console, 'error').and.callThrough()];
    for (const [method, route, body] of [['POST', '/images/download', JSON.stringify({ names })], ['GET', `/images/${names[0]}/full`, undefined]] as const) {
      const aborter = new AbortController();
      const response = await fetch(`${real.platform.url}${route}`, {
        method,
        headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': 'application/json' },
        ...(body ? { body } : {}),
        signal: aborter.signal,
      });
      expect(response.status).withContext(route).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      aborter.abort();
      await reader.read().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logged.flatMap((spy) => spy.calls.allArgs()).map((args) => args.map(String).join(' '))).toEqual([]);
  });

  it('answers 404 to cancelling another user\'s batch or one that does not exist, and cancels one\'s own', async () => {
    const others = await api<ErrorAnswer>('PUT', `/queue/default/b/${bobsBatch}/cancel`, { token: alice.accessToken });
    expect([others.status, others.body.error.code]).toEqual([404, 'not_found']);
    expect(others.body.error.message).toContain('There is no batch');
    const unknown = await api<ErrorAnswer>('PUT', `/queue/default/b/${randomUUID()}/cancel`, { token: alice.accessToken });
    expect(unknown.status).toBe(404);
    const own = await api<{ canceled: number }>('PUT', `/queue/default/b/${bobsBatch}/cancel`, { token: bob.accessToken });
    expect(own.status).toBe(200);
    // A batch all of whose items have finished is still the caller's: nothing left to cancel is not "no such batch".
    const again = await api<{ canceled: number }>('PUT', `/queue/default/b/${bobsBatch}/cancel`, { token: bob.accessToken });
    expect([again.status, again.body.canceled]).toEqual([200, 0]);
  });
});

/**
 * One request as the client wrote it: the path goes out byte for byte (fetch would re-encode
 * `%ZZ`); 0 when no answer came (the server dropped the connection).
 */
async function sendRaw(base: string, hostile: HostileRequest): Promise<number> {
  const headers: Record<string, string> = {};
  if (hostile.token) headers['authorization'] = `Bearer ${hostile.token}`;
  if (hostile.contentType) headers['content-type'] = hostile.contentType;
  try {
    const response = await fetch(`${base}${hostile.path}`, { method: hostile.method, headers, ...(hostile.body !== undefined ? { body: hostile.body } : {}) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
