/**
 * Automations end to end on the real platform (one process, as `npm start` runs it): a workflow
 * with a webhook trigger is published and made an automation; requests to its URL run it and are
 * answered by its Respond node (JSON or an image), signed or not, sync or async; every firing
 * leaves a run in the history with each node's part; schedules fire on their own; an event
 * trigger runs when another automation's run ends; a failing graph is retried by its policy.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { Graph } from '../engine/graph/graph';
import { MAX_EVENT_DEPTH } from '../services/automations/automation-runtime';
import { signWebhook } from '../services/automations/webhook-request';
import type { AutomationRun, AutomationRunSummary, RunsPerDay } from '../services/automations/automation-records';
import type { AutomationView } from '../services/automations/automation-records';
import { eventually } from './support/eventually';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { solidPng } from './support/test-images';
import { request, requestBinary } from './support/test-platform';

interface Session {
  accessToken: string;
  user: { id: string };
}

const webhook = (inputs: Record<string, unknown>) => ({ id: 'hook', type: 'trigger.webhook', inputs });
const edge = (from: string, output: string, to: string, input: string) => ({ source: { nodeId: from, field: output }, destination: { nodeId: to, field: input } });

/** webhook → JSON Get (name) → Text Template → Respond { greeting } */
function greetingGraph(mode: 'sync' | 'async', extra: Record<string, unknown> = {}): Graph {
  return {
    nodes: [
      webhook({ mode, ...extra }),
      { id: 'name', type: 'core.json_get', inputs: { path: 'name' } },
      { id: 'greet', type: 'core.template', inputs: { template: 'Hello {a}' } },
      { id: 'build', type: 'core.json_build', inputs: { keyA: 'greeting' } },
      { id: 'respond', type: 'trigger.respond', inputs: { status: 201 } },
    ],
    edges: [edge('hook', 'body', 'name', 'value'), edge('name', 'text', 'greet', 'a'), edge('greet', 'value', 'build', 'valueA'), edge('build', 'value', 'respond', 'body')],
  };
}

describe('automations, end to end', () => {
  const db = useTestDatabase();
  // The slow pack is no light pack: its graphs go through the queue, as graphs with model nodes do.
  const real = useRealPlatform(db, 'automations', { PINKSEA_SCHEDULER_TICK: '250ms', PINKSEA_PACK_PATHS: path.resolve(__dirname, 'fixtures/slow-pack') });
  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);
  let alice: Session;
  let bob: Session;

  const register = async (email: string): Promise<Session> => {
    const response = await api<Session>('POST', '/auth/register', { body: { email, password: 'a long enough password', displayName: email } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  };

  /** Saves the graph as a workflow, publishes it, and makes it an automation. */
  async function automate(session: Session, graph: Graph, settings: Record<string, unknown> = {}): Promise<AutomationView> {
    const workflow = await api<{ id: string }>('POST', '/workflows', { token: session.accessToken, body: { name: `flow ${Math.random().toString(36).slice(2, 7)}`, graph } });
    expect(workflow.status).withContext(JSON.stringify(workflow.body)).toBe(201);
    const published = await api('POST', `/workflows/${workflow.body.id}/versions`, { token: session.accessToken, body: { note: 'first' } });
    expect(published.status).withContext(JSON.stringify(published.body)).toBe(201);
    const automation = await api<AutomationView>('POST', '/automations', { token: session.accessToken, body: { workflowId: workflow.body.id, ...settings } });
    expect(automation.status).withContext(JSON.stringify(automation.body)).toBe(201);
    return automation.body;
  }

  const hook = (automation: AutomationView, body: unknown, headers: Record<string, string> = {}) =>
    api<Record<string, unknown>>('POST', automation.webhookPath!, { rawBody: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  const runOf = async (session: Session, runId: string) => (await api<AutomationRun>('GET', `/automation-runs/${runId}`, { token: session.accessToken })).body;

  beforeAll(async () => {
    alice = await register('alice@automations.test');
    bob = await register('bob@automations.test');
    // More automations than the trial's few (the specs below make dozens), on the basic pool the runner thread serves.
    await db.dataSource.query(
      `INSERT INTO plans (id, name, credits, pool, concurrent_items, api_per_minute, max_image_pixels, max_automations, listed) VALUES ('spec', 'Spec', 0, 'basic', 4, 1000, 4194304, 1000, false)`,
    );
    await db.dataSource.query(`UPDATE users SET plan = 'spec' WHERE id = ANY($1)`, [[alice.user.id, bob.user.id]]);
  });

  it("holds a trial account to its plan's number of automations, with a 402 saying where to upgrade", async () => {
    const carol = await register('carol@automations.test');
    const made = [];
    for (let index = 0; index < 5; index++) made.push(await automate(carol, greetingGraph('async')));
    const workflow = await api<{ id: string }>('POST', '/workflows', { token: carol.accessToken, body: { name: 'one too many', graph: greetingGraph('async') } });
    await api('POST', `/workflows/${workflow.body.id}/versions`, { token: carol.accessToken, body: {} });
    const refused = await api<{ error: { code: string; message: string } }>('POST', '/automations', { token: carol.accessToken, body: { workflowId: workflow.body.id } });
    expect(refused.status).toBe(402);
    expect(refused.body.error.message).toContain('5 automations');
    expect(refused.body.error.message).toContain('/pricing');
    // One deleted makes room again.
    await api('DELETE', `/automations/${made[0]!.id}`, { token: carol.accessToken });
    expect((await api('POST', '/automations', { token: carol.accessToken, body: { workflowId: workflow.body.id } })).status).toBe(201);
  }, 30_000);

  it('answers a sync webhook with what its Respond node built, and keeps the run with each node', async () => {
    const automation = await automate(alice, greetingGraph('sync'));
    expect(automation.webhookPath).toMatch(/^\/hooks\/[A-Za-z0-9_-]{20,}$/);
    const answer = await hook(automation, { name: 'Ada' });
    expect(answer.status).withContext(JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toEqual({ greeting: 'Hello Ada' });
    const runId = answer.headers.get('x-pinksea-run')!;
    const run = await runOf(alice, runId);
    expect(run).toEqual(jasmine.objectContaining({ automationId: automation.id, trigger: 'webhook', status: 'succeeded', mode: 'inline', version: 1 }));
    expect((run.input as { body: unknown }).body).toEqual({ name: 'Ada' });
    expect(run.output).toEqual({ status: 201, body: { greeting: 'Hello Ada' }, image: null });
    const greet = run.nodes.find((node) => node.nodeId === 'greet')!;
    expect(greet.status).toBe('completed');
    expect(greet.outputs).toEqual({ value: 'Hello Ada' });
    expect(greet.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);

    const history = await api<{ items: AutomationRunSummary[]; total: number }>('GET', `/automation-runs?automationId=${automation.id}&status=succeeded&trigger=webhook`, { token: alice.accessToken });
    expect(history.body.items.map((item) => item.id)).toContain(runId);
    // Another tenant sees neither the run nor the automation.
    expect((await api('GET', `/automation-runs/${runId}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api('GET', `/automations/${automation.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api<{ total: number }>('GET', '/automation-runs', { token: bob.accessToken })).body.total).toBe(0);
  }, 30_000);

  it('runs a graph with a node of no light pack through the queue, and answers a sync webhook from its item', async () => {
    const graph: Graph = {
      nodes: [
        webhook({ mode: 'sync' }),
        { id: 'count', type: 'core.json_get', inputs: { path: 'count' } },
        { id: 'nap', type: 'slowtest.sleep', inputs: { ms: 100 } },
        { id: 'build', type: 'core.json_build', inputs: { keyA: 'slept' } },
        { id: 'respond', type: 'trigger.respond', inputs: { status: 200 } },
      ],
      edges: [edge('hook', 'body', 'count', 'value'), edge('count', 'value', 'nap', 'value'), edge('nap', 'value', 'build', 'valueA'), edge('build', 'value', 'respond', 'body')],
    };
    const automation = await automate(alice, graph);
    const answer = await hook(automation, { count: 3 });
    expect(answer.status).withContext(JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ slept: 3 });
    const run = await runOf(alice, answer.headers.get('x-pinksea-run')!);
    expect(run).toEqual(jasmine.objectContaining({ mode: 'queue', status: 'succeeded' }));
    expect(run.queueItemIds.length).toBe(1);
    // The item is the owner's, on the automations queue.
    const item = await api<{ status: string; queueId: string }>('GET', `/queue/automations/i/${run.queueItemIds[0]}`, { token: alice.accessToken });
    expect(item.body).toEqual(jasmine.objectContaining({ status: 'completed', queueId: 'automations' }));
    expect((await api('GET', `/queue/automations/i/${run.queueItemIds[0]}`, { token: bob.accessToken })).status).toBe(404);
  }, 30_000);

  it('answers an async webhook 202 with the run, which then succeeds', async () => {
    const automation = await automate(alice, greetingGraph('async'));
    const answer = await hook(automation, { name: 'Grace' });
    expect(answer.status).toBe(202);
    const runId = answer.body['runId'] as string;
    expect(answer.body['statusUrl']).toBe(`/api/v1/automation-runs/${runId}`);
    await eventually(async () => (await runOf(alice, runId)).status === 'succeeded', 10_000, 'the run to succeed');
    expect((await runOf(alice, runId)).output?.body).toEqual({ greeting: 'Hello Grace' });
  }, 30_000);

  it('posts an image, resizes it and answers with the image', async () => {
    const graph: Graph = {
      nodes: [
        webhook({ mode: 'sync' }),
        { id: 'resize', type: 'image.resize', inputs: { width: 16, height: 8 } },
        { id: 'respond', type: 'trigger.respond', inputs: {} },
      ],
      edges: [edge('hook', 'image', 'resize', 'image'), edge('resize', 'image', 'respond', 'image')],
    };
    const automation = await automate(alice, graph);
    const answer = await requestBinary(real.platform.url!, 'POST', automation.webhookPath!, { rawBody: await solidPng(64, 64, '#3366ff'), headers: { 'content-type': 'image/png' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('image/png');
    const meta = await sharp(answer.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([16, 8]);
    // The same as a multipart file.
    const form = new FormData();
    form.append('caption', 'blue');
    form.append('file', new Blob([new Uint8Array(await solidPng(40, 40))], { type: 'image/png' }), 'a.png');
    const multipart = await fetch(`${real.platform.url}${automation.webhookPath}`, { method: 'POST', body: form });
    expect(multipart.status).toBe(200);
    expect((await sharp(Buffer.from(await multipart.arrayBuffer())).metadata()).width).toBe(16);
    // JSON without an image: 400 naming what is missing, and no run.
    const none = await hook(automation, { caption: 'none' });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('no image');

    // Answered at once (async), the image is kept with the run, so a re-run reads it again.
    const asyncGraph: Graph = { ...graph, nodes: graph.nodes.map((node) => (node.id === 'hook' ? webhook({ mode: 'async' }) : node)) };
    const later = await automate(alice, asyncGraph);
    const accepted = await api<{ runId: string }>('POST', later.webhookPath!, { rawBody: await solidPng(64, 64), headers: { 'content-type': 'image/png' } });
    expect(accepted.status).toBe(202);
    await eventually(async () => (await runOf(alice, accepted.body.runId)).status === 'succeeded', 10_000, 'the async image run');
    const kept = await runOf(alice, accepted.body.runId);
    expect((kept.input as { image: { imageName: string } }).image.imageName).toMatch(/^[0-9a-f-]{36}$/);
    expect(kept.output?.image).toEqual(jasmine.objectContaining({ width: 16, height: 8, kept: true }));
    const rerun = await api<{ runId: string }>('POST', `/automation-runs/${accepted.body.runId}/rerun`, { token: alice.accessToken });
    await eventually(async () => ['succeeded', 'failed'].includes((await runOf(alice, rerun.body.runId)).status), 10_000, 'the re-run');
    expect((await runOf(alice, rerun.body.runId)).status).toBe('succeeded');
  }, 30_000);

  it('checks signatures: unsigned, wrong, stale are refused; a replay runs once', async () => {
    const automation = await automate(alice, greetingGraph('sync', { auth: 'hmac' }));
    // Before a secret exists the webhook cannot be called.
    expect((await hook(automation, { name: 'x' })).status).toBe(401);
    const rotated = await api<{ secret: string }>('POST', `/automations/${automation.id}/webhook/secret`, { token: alice.accessToken });
    expect(rotated.status).toBe(200);
    const { secret } = rotated.body;
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify((await api('GET', `/automations/${automation.id}`, { token: alice.accessToken })).body)).not.toContain(secret);

    const body = JSON.stringify({ name: 'Signed' });
    const now = Math.floor(Date.now() / 1000);
    expect((await hook(automation, body)).status).toBe(401);
    expect((await hook(automation, body, { 'x-pinksea-signature': signWebhook('whsec_wrong', now, body) })).status).toBe(401);
    expect((await hook(automation, body, { 'x-pinksea-signature': signWebhook(secret, now - 3600, body) })).status).toBe(401);
    expect((await hook(automation, JSON.stringify({ name: 'Changed' }), { 'x-pinksea-signature': signWebhook(secret, now, body) })).status).toBe(401);
    const signature = signWebhook(secret, now, body);
    const first = await hook(automation, body, { 'x-pinksea-signature': signature });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ greeting: 'Hello Signed' });
    const replay = await hook(automation, body, { 'x-pinksea-signature': signature });
    expect(replay.status).toBe(202);
    expect(replay.body['duplicate']).toBeTrue();
    expect(replay.body['runId']).toBe(first.headers.get('x-pinksea-run'));
    const runs = await api<{ total: number }>('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken });
    expect(runs.body.total).toBe(1);
  }, 30_000);

  it("runs the draft once from the webhook's test URL, as a test run", async () => {
    const automation = await automate(alice, greetingGraph('sync'));
    const graph = greetingGraph('sync');
    const draft: Graph = { ...graph, nodes: graph.nodes.map((node) => (node.id === 'greet' ? { ...node, inputs: { template: 'Testing {a}' } } : node)) };
    await api('PATCH', `/workflows/${automation.workflowId}`, { token: alice.accessToken, body: { graph: draft } });
    const testPath = automation.webhookPath!.replace('/hooks/', '/hooks/test/');
    const tested = await api<Record<string, unknown>>('POST', testPath, { body: { name: 'Ada' } });
    expect(tested.status).toBe(201);
    expect(tested.body).toEqual({ greeting: 'Testing Ada' });
    const run = await runOf(alice, tested.headers.get('x-pinksea-run')!);
    expect(run).toEqual(jasmine.objectContaining({ trigger: 'test', version: null, status: 'succeeded' }));
    // The published version still answers the real URL; a draft run again picks up the next edit.
    expect((await hook(automation, { name: 'Ada' })).body).toEqual({ greeting: 'Hello Ada' });
    const again: Graph = { ...graph, nodes: graph.nodes.map((node) => (node.id === 'greet' ? { ...node, inputs: { template: 'Again {a}' } } : node)) };
    await api('PATCH', `/workflows/${automation.workflowId}`, { token: alice.accessToken, body: { graph: again } });
    expect((await api('POST', testPath, { body: { name: 'Ada' } })).body).toEqual({ greeting: 'Again Ada' });
    // A failing graph answers 422 with the error, not a 500.
    const failing: Graph = { ...graph, nodes: graph.nodes.map((node) => (node.id === 'greet' ? { ...node, inputs: { template: 'Hi {z}' } } : node)) };
    await api('PATCH', `/workflows/${automation.workflowId}`, { token: alice.accessToken, body: { graph: failing } });
    const failed = await api<{ error: { nodeId?: string } }>('POST', testPath, { body: { name: 'Ada' } });
    expect(failed.status).toBe(422);
    expect(failed.body.error.nodeId).toBe('greet');
  }, 30_000);

  it('refuses bad requests by name and runs nothing for them', async () => {
    const automation = await automate(alice, greetingGraph('sync', { requiredFields: 'name, email', maxBodyKb: 1 }));
    const missing = await hook(automation, { name: 'Ada' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('body.email');
    const huge = await hook(automation, { name: 'x'.repeat(4096), email: 'e' });
    expect(huge.status).toBe(413);
    expect((await hook(automation, '{"name": ')).status).toBe(400);
    expect((await api('POST', automation.webhookPath!, { rawBody: 'x', headers: { 'content-type': 'application/xml' } })).status).toBe(415);
    expect((await api('POST', '/hooks/not-a-real-token-at-all-000000', { body: {} })).status).toBe(404);
    expect((await api('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken })).body).toEqual(jasmine.objectContaining({ total: 0 }));

    // Disabled answers as unknown; enabled again, it runs.
    expect((await api('PATCH', `/automations/${automation.id}`, { token: alice.accessToken, body: { enabled: false } })).status).toBe(200);
    expect((await hook(automation, { name: 'Ada', email: 'a@b.c' })).status).toBe(404);
    await api('PATCH', `/automations/${automation.id}`, { token: alice.accessToken, body: { enabled: true } });
    expect((await hook(automation, { name: 'Ada', email: 'a@b.c' })).status).toBe(201);
    // Deleted answers as unknown.
    expect((await api('DELETE', `/automations/${automation.id}`, { token: alice.accessToken })).status).toBe(200);
    expect((await hook(automation, { name: 'Ada', email: 'a@b.c' })).status).toBe(404);
  }, 30_000);

  it('answers hostile webhook requests with a 4xx naming the problem, and records NUL bytes harmlessly', async () => {
    const automation = await automate(alice, greetingGraph('sync', { auth: 'hmac' }));
    const open = await automate(alice, greetingGraph('sync'));
    const { secret } = (await api<{ secret: string }>('POST', `/automations/${automation.id}/webhook/secret`, { token: alice.accessToken })).body;
    const signed = (body: string, header?: string) => hook(automation, body, { 'x-pinksea-signature': header ?? signWebhook(secret, Math.floor(Date.now() / 1000), body) });
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const cases: [string, Promise<{ status: number; body: unknown }>, number, string][] = [
      ['deep JSON', signed(deep), 400, 'body'],
      ['malformed signature', signed('{}', 't=abc,v1=zz'), 401, 'X-Pinksea-Signature'],
      ['two signatures glued', signed('{}', `${signWebhook(secret, 1, '{}')},${signWebhook(secret, 2, '{}')}`), 401, 'signature'],
      ['NUL in the query', api('POST', `${open.webhookPath}?a=%00`, { body: { name: 'x' } }), 422, 'a'],
      ['NUL in a form field', api('POST', open.webhookPath!, { rawBody: 'name=a%00b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'body.name'],
      ['broken multipart', api('POST', open.webhookPath!, { rawBody: '--x\r\nnonsense', headers: { 'content-type': 'multipart/form-data; boundary=x' } }), 400, 'multipart'],
      ['multipart without a boundary', api('POST', open.webhookPath!, { rawBody: 'x', headers: { 'content-type': 'multipart/form-data' } }), 400, 'multipart'],
      ['a file that is no image', api('POST', open.webhookPath!, { rawBody: 'GIF89a', headers: { 'content-type': 'image/gif' } }), 415, 'PNG'],
      ['an overlong delivery id', api('POST', open.webhookPath!, { body: { name: 'x' }, headers: { 'idempotency-key': 'k'.repeat(500) } }), 422, 'idempotency-key'],
      ['a token of another shape', api('POST', '/hooks/..%2F..%2Fautomations', { body: {} }), 404, 'webhook'],
    ];
    for (const [what, answer, status, names] of cases) {
      const { status: got, body } = await answer;
      expect(got).withContext(`${what}: ${JSON.stringify(body).slice(0, 200)}`).toBe(status);
      expect(JSON.stringify(body)).withContext(what).toContain(names);
    }
    const runs = async (id: string) => (await api<{ total: number }>('GET', `/automation-runs?automationId=${id}`, { token: alice.accessToken })).body.total;
    expect(await runs(automation.id)).toBe(0);
    expect(await runs(open.id)).toBe(0);

    // NUL bytes in JSON strings or keys are refused as everywhere in the API, naming the field.
    const nul = await hook(open, JSON.stringify({ name: 'a\u0000b' }));
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.body)).toContain('body.name');
    // Plain text may carry them: the run goes ahead, and its record keeps them as U+FFFD.
    const text = await api('POST', open.webhookPath!, { rawBody: 'a\u0000b', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(201);
    const run = await runOf(alice, text.headers.get('x-pinksea-run')!);
    expect((run.input as { body: unknown }).body).toEqual({ text: 'a\uFFFDb' });
  }, 30_000);

  it('refuses automations of unpublished workflows, workflows without triggers, and bad schedules', async () => {
    const draft = await api<{ id: string }>('POST', '/workflows', { token: alice.accessToken, body: { name: 'draft only', graph: greetingGraph('sync') } });
    const unpublished = await api('POST', '/automations', { token: alice.accessToken, body: { workflowId: draft.body.id } });
    expect(unpublished.status).toBe(422);
    expect(JSON.stringify(unpublished.body)).toContain('Publish');
    expect((await api('POST', '/automations', { token: bob.accessToken, body: { workflowId: draft.body.id } })).status).toBe(404);
    const plain = await api<{ id: string }>('POST', '/workflows', { token: alice.accessToken, body: { name: 'no trigger', graph: { nodes: [{ id: 'a', type: 'core.integer', inputs: { value: 1 } }], edges: [] } } });
    await api('POST', `/workflows/${plain.body.id}/versions`, { token: alice.accessToken, body: {} });
    const noTrigger = await api('POST', '/automations', { token: alice.accessToken, body: { workflowId: plain.body.id } });
    expect(noTrigger.status).toBe(422);
    expect(JSON.stringify(noTrigger.body)).toContain('trigger');
    const preview = await api<{ description: string; nextFireTimes: string[] }>('POST', '/schedules/preview', { token: alice.accessToken, body: { cron: '*/15 * * * *', timeZone: 'Europe/Berlin' } });
    expect(preview.status).toBe(200);
    expect(preview.body.nextFireTimes.length).toBe(5);
    expect(preview.body.description).toContain('15');
    const badCron = await api('POST', '/schedules/preview', { token: alice.accessToken, body: { cron: 'every day at noon', timeZone: 'Mars/Olympus' } });
    expect(badCron.status).toBe(422);
    expect(JSON.stringify(badCron.body)).toContain('cron');
    expect(JSON.stringify(badCron.body)).toContain('timeZone');
  }, 30_000);

  it('fires a schedule every second, each fire time once, and stops when disabled', async () => {
    const graph: Graph = {
      nodes: [
        { id: 'clock', type: 'trigger.schedule', inputs: { cron: '* * * * * *', timeZone: 'UTC', overlap: 'allow' } },
        { id: 'respond', type: 'trigger.respond', inputs: {} },
      ],
      edges: [edge('clock', 'fireTime', 'respond', 'body')],
    };
    const automation = await automate(alice, graph);
    expect(automation.schedules[0]!.nextFireTimes.length).toBe(5);
    let runs: AutomationRunSummary[] = [];
    await eventually(async () => {
      runs = (await api<{ items: AutomationRunSummary[] }>('GET', `/automation-runs?automationId=${automation.id}&trigger=schedule`, { token: alice.accessToken })).body.items;
      return runs.filter((run) => run.status === 'succeeded').length >= 3;
    }, 10_000, 'three scheduled runs');
    expect(new Set(runs.map((run) => run.fireKey)).size).toBe(runs.length);
    const detail = await runOf(alice, runs[0]!.id);
    expect(detail.output?.body).toBe((detail.input as { fireTime: string }).fireTime);
    // The schedule moved on: its next fire time is the coming second, not one long past.
    const moved = (await api<AutomationView>('GET', `/automations/${automation.id}`, { token: alice.accessToken })).body;
    expect(Date.parse(moved.nextFireAt!)).toBeGreaterThan(Date.now() - 1500);
    await api('PATCH', `/automations/${automation.id}`, { token: alice.accessToken, body: { enabled: false } });
    const stopped = (await api<{ total: number }>('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken })).body.total;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await api<{ total: number }>('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken })).body.total).toBeLessThanOrEqual(stopped + 1);
  }, 30_000);

  it('runs an event trigger when another automation succeeds, and re-runs a run with its input', async () => {
    const source = await automate(alice, greetingGraph('sync'));
    const listener = await automate(alice, {
      nodes: [
        { id: 'on', type: 'trigger.event', inputs: { event: 'automation.succeeded', automationId: source.id } },
        { id: 'respond', type: 'trigger.respond', inputs: {} },
      ],
      edges: [edge('on', 'subject', 'respond', 'body')],
    });
    const answer = await hook(source, { name: 'Event' });
    const sourceRun = answer.headers.get('x-pinksea-run')!;
    let heard: AutomationRunSummary[] = [];
    await eventually(async () => {
      heard = (await api<{ items: AutomationRunSummary[] }>('GET', `/automation-runs?automationId=${listener.id}&status=succeeded`, { token: alice.accessToken })).body.items;
      return heard.length === 1;
    }, 10_000, 'the event trigger to run');
    const detail = await runOf(alice, heard[0]!.id);
    expect(detail.trigger).toBe('event');
    expect(detail.output?.body).toEqual(jasmine.objectContaining({ runId: sourceRun, automationId: source.id, status: 'succeeded' }));

    const rerun = await api<{ runId: string }>('POST', `/automation-runs/${sourceRun}/rerun`, { token: alice.accessToken });
    expect(rerun.status).toBe(202);
    await eventually(async () => (await runOf(alice, rerun.body.runId)).status === 'succeeded', 10_000, 'the re-run to succeed');
    const again = await runOf(alice, rerun.body.runId);
    expect(again.trigger).toBe('rerun');
    expect(again.output?.body).toEqual({ greeting: 'Hello Event' });
    expect((await api('POST', `/automation-runs/${sourceRun}/rerun`, { token: bob.accessToken })).status).toBe(404);
  }, 30_000);

  it('moves to each newly published version, keeping its URL, unless pinned', async () => {
    const automation = await automate(alice, greetingGraph('sync'));
    const changedGraph = greetingGraph('sync');
    const greet = changedGraph.nodes.find((node) => node.id === 'greet')!;
    const next: Graph = { ...changedGraph, nodes: changedGraph.nodes.map((node) => (node === greet ? { ...node, inputs: { template: 'Welcome {a}' } } : node)) };
    await api('PATCH', `/workflows/${automation.workflowId}`, { token: alice.accessToken, body: { graph: next } });
    // Editing the draft changes nothing that runs.
    expect((await hook(automation, { name: 'Ada' })).body).toEqual({ greeting: 'Hello Ada' });
    expect((await api('POST', `/workflows/${automation.workflowId}/versions`, { token: alice.accessToken, body: { note: 'welcome' } })).status).toBe(201);
    await eventually(async () => (await api<AutomationView>('GET', `/automations/${automation.id}`, { token: alice.accessToken })).body.version === 2, 5000, 'the automation to follow version 2');
    const moved = (await api<AutomationView>('GET', `/automations/${automation.id}`, { token: alice.accessToken })).body;
    expect(moved.webhookPath).toBe(automation.webhookPath);
    expect((await hook(automation, { name: 'Ada' })).body).toEqual({ greeting: 'Welcome Ada' });
    // Pinned to version 1, it runs that again whatever is published.
    const pinned = await api<AutomationView>('PATCH', `/automations/${automation.id}`, { token: alice.accessToken, body: { version: 1 } });
    expect(pinned.body).toEqual(jasmine.objectContaining({ version: 1, followLatest: false }));
    await api('POST', `/workflows/${automation.workflowId}/versions`, { token: alice.accessToken, body: { note: 'v3' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await hook(automation, { name: 'Ada' })).body).toEqual({ greeting: 'Hello Ada' });
    expect((await api('PATCH', `/automations/${automation.id}`, { token: alice.accessToken, body: { version: 99 } })).status).toBe(422);
  }, 30_000);

  it('runs an image.saved trigger when an image is added to its board, with that image', async () => {
    const board = await api<{ id: string }>('POST', '/boards', { token: alice.accessToken, body: { name: 'Inbox' } });
    const other = await api<{ id: string }>('POST', '/boards', { token: alice.accessToken, body: { name: 'Elsewhere' } });
    const automation = await automate(alice, {
      nodes: [
        { id: 'saved', type: 'trigger.event', inputs: { event: 'image.saved', boardId: board.body.id } },
        { id: 'resize', type: 'image.resize', inputs: { width: 8, height: 8 } },
        { id: 'respond', type: 'trigger.respond', inputs: {} },
      ],
      edges: [edge('saved', 'image', 'resize', 'image'), edge('resize', 'image', 'respond', 'image'), edge('saved', 'subject', 'respond', 'body')],
    });
    const upload = async () => (await api<{ name: string }>('POST', '/images/upload', { token: alice.accessToken, rawBody: await solidPng(32, 32), headers: { 'content-type': 'image/png' } })).body.name;
    const elsewhere = await upload();
    await api('POST', `/boards/${other.body.id}/images`, { token: alice.accessToken, body: { names: [elsewhere] } });
    const image = await upload();
    expect((await api('POST', `/boards/${board.body.id}/images`, { token: alice.accessToken, body: { names: [image] } })).status).toBe(200);
    let runs: AutomationRunSummary[] = [];
    await eventually(async () => {
      runs = (await api<{ items: AutomationRunSummary[] }>('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken })).body.items;
      return runs.some((run) => run.status === 'succeeded');
    }, 10_000, 'the image.saved trigger to run');
    expect(runs.length).toBe(1);
    const run = await runOf(alice, runs[0]!.id);
    expect(run.output?.body).toEqual({ imageName: image, boardId: board.body.id });
    expect(run.output?.image).toEqual(jasmine.objectContaining({ width: 8, height: 8, kept: true }));
    // Moving it there again is no new event.
    await api('POST', `/boards/${board.body.id}/images`, { token: alice.accessToken, body: { names: [image] } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api<{ total: number }>('GET', `/automation-runs?automationId=${automation.id}`, { token: alice.accessToken })).body.total).toBe(1);
  }, 30_000);

  it('stops a chain of automations that start one another through events after a bounded depth', async () => {
    const listener = (automationId: string): Graph => ({
      nodes: [
        { id: 'start', type: 'trigger.manual', inputs: {} },
        { id: 'on', type: 'trigger.event', inputs: { event: 'automation.succeeded', automationId } },
      ],
      edges: [],
    });
    // Pong listens to ping's successes; then ping's next version listens to pong's: each end starts the other.
    const ping = await automate(alice, { nodes: [{ id: 'start', type: 'trigger.manual', inputs: {} }], edges: [] });
    const pong = await automate(alice, listener(ping.id));
    await api('PATCH', `/workflows/${ping.workflowId}`, { token: alice.accessToken, body: { graph: listener(pong.id) } });
    await api('POST', `/workflows/${ping.workflowId}/versions`, { token: alice.accessToken, body: {} });
    await eventually(async () => (await api<AutomationView>('GET', `/automations/${ping.id}`, { token: alice.accessToken })).body.version === 2, 5000, 'ping to listen');
    const started = await api<{ runId: string }>('POST', `/automations/${ping.id}/run`, { token: alice.accessToken, body: {} });
    expect(started.status).toBe(202);
    const total = async () => (await api<{ total: number }>('GET', `/automation-runs?automationId=${ping.id}`, { token: alice.accessToken })).body.total + (await api<{ total: number }>('GET', `/automation-runs?automationId=${pong.id}`, { token: alice.accessToken })).body.total;
    await eventually(async () => (await total()) >= 1 + MAX_EVENT_DEPTH, 15_000, 'the chain to reach its depth');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await total()).toBe(1 + MAX_EVENT_DEPTH);
  }, 30_000);

  it('retries a failing run by its policy, then hands it to the error workflow', async () => {
    const errors = await automate(alice, {
      nodes: [
        { id: 'failed', type: 'trigger.event', inputs: { event: 'automation.failed' } },
        { id: 'respond', type: 'trigger.respond', inputs: {} },
      ],
      edges: [edge('failed', 'subject', 'respond', 'body')],
    });
    const failing = await automate(
      alice,
      {
        nodes: [
          { id: 'start', type: 'trigger.manual', inputs: {} },
          { id: 'parse', type: 'core.json_parse', inputs: { text: '{ not json' } },
        ],
        edges: [],
      },
      { retryAttempts: 2, retryBackoffSeconds: 1, errorAutomationId: errors.id },
    );
    const started = await api<{ runId: string }>('POST', `/automations/${failing.id}/run`, { token: alice.accessToken, body: { input: { n: 1 } } });
    expect(started.status).toBe(202);
    let attempts: AutomationRunSummary[] = [];
    await eventually(async () => {
      attempts = (await api<{ items: AutomationRunSummary[] }>('GET', `/automation-runs?automationId=${failing.id}`, { token: alice.accessToken })).body.items;
      return attempts.filter((run) => run.status === 'failed').length === 3;
    }, 20_000, 'three failed attempts');
    expect(attempts.map((run) => run.attempt).sort()).toEqual([1, 2, 3]);
    expect(attempts.every((run) => run.error?.nodeId === 'parse' || JSON.stringify(run.error).includes('parse'))).toBeTrue();
    const retry = attempts.find((run) => run.attempt === 3)!;
    expect(retry.trigger).toBe('retry');
    expect(retry.retryOf).toBe(started.body.runId);
    // The error workflow got the last failure once; the listener of every failure heard each one.
    let handled: AutomationRunSummary[] = [];
    await eventually(async () => {
      handled = (await api<{ items: AutomationRunSummary[] }>('GET', `/automation-runs?automationId=${errors.id}`, { token: alice.accessToken })).body.items;
      return handled.length >= 4;
    }, 10_000, 'the failure listeners to run');
    expect(handled.length).toBe(4);
    const perDay = await api<RunsPerDay[]>('GET', `/automation-runs/per-day?days=7&automationId=${failing.id}`, { token: alice.accessToken });
    expect(perDay.body.length).toBe(7);
    expect(perDay.body[6]!.counts.failed).toBe(3);
  }, 30_000);
});
