import { useTestDatabase } from '../../test/support/test-database';
import { useRealPlatform } from '../../test/support/real-platform';
import { request } from '../../test/support/test-platform';

const SCRAPE_TOKEN = 'a-long-random-scrape-token';
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' };
const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };

/** The sum of the samples of `name` whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

describe('GET /api/v1/metrics', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'metrics', {
    PINKSEA_ROLE: 'api',
    PINKSEA_ADMIN_EMAIL: ADMIN.email,
    PINKSEA_ADMIN_PASSWORD: ADMIN.password,
    PINKSEA_METRICS_TOKEN: SCRAPE_TOKEN,
  });
  let adminToken: string;
  let userToken: string;

  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);
  const scrape = async (token = SCRAPE_TOKEN) => {
    const response = await api<string>('GET', '/metrics', { token });
    expect(response.status).withContext(String(response.body)).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    db.skipIfMissing();
    adminToken = (await api<{ accessToken: string }>('POST', '/auth/login', { body: ADMIN })).body.accessToken;
    const registered = await api<{ accessToken: string }>('POST', '/auth/register', { body: { email: 'user@example.com', password: 'a long enough password', displayName: 'U' } });
    userToken = registered.body.accessToken;
  }, 60_000);

  beforeEach(() => db.skipIfMissing());

  it('answers admins and the scrape token, and nobody else', async () => {
    const withToken = await api<string>('GET', '/metrics', { token: SCRAPE_TOKEN });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await api('GET', '/metrics', { token: adminToken })).status).toBe(200);
    expect((await api('GET', '/metrics', { token: userToken })).status).toBe(403);
    expect((await api('GET', '/metrics')).status).toBe(401);
    expect((await api('GET', '/metrics', { token: `${SCRAPE_TOKEN}x` })).status).toBe(401);
  });

  it('opens nothing but the metrics to the scrape token', async () => {
    expect((await api('GET', '/admin/users', { token: SCRAPE_TOKEN })).status).toBe(401);
    expect((await api('GET', '/auth/me', { token: SCRAPE_TOKEN })).status).toBe(401);
    expect((await api('GET', '/admin/users', { token: adminToken })).status).toBe(200);
  });

  it('counts queue items by status at scrape time', async () => {
    const before = await scrape();
    expect(sample(before, 'pinksea_database_up')).toBe(1);
    const pendingBefore = sample(before, 'pinksea_queue_items', { status: 'pending' });
    expect(pendingBefore).toBeDefined();
    for (const status of ['in_progress', 'completed', 'failed', 'canceled']) expect(sample(before, 'pinksea_queue_items', { status })).withContext(status).toBeDefined();

    const enqueued = await api<{ enqueued: number }>('POST', '/queue/metrics/enqueue_batch', { token: userToken, body: { batch: { graph: addGraph, runs: 3 } } });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    expect(enqueued.body.enqueued).toBe(3);
    // The api role runs no worker: the items wait.
    expect(sample(await scrape(), 'pinksea_queue_items', { status: 'pending' })).toBe(pendingBefore! + 3);
  });

  it("includes Moleculer's request metrics and the gateway's HTTP counts and latency", async () => {
    const before = await scrape();
    const listed = sample(before, 'pinksea_http_requests_total', { method: 'GET', action: 'nodes.list', status: '200' }) ?? 0;
    for (let index = 0; index < 3; index++) expect((await api('GET', '/nodes')).status).toBe(200);
    expect((await api('GET', '/no-such-route')).status).toBe(404);
    expect((await api('GET', '/auth/me', { token: userToken })).status).toBe(200);
    const text = await scrape();

    expect(sample(text, 'pinksea_http_requests_total', { method: 'GET', action: 'nodes.list', status: '200' })).toBe(listed + 3);
    expect(sample(text, 'pinksea_http_requests_total', { method: 'GET', action: 'none', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pinksea_http_request_duration_seconds_count', { method: 'GET', action: 'nodes.list' })).toBeGreaterThanOrEqual(listed + 3);
    expect(sample(text, 'pinksea_http_request_duration_seconds_bucket', { action: 'nodes.list', le: '+Inf' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'moleculer_request_total', { action: 'nodes.list' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'moleculer_request_time_count', { action: 'nodes.list' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'moleculer_request_total', { action: 'accounts.authenticate' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'moleculer_request_total', { nodeID: `metrics-spec-${process.pid}` })).toBeGreaterThan(0);
  });

  it('is well-formed Prometheus text: one HELP and TYPE per family, every sample a name, labels and a number', async () => {
    const text = await scrape(adminToken);
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    const families = types.map((line) => line.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    expect(types).toContain('# TYPE pinksea_queue_items gauge');
    expect(types).toContain('# TYPE pinksea_http_request_duration_seconds histogram');
    for (const line of text.split('\n').filter((candidate) => candidate !== '' && !candidate.startsWith('#'))) {
      expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/);
    }
  });
});
