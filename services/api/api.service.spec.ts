import path from 'node:path';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { ALICE, testAccounts } from '../../test/support/test-tenants';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { createNodesService } from '../nodes/nodes.service';
import { createDocsService } from './docs.service';
import type { OpenApiDocument } from './openapi';
import { loadPackFromFolder } from '../plugins/pack-loader';

describe('API gateway', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    const registry = new NodeRegistry();
    await loadPackFromFolder(path.resolve(__dirname, '../../nodes/core'), registry);
    platform = await startTestPlatform([createNodesService(registry), testAccounts, createDocsService()]);
  });
  afterAll(() => platform.stop());

  it('serves the node catalogue under /api/v1 without a token', async () => {
    const all = await request<{ type: string }[]>(platform.url, 'GET', '/nodes');
    expect(all.status).toBe(200);
    expect(all.body.length).toBeGreaterThan(20);
    const found = await request<{ type: string; description: string }[]>(platform.url, 'GET', '/nodes?search=iterate');
    expect(found.body.map((entry) => entry.type)).toContain('core.iterate');
    expect(found.body.length).toBeLessThan(all.body.length);
  });

  it('answers an unknown node type with 404 and a message', async () => {
    const response = await request(platform.url, 'GET', '/nodes/core.nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'There is no node type "core.nope"' } });
  });

  it('refuses an action that needs a user without a token (401), and runs it with one', async () => {
    const graph = { nodes: [{ id: 'a', type: 'core.add', inputs: { a: 'x' } }], edges: [] };
    const anonymous = await request(platform.url, 'POST', '/graphs/validate', { body: { graph } });
    expect(anonymous.status).toBe(401);
    const signedIn = await request<{ valid: boolean; issues: { field: string }[] }>(platform.url, 'POST', '/graphs/validate', { body: { graph }, token: ALICE.token });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.valid).toBeFalse();
    expect(signedIn.body.issues[0]!.field).toBe('a');
  });

  it('turns malformed JSON, wrong parameter types and a bad auth header into 4xx with a reason', async () => {
    const malformed = await request(platform.url, 'POST', '/graphs/validate', { rawBody: '{"graph": ', headers: { 'content-type': 'application/json' }, token: ALICE.token });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'malformed_json', message: 'The request body is not valid JSON' } });
    const wrongType = await request<{ error: { code: string; issues: { field: string }[] } }>(platform.url, 'POST', '/graphs/validate', { body: { graph: 3 }, token: ALICE.token });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.error.code).toBe('invalid_input');
    expect(wrongType.body.error.issues[0]!.field).toBe('graph');
    const badHeader = await request(platform.url, 'GET', '/nodes', { headers: { authorization: 'Basic abc' } });
    expect(badHeader.status).toBe(401);
  });

  it('answers routes that do not exist with 404', async () => {
    expect((await request(platform.url, 'GET', '/nothing-here')).status).toBe(404);
  });

  it("routes none of the gateway's own actions", async () => {
    expect((await request(platform.url, 'GET', '/api/list-aliases', { token: ALICE.token })).status).toBe(404);
    expect((await request(platform.url, 'GET', '/api/list-aliases')).status).toBe(404);
  });

  it('serves its OpenAPI document without a token, from the same action definitions', async () => {
    const response = await request<OpenApiDocument>(platform.url, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const getNode = response.body.paths['/api/v1/nodes/{type}']?.get;
    expect(getNode?.parameters).toEqual([{ name: 'type', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 200 } }]);
    expect(getNode?.security).toBeUndefined();
    const validate = response.body.paths['/api/v1/graphs/validate']?.post;
    expect(validate?.security).toEqual([{ bearer: [] }]);
    const validateBody = validate?.requestBody?.content['application/json']?.schema as { properties: Record<string, { type: string }> } | undefined;
    expect(Object.keys(validateBody?.properties ?? {})).toEqual(['graph', 'batch']);
    expect(validateBody?.properties['graph']).toEqual({ type: 'object' });
    expect(Object.keys(response.body.paths).some((path) => path.startsWith('/api/v1/api/'))).toBeFalse();
  });
});
