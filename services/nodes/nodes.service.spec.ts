import path from 'node:path';
import { MAX_VALUE_DEPTH } from '../../engine/fields/value-check';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { ALICE, testAccounts } from '../../test/support/test-tenants';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { loadPackFromFolder } from '../plugins/pack-loader';
import type { GraphCheck } from './graph-check';
import { createNodesService } from './nodes.service';

describe('POST /graphs/validate', () => {
  let platform: TestPlatform;
  const addGraph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 2 } }], edges: [] };
  const validate = (body: unknown) => request<GraphCheck & { error?: { code: string } }>(platform.url, 'POST', '/graphs/validate', { body, token: ALICE.token });

  beforeAll(async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(path.resolve(__dirname, '../../nodes/core'), registry);
    platform = await startTestPlatform([createNodesService(registry, { maxNodes: 3, maxEdges: 5, maxItems: 6 }), testAccounts]);
  });
  afterAll(() => platform.stop());

  it('checks a batch as enqueue does and says how many items it expands to, queueing nothing', async () => {
    const items = [1, 2, 3];
    const sweep = await validate({ batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items }]], runs: 2 } });
    expect(sweep.status).toBe(200);
    expect(sweep.body).toEqual({ valid: true, issues: [], items: 6 });
  });

  it('reports the batch issues enqueue would refuse it for', async () => {
    const tooMany = await validate({ batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items: [1, 2, 3, 4] }]], runs: 2 } });
    expect(tooMany.body).toEqual({ valid: false, issues: [jasmine.objectContaining({ code: 'batch_too_large', field: 'data' })] });
    const badValue = await validate({ batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items: [1, 'two'] }]] } });
    expect(badValue.body.issues).toEqual([jasmine.objectContaining({ code: 'invalid_value', nodeId: 'sum', field: 'a' })]);
    const badGraph = await validate({ batch: { graph: { nodes: [{ id: 'x', type: 'core.nope' }], edges: [] } } });
    expect(badGraph.body.issues).toEqual([jasmine.objectContaining({ code: 'unknown_node_type', nodeId: 'x' })]);
  });

  it('refuses a graph over the node limit, naming nodes and the limit', async () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id, type: 'core.add' }));
    for (const body of [{ graph: { nodes, edges: [] } }, { batch: { graph: { nodes, edges: [] } } }]) {
      const response = await validate(body);
      expect(response.status).toBe(200);
      expect(response.body.issues).toEqual([jasmine.objectContaining({ code: 'graph_too_large', field: 'nodes', message: 'the graph has 4 nodes; at most 3 are allowed' })]);
    }
  });

  it('refuses a deeply nested input value with an issue naming node and field, not a 500', async () => {
    let deep: unknown = 1;
    for (let level = 0; level < MAX_VALUE_DEPTH + 5; level++) deep = { v: deep };
    const response = await validate({ graph: { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: deep } }], edges: [] } });
    expect(response.status).toBe(200);
    expect(response.body.issues).toEqual([jasmine.objectContaining({ code: 'value_too_deep', nodeId: 'sum', field: 'a' })]);
    const batch = await validate({ batch: { graph: addGraph, data: [[{ nodeId: 'sum', field: 'a', items: [1, deep] }]] } });
    expect(batch.body.issues).toEqual([jasmine.objectContaining({ code: 'invalid_value', nodeId: 'sum', field: 'a' })]);
    expect(batch.body.issues[0]!.message).toContain('levels deep');
  });

  it('wants a graph or a batch, not both or neither', async () => {
    expect((await validate({})).status).toBe(422);
    expect((await validate({ graph: addGraph, batch: { graph: addGraph } })).status).toBe(422);
  });
});
