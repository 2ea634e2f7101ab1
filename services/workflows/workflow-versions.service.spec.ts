import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { useTestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { ADMIN, ALICE, BOB, databaseOpen, insertFreshUser, insertTestUsers, testAccounts } from '../../test/support/test-tenants';
import type { GraphCheck } from '../nodes/graph-check';
import { createNodesService } from '../nodes/nodes.service';
import { loadPackFromFolder } from '../plugins/pack-loader';
import type { Workflow } from './workflow-records';
import type { WorkflowVersion, WorkflowVersionDiff, WorkflowVersionSummary } from './workflow-version-records';
import { WorkflowVersionEntity } from './workflow-version.entity';
import { createWorkflowVersionsService } from './workflow-versions.service';
import { WorkflowEntity } from './workflow.entity';
import { createWorkflowsService } from './workflows.service';

type ErrorBody = { error: { code: string; message: string; issues?: { code?: string; field?: string; nodeId?: string; message: string }[] } };
type List = { items: WorkflowVersionSummary[]; total: number; limit: number; offset: number };

const GRAPH = {
  nodes: [
    { id: 'a', type: 'core.integer', inputs: { value: 2 } },
    { id: 'b', type: 'core.add', inputs: { b: 3 } },
  ],
  edges: [{ source: { nodeId: 'a', field: 'value' }, destination: { nodeId: 'b', field: 'a' } }],
};
const LAYOUT = { positions: { a: [0, 0], b: [240, 80] }, zoom: 0.8 };
const CORE_PACKS = [
  { type: 'core.add', nodeVersion: '1.0.0', pack: '@pinksea/nodes-core', packVersion: '1.0.0' },
  { type: 'core.integer', nodeVersion: '1.0.0', pack: '@pinksea/nodes-core', packVersion: '1.0.0' },
];
const LIMITS = { maxNodes: 20, maxEdges: 20 };

describe('workflow versions service', () => {
  const db = useTestDatabase([WorkflowEntity, WorkflowVersionEntity]);
  let platform: TestPlatform;

  beforeAll(async () => {
    if (!databaseOpen(db)) return;
    await insertTestUsers(db.dataSource, [ALICE, BOB, ADMIN]);
    const registry = new NodeRegistry();
    await loadPackFromFolder(path.resolve(__dirname, '../../nodes/core'), registry);
    platform = await startTestPlatform([
      createWorkflowsService({ dataSource: db.dataSource }),
      createWorkflowVersionsService({ dataSource: db.dataSource, registry, graphLimits: LIMITS }),
      createNodesService(registry, LIMITS),
      testAccounts,
    ]);
  });
  afterAll(() => platform?.stop());
  beforeEach(() => db.skipIfMissing());

  const api = <T = unknown>(method: string, url: string, token: string, body?: unknown) => request<T>(platform.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
  const create = async (token: string, fields: Record<string, unknown> = {}) =>
    (await api<Workflow>('POST', '/workflows', token, { name: 'Upscale', graph: GRAPH, layout: LAYOUT, ...fields })).body;
  const publish = <T = WorkflowVersion>(token: string, id: string, note?: string) => api<T>('POST', `/workflows/${id}/versions`, token, note === undefined ? {} : { note });
  const versionCount = async (id: string) => Number(((await db.dataSource.query(`SELECT count(*) AS n FROM workflow_versions WHERE workflow_id = $1`, [id])) as { n: string }[])[0]!.n);

  it('publishes the draft as versions 1 and 2 and lists them newest first, without graphs', async () => {
    const owner = await insertFreshUser(db.dataSource);
    const workflow = await create(owner.token);
    const first = await publish(owner.token, workflow.id, '  first cut ');
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe('versions/1');
    expect(first.body).toEqual({
      workflowId: workflow.id,
      version: 1,
      authorId: owner.id,
      note: 'first cut',
      createdAt: jasmine.any(String),
      graph: GRAPH,
      layout: LAYOUT,
      packs: CORE_PACKS,
    });
    const edited = { ...GRAPH, nodes: [GRAPH.nodes[0]!, { ...GRAPH.nodes[1]!, inputs: { b: 30 } }] };
    await api('PATCH', `/workflows/${workflow.id}`, owner.token, { graph: edited, layout: null });
    const second = await publish(owner.token, workflow.id);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(jasmine.objectContaining({ version: 2, note: '', graph: edited, layout: null }));

    const list = await api<List>('GET', `/workflows/${workflow.id}/versions`, owner.token);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [jasmine.objectContaining({ version: 2 }), jasmine.objectContaining({ version: 1, note: 'first cut' })], total: 2, limit: 50, offset: 0 });
    expect(Object.keys(list.body.items[0]!).sort()).toEqual(['authorId', 'createdAt', 'note', 'version', 'workflowId']);
    const paged = await api<List>('GET', `/workflows/${workflow.id}/versions?limit=1&offset=1`, owner.token);
    expect([paged.body.total, paged.body.items.map((item) => item.version)]).toEqual([2, [1]]);

    // A version does not move when the draft does.
    await api('PATCH', `/workflows/${workflow.id}`, owner.token, { graph: { nodes: [], edges: [] } });
    expect((await api<WorkflowVersion>('GET', `/workflows/${workflow.id}/versions/1`, owner.token)).body).toEqual(first.body);
    expect((await api<List>('GET', `/workflows/${workflow.id}/versions`, owner.token)).body.total).toBe(2);
  });

  it('answers an empty history for a workflow never published', async () => {
    const workflow = await create(ALICE.token);
    expect((await api<List>('GET', `/workflows/${workflow.id}/versions`, ALICE.token)).body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it('refuses to publish an invalid draft with 422 and every issue POST /graphs/validate names, storing nothing', async () => {
    const graph = {
      nodes: [
        { id: 'a', type: 'core.integer', inputs: { value: 'two' } },
        { id: 'b', type: 'core.add', inputs: { b: 3 } },
        { id: 'ghost', type: 'core.nope' },
      ],
      edges: [{ source: { nodeId: 'a', field: 'nothing' }, destination: { nodeId: 'b', field: 'a' } }],
    };
    const workflow = await create(ALICE.token, { graph });
    const check = await api<GraphCheck>('POST', '/graphs/validate', ALICE.token, { graph });
    expect(check.body.valid).toBeFalse();
    expect(check.body.issues.map((issue) => issue.code).sort()).toEqual(['invalid_value', 'unknown_field', 'unknown_node_type']);

    const refused = await publish<ErrorBody>(ALICE.token, workflow.id, 'nope');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('graph_invalid');
    expect(refused.body.error.issues).toEqual(check.body.issues as ErrorBody['error']['issues']);
    expect(refused.body.error.issues!.map((issue) => issue.nodeId)).toEqual(jasmine.arrayContaining(['a', 'ghost']));
    expect(await versionCount(workflow.id)).toBe(0);

    const tooBig = await create(ALICE.token, { graph: { nodes: Array.from({ length: 21 }, (_, index) => ({ id: `n${index}`, type: 'core.integer' })), edges: [] } });
    const overLimit = await publish<ErrorBody>(ALICE.token, tooBig.id);
    expect(overLimit.status).toBe(422);
    expect(overLimit.body.error.issues![0]!.message).toContain('20');
  });

  it('diffs two versions, and a version against the draft', async () => {
    const workflow = await create(ALICE.token);
    await publish(ALICE.token, workflow.id);
    const changed = {
      nodes: [
        { id: 'a', type: 'core.integer', inputs: { value: 5 } },
        { id: 'b', type: 'core.add', version: '1.0.0', inputs: { b: 3 } },
        { id: 'c', type: 'core.integer', inputs: { value: 1 } },
      ],
      edges: [{ source: { nodeId: 'c', field: 'value' }, destination: { nodeId: 'b', field: 'a' } }],
    };
    await api('PATCH', `/workflows/${workflow.id}`, ALICE.token, { graph: changed });
    await publish(ALICE.token, workflow.id);
    const diff = await api<WorkflowVersionDiff>('GET', `/workflows/${workflow.id}/versions/1/diff/2`, ALICE.token);
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      from: 1,
      to: 2,
      nodesAdded: [{ id: 'c', type: 'core.integer' }],
      nodesRemoved: [],
      nodesChanged: [
        { id: 'a', fields: [{ field: 'value', change: 'changed', before: 2, after: 5 }] },
        { id: 'b', version: { before: null, after: '1.0.0' }, fields: [] },
      ],
      edgesAdded: [changed.edges[0]!],
      edgesRemoved: [GRAPH.edges[0]!],
    });
    const backwards = await api<WorkflowVersionDiff>('GET', `/workflows/${workflow.id}/versions/2/diff/1`, ALICE.token);
    expect([backwards.body.nodesRemoved, backwards.body.edgesAdded]).toEqual([[{ id: 'c', type: 'core.integer' }], [GRAPH.edges[0]!]]);

    const unchanged = await api<WorkflowVersionDiff>('GET', `/workflows/${workflow.id}/versions/2/diff/draft`, ALICE.token);
    expect(unchanged.body).toEqual({ from: 2, to: 'draft', nodesAdded: [], nodesRemoved: [], nodesChanged: [], edgesAdded: [], edgesRemoved: [] });
    await api('PATCH', `/workflows/${workflow.id}`, ALICE.token, { graph: { nodes: [changed.nodes[0]!], edges: [] } });
    const againstDraft = await api<WorkflowVersionDiff>('GET', `/workflows/${workflow.id}/versions/2/diff/draft`, ALICE.token);
    expect(againstDraft.body.nodesRemoved.map((node) => node.id)).toEqual(['b', 'c']);
    expect(againstDraft.body.edgesRemoved).toEqual(changed.edges);

    const missing = await api<ErrorBody>('GET', `/workflows/${workflow.id}/versions/1/diff/3`, ALICE.token);
    expect([missing.status, missing.body.error.message]).toEqual([404, `There is no workflow version "${workflow.id} v3"`]);
  });

  it('restores a version as the draft, graph and layout, and answers the workflow', async () => {
    const workflow = await create(ALICE.token, { name: 'keeps its name' });
    await publish(ALICE.token, workflow.id);
    await api('PATCH', `/workflows/${workflow.id}`, ALICE.token, { graph: { nodes: [{ id: 'x', type: 'core.integer' }], edges: [] }, layout: { zoom: 2 } });
    const restored = await api<Workflow>('POST', `/workflows/${workflow.id}/versions/1/restore`, ALICE.token);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual(jasmine.objectContaining({ id: workflow.id, name: 'keeps its name', graph: GRAPH, layout: LAYOUT }));
    expect((await api<Workflow>('GET', `/workflows/${workflow.id}`, ALICE.token)).body).toEqual(restored.body);
    expect(await versionCount(workflow.id)).toBe(1);
    expect((await api('POST', `/workflows/${workflow.id}/versions/2/restore`, ALICE.token)).status).toBe(404);
  });

  it('gives concurrent publishes of one workflow distinct numbers', async () => {
    const workflow = await create(ALICE.token);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => publish(ALICE.token, workflow.id, `publish ${index}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 12 }, () => 201));
    expect(answers.map((answer) => answer.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
  });

  it('answers another user\'s workflow as missing on every route, admins included, and changes nothing', async () => {
    const workflow = await create(ALICE.token);
    const version = (await publish(ALICE.token, workflow.id, 'mine')).body;
    const notFound = { error: { code: 'not_found', message: `There is no workflow "${workflow.id}"` } };
    const routes: [string, string, unknown?][] = [
      ['POST', `/workflows/${workflow.id}/versions`, { note: 'stolen' }],
      ['GET', `/workflows/${workflow.id}/versions`],
      ['GET', `/workflows/${workflow.id}/versions/1`],
      ['GET', `/workflows/${workflow.id}/versions/1/diff/draft`],
      ['POST', `/workflows/${workflow.id}/versions/1/restore`],
    ];
    for (const token of [BOB.token, ADMIN.token]) {
      for (const [method, route, body] of routes) {
        const response = await api(method, route, token, body);
        expect(response.status).withContext(`${token} ${method} ${route}`).toBe(404);
        expect(response.body).withContext(`${token} ${method} ${route}`).toEqual(notFound);
      }
    }
    expect(await versionCount(workflow.id)).toBe(1);
    expect((await api<WorkflowVersion>('GET', `/workflows/${workflow.id}/versions/1`, ALICE.token)).body).toEqual(version);
  });

  it('deletes a workflow\'s versions with it', async () => {
    const workflow = await create(ALICE.token);
    await publish(ALICE.token, workflow.id);
    await publish(ALICE.token, workflow.id);
    expect(await versionCount(workflow.id)).toBe(2);
    expect((await api('DELETE', `/workflows/${workflow.id}`, ALICE.token)).status).toBe(200);
    expect(await versionCount(workflow.id)).toBe(0);
    expect((await api('GET', `/workflows/${workflow.id}/versions`, ALICE.token)).status).toBe(404);
  });

  it('refuses hostile version numbers and notes with 4xx naming the field, and unknown workflows with 404', async () => {
    const workflow = await create(ALICE.token);
    await publish(ALICE.token, workflow.id);
    const base = `/workflows/${workflow.id}/versions`;
    const badNumbers = ['0', '-1', '1.5', 'abc', '2147483648', '9223372036854775808', '1e308', 'NaN', 'Infinity', '%00'];
    for (const bad of badNumbers) {
      for (const [method, route, field] of [
        ['GET', `${base}/${bad}`, 'version'],
        ['POST', `${base}/${bad}/restore`, 'version'],
        ['GET', `${base}/${bad}/diff/1`, 'a'],
        ['GET', `${base}/1/diff/${bad}`, 'b'],
      ] as const) {
        const response = await api<ErrorBody>(method, route, ALICE.token);
        expect(response.status).withContext(`${method} ${route}`).toBe(422);
        expect(response.body.error.issues!.map((issue) => issue.field)).withContext(`${method} ${route}`).toContain(field);
      }
    }
    const drafts = await api<ErrorBody>('GET', `${base}/1/diff/drafts`, ALICE.token);
    expect([drafts.status, drafts.body.error.issues![0]!.field]).toEqual([422, 'b']);
    for (const note of ['a\u0000b', 'x'.repeat(2001), 42, ['a']]) {
      const response = await api<ErrorBody>('POST', base, ALICE.token, { note });
      expect(response.status).withContext(JSON.stringify(note).slice(0, 40)).toBe(422);
      expect(response.body.error.issues!.map((issue) => issue.field)).toEqual(['note']);
    }
    expect(await versionCount(workflow.id)).toBe(1);
    expect((await publish(ALICE.token, workflow.id, 'x'.repeat(2000))).status).toBe(201);
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      for (const [method, route] of [['POST', `/workflows/${id}/versions`], ['GET', `/workflows/${id}/versions`], ['GET', `/workflows/${id}/versions/1`], ['GET', `/workflows/${id}/versions/1/diff/draft`], ['POST', `/workflows/${id}/versions/1/restore`]] as const) {
        const response = await api<ErrorBody>(method, route, ALICE.token);
        expect([response.status, response.body.error.message]).withContext(`${method} ${route}`).toEqual([404, `There is no workflow "${id}"`]);
      }
    }
    expect((await request(platform.url, 'GET', base)).status).toBe(401);
  });
});
