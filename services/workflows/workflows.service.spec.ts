import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import type { Workflow, WorkflowSummary } from './workflow-records';
import { WorkflowEntity } from './workflow.entity';
import { createWorkflowsService } from './workflows.service';

type ErrorBody = { error: { code: string; message: string; issues?: { field?: string; nodeId?: string; message: string }[] } };
type List = { items: WorkflowSummary[]; total: number; limit: number; offset: number };

const GRAPH = {
  nodes: [
    { id: 'a', type: 'core.integer', inputs: { value: 2 } },
    { id: 'b', type: 'core.add', inputs: { b: 3 } },
  ],
  edges: [{ source: { nodeId: 'a', field: 'value' }, destination: { nodeId: 'b', field: 'a' } }],
};
const LAYOUT = { positions: { a: [0, 0], b: [240, 80] }, zoom: 0.8 };

describe('workflows service', () => {
  const db = useTestDatabase([WorkflowEntity]);
  let platform: TestPlatform;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource);
    platform = await startTestPlatform([createWorkflowsService({ dataSource: db.dataSource }), testAccounts]);
  });
  afterAll(() => platform?.stop());
  beforeEach(() => db.skipIfMissing());

  const api = <T = unknown>(method: string, url: string, token: string, body?: unknown) => request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
  const create = async (token: string, fields: Record<string, unknown> = {}) =>
    (await api<Workflow>('POST', '/workflows', token, { name: 'Upscale', graph: GRAPH, ...fields })).body;
  const notFound = (id: string) => ({ error: { code: 'not_found', message: `There is no workflow "${id}"` } });

  it('creates a workflow (201) and gives back its graph and layout as saved', async () => {
    const response = await api<Workflow>('POST', '/workflows', ALICE.token, { name: ' Portrait ', description: 'Two steps', tags: ['SDXL', ' faces ', 'sdxl'], graph: GRAPH, layout: LAYOUT });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`workflows/${response.body.id}`);
    expect(response.body).toEqual(jasmine.objectContaining({ name: 'Portrait', description: 'Two steps', tags: ['sdxl', 'faces'], graph: GRAPH, layout: LAYOUT }));
    expect((await api('GET', `/workflows/${response.body.id}`, ALICE.token)).body).toEqual(response.body);
    const bare = await create(ALICE.token);
    expect([bare.description, bare.tags, bare.layout]).toEqual(['', [], null]);
  });

  it('lists summaries, most recently changed first, paginated', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const first = await create(owner.token, { name: 'first' });
    const second = await create(owner.token, { name: 'second' });
    await api('PATCH', `/workflows/${first.id}`, owner.token, { description: 'touched' });
    const list = await api<List>('GET', '/workflows?limit=1', owner.token);
    expect(list.body.total).toBe(2);
    expect(list.body.items.length).toBe(1);
    expect(list.body.items[0]).toEqual(jasmine.objectContaining({ id: first.id, description: 'touched' }));
    expect(Object.keys(list.body.items[0]!)).not.toContain('graph');
    expect((await api<List>('GET', '/workflows?offset=1', owner.token)).body.items.map((workflow) => workflow.id)).toEqual([second.id]);
  });

  it('searches name and description case-insensitively, taking % and _ literally', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const byName = await create(owner.token, { name: 'Watercolor Landscape' });
    const byDescription = await create(owner.token, { name: 'Other', description: 'soft WATERCOLOR wash' });
    const percent = await create(owner.token, { name: '100% upscale', description: 'under_score' });
    const search = async (text: string) => (await api<List>('GET', `/workflows?search=${encodeURIComponent(text)}`, owner.token)).body.items.map((workflow) => workflow.id).sort();
    expect(await search('watercolor')).toEqual([byName.id, byDescription.id].sort());
    expect(await search('%')).toEqual([percent.id]);
    expect(await search('a_e')).toEqual([]); // "Landscape" has "ape", which a wildcard _ would match
    expect(await search('der_sc')).toEqual([percent.id]);
  });

  it('filters by tags, needing every tag given', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const both = await create(owner.token, { tags: ['sdxl', 'faces'] });
    const one = await create(owner.token, { tags: ['sdxl'] });
    await create(owner.token, { tags: ['video'] });
    const tagged = async (query: string) => (await api<List>('GET', `/workflows?${query}`, owner.token)).body.items.map((workflow) => workflow.id).sort();
    expect(await tagged('tags=SDXL')).toEqual([both.id, one.id].sort());
    expect(await tagged('tags=sdxl,faces')).toEqual([both.id]);
    expect(await tagged('tags=sdxl&tags=faces')).toEqual([both.id]);
    expect(await tagged('tags=sdxl&search=nothing-matches')).toEqual([]);
  });

  it('updates only the fields given, checking the graph, and clears the layout with null', async () => {
    const workflow = await create(ALICE.token, { layout: LAYOUT, tags: ['a'] });
    const renamed = await api<Workflow>('PATCH', `/workflows/${workflow.id}`, ALICE.token, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual(jasmine.objectContaining({ name: 'Renamed', graph: GRAPH, layout: LAYOUT, tags: ['a'] }));
    expect(Date.parse(renamed.body.updatedAt)).toBeGreaterThan(Date.parse(workflow.updatedAt));
    const graph = { nodes: [{ id: 'only', type: 'core.integer' }], edges: [] };
    const changed = await api<Workflow>('PATCH', `/workflows/${workflow.id}`, ALICE.token, { graph, layout: null });
    expect(changed.body).toEqual(jasmine.objectContaining({ name: 'Renamed', graph, layout: null }));
  });

  it('deletes a workflow', async () => {
    const workflow = await create(ALICE.token);
    expect((await api('DELETE', `/workflows/${workflow.id}`, ALICE.token)).body).toEqual({ id: workflow.id, deleted: true });
    expect((await api('GET', `/workflows/${workflow.id}`, ALICE.token)).body).toEqual(notFound(workflow.id));
    expect((await api('DELETE', `/workflows/${workflow.id}`, ALICE.token)).status).toBe(404);
  });

  it('refuses a graph of the wrong shape, naming where', async () => {
    const response = await api<ErrorBody>('POST', '/workflows', ALICE.token, { name: 'bad', graph: { nodes: [{ id: ' a', type: '' }], edges: 'none' } });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('graph_invalid');
    expect(response.body.error.issues!.map((issue) => issue.field)).toEqual(['graph.edges', 'graph', 'graph']);
    expect(response.body.error.issues![1]!.nodeId).toBe(' a');
    const workflow = await create(ALICE.token);
    const patched = await api<ErrorBody>('PATCH', `/workflows/${workflow.id}`, ALICE.token, { graph: { edges: [] } });
    expect(patched.status).toBe(422);
    expect(patched.body.error.issues![0]!.field).toBe('graph.nodes');
    expect((await api<Workflow>('GET', `/workflows/${workflow.id}`, ALICE.token)).body.graph).toEqual(GRAPH);
  });

  it('refuses other bad input with a reason, changing nothing', async () => {
    const workflow = await create(ALICE.token, { name: 'unchanged' });
    const cases: [string, string, unknown, string][] = [
      ['POST', '/workflows', { name: 'x' }, 'graph'],
      ['POST', '/workflows', { name: 'x', graph: [] }, 'graph'],
      ['POST', '/workflows', { name: 7, graph: GRAPH }, 'name'],
      ['POST', '/workflows', { name: 'x', graph: GRAPH, tags: 'a,b' }, 'tags'],
      ['POST', '/workflows', { name: 'x', graph: GRAPH, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
      ['POST', '/workflows', { name: 'x', graph: GRAPH, tags: ['a,b'] }, 'tags'],
      ['POST', '/workflows', { name: 'x', graph: GRAPH, layout: 'left' }, 'layout'],
      ['PATCH', `/workflows/${workflow.id}`, { name: null }, 'name'],
      ['PATCH', `/workflows/${workflow.id}`, { tags: [''] }, 'tags'],
    ];
    for (const [method, route, body, field] of cases) {
      const response = await api<ErrorBody>(method, route, ALICE.token, body);
      expect(response.status).withContext(JSON.stringify(body)).toBe(422);
      expect(response.body.error.issues![0]!.field).withContext(JSON.stringify(body)).toBe(field);
    }
    const nothing = await api<ErrorBody>('PATCH', `/workflows/${workflow.id}`, ALICE.token, {});
    expect(nothing.status).toBe(422);
    expect(nothing.body.error.message).toBe('give at least one of name, description, tags, graph or layout to change');
    const malformed = await request(platform.url, 'POST', '/workflows', { token: ALICE.token, rawBody: '{"name": "x", ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    const huge = await api<ErrorBody>('POST', '/workflows', ALICE.token, { name: 'big', graph: GRAPH, layout: { blob: 'x'.repeat(3 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect((await api('GET', `/workflows/${id}`, ALICE.token)).body).toEqual(notFound(id));
      expect((await api('PATCH', `/workflows/${id}`, ALICE.token, { name: 'x' })).body).toEqual(notFound(id));
    }
    expect((await api('GET', '/workflows?limit=0', ALICE.token)).status).toBe(422);
    expect((await api<Workflow>('GET', `/workflows/${workflow.id}`, ALICE.token)).body).toEqual(workflow);
  });

  it('answers another user\'s workflow as missing, and changes nothing', async () => {
    const alices = await create(ALICE.token, { name: 'secret recipe', tags: ['private'] });
    for (const [method, body] of [['GET'], ['PATCH', { name: 'stolen' }], ['DELETE']] as const) {
      const response = await api(method, `/workflows/${alices.id}`, BOB.token, body);
      expect(response.status).withContext(method).toBe(404);
      expect(response.body).toEqual(notFound(alices.id));
    }
    const bobsList = await api<List>('GET', '/workflows?search=secret&tags=private', BOB.token);
    expect(bobsList.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    expect((await api<Workflow>('GET', `/workflows/${alices.id}`, ALICE.token)).body).toEqual(alices);
  });

  it('asks for a token', async () => {
    expect((await request(platform.url, 'GET', '/workflows')).status).toBe(401);
  });
});
