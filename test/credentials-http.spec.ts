/**
 * Stored credentials reaching an HTTP Request node on the real platform (one process, as
 * `npm start` runs it): an automation runs inline on its thread, a queued graph runs on a runner
 * thread, and both apply the owner's credential, which a spec's own server on 127.0.0.1 sees
 * (admitted by PINKSEA_ALLOW_PRIVATE_NODE_URLS, the setting that lets nodes reach private hosts). Another
 * user's credential id fails the run before any request; no secret reaches a run record.
 */
import type { Graph } from '../engine/graph/graph';
import type { AutomationRun } from '../services/automations/automation-records';
import type { AutomationView } from '../services/automations/automation-records';
import type { Credential } from '../services/credentials/credential-records';
import { json, startTestServer, type TestServer } from '../nodes/http/http-testing';
import { eventually } from './support/eventually';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { request } from './support/test-platform';

interface Session {
  accessToken: string;
  user: { id: string };
}

const TOKEN = 'sk-e2e-9a8b7c6d5e4f3a2b';
const edge = (from: string, output: string, to: string, input: string) => ({ source: { nodeId: from, field: output }, destination: { nodeId: to, field: input } });

describe('credentials and HTTP nodes, end to end', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'credentials-http', { PINKSEA_ALLOW_PRIVATE_NODE_URLS: 'true' });
  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let credential: Credential;

  const register = async (email: string): Promise<Session> => (await api<Session>('POST', '/auth/register', { body: { email, password: 'a long enough password', displayName: email } })).body;

  /** webhook → HTTP Request (GET /me with the credential) → Respond { body: the answer's JSON } */
  const calling = (credentialId: string): Graph => ({
    nodes: [
      { id: 'hook', type: 'trigger.webhook', inputs: { mode: 'sync' } },
      { id: 'call', type: 'http.request', inputs: { url: `${server.base}/me`, credential: credentialId } },
      { id: 'respond', type: 'trigger.respond', inputs: {} },
    ],
    edges: [edge('call', 'json', 'respond', 'body')],
  });

  async function automate(session: Session, graph: Graph): Promise<AutomationView> {
    const workflow = await api<{ id: string }>('POST', '/workflows', { token: session.accessToken, body: { name: `calls ${Math.random().toString(36).slice(2, 7)}`, graph } });
    await api('POST', `/workflows/${workflow.body.id}/versions`, { token: session.accessToken, body: {} });
    const automation = await api<AutomationView>('POST', '/automations', { token: session.accessToken, body: { workflowId: workflow.body.id } });
    expect(automation.status).withContext(JSON.stringify(automation.body)).toBe(201);
    return automation.body;
  }
  const hook = (automation: AutomationView) => api<Record<string, unknown>>('POST', automation.webhookPath!, { rawBody: '{}', headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    db.skipIfMissing();
    server = await startTestServer();
    server.routes.set('/me', (received, response) => json({ name: received.headers.authorization === `Bearer ${TOKEN}` ? 'Ada' : 'stranger' })(received, response));
    alice = await register('alice@credentials.test');
    bob = await register('bob@credentials.test');
    credential = (await api<Credential>('POST', '/credentials', { token: alice.accessToken, body: { name: 'My API', kind: 'bearer', token: TOKEN } })).body;
  });
  afterAll(() => server?.close());

  it('applies the owner’s credential in an inline automation run, marks it used, and keeps it out of the run record', async () => {
    const automation = await automate(alice, calling(credential.id));
    const answer = await hook(automation);
    expect(answer.status).withContext(JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ name: 'Ada' });
    expect(server.received.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const run = (await api<AutomationRun>('GET', `/automation-runs/${answer.headers.get('x-pinksea-run')}`, { token: alice.accessToken })).body;
    expect(run).toEqual(jasmine.objectContaining({ status: 'succeeded', mode: 'inline' }));
    expect(JSON.stringify(run)).not.toContain(TOKEN);
    expect((await api<Credential>('GET', `/credentials/${credential.id}`, { token: alice.accessToken })).body.lastUsedAt).not.toBeNull();
  }, 30_000);

  it('fails another user’s run that names the credential, before any request, naming the node and field', async () => {
    const before = server.received.length;
    const automation = await automate(bob, calling(credential.id));
    const answer = await hook(automation);
    expect(answer.status).toBe(422);
    expect(answer.body['error']).toEqual(jasmine.objectContaining({ code: 'unknown_credential', nodeId: 'call', field: 'credential' }));
    expect(server.received.length).toBe(before);
    expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
  }, 30_000);

  it('applies it in a queued run on a worker too', async () => {
    const before = server.received.length;
    const graph = { nodes: [{ id: 'call', type: 'http.request', inputs: { url: `${server.base}/me`, credential: credential.id } }], edges: [] };
    const enqueued = await api('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token: alice.accessToken });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    type Item = { status: string; results: { outputs: { call: { json: unknown }[] } } | null; error: unknown };
    let items: Item[] = [];
    await eventually(async () => {
      items = (await api<{ items: Item[] }>('GET', '/queue/default/list', { token: alice.accessToken })).body.items;
      return items.length === 1 && ['completed', 'failed'].includes(items[0]!.status);
    }, 30_000, 'the item to finish');
    expect(items[0]!.status).withContext(JSON.stringify(items[0])).toBe('completed');
    expect(items[0]!.results?.outputs.call[0]!.json).toEqual({ name: 'Ada' });
    expect(server.received.length).toBe(before + 1);
    expect(server.received.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(items)).not.toContain(TOKEN);
  }, 40_000);
});
