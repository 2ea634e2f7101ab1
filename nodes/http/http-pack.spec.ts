import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { edge, graph, MemoryContextHost, node } from '@pinksea/node-sdk/testing';
import { runGraph } from '../../engine/execution/run-graph';
import { validateGraph } from '../../engine/graph/validate-graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import { json, startTestServer, TEST_NETWORK, type TestServer } from './http-testing';

const TYPES = ['http.image_from_url', 'http.request'];

describe('the http pack', () => {
  let registry: NodeRegistry;
  let server: TestServer;

  beforeAll(async () => {
    registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
    await loadPackFromFolder(path.resolve(__dirname, '../core'), registry);
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('loads from its folder with every listed node type, each file named after its type id', async () => {
    const own = new NodeRegistry();
    const pack = await loadPackFromFolder(__dirname, own);
    expect(pack.manifest.name).toBe('@pinksea/nodes-http');
    expect(pack.manifest.needs).toEqual({ gpu: false, network: true });
    expect([...pack.types].sort()).toEqual(TYPES);
    const listed: string[] = JSON.parse(readFileSync(path.join(__dirname, 'package.json'), 'utf8')).pinksea.nodes;
    expect([...listed].sort()).toEqual(readdirSync(__dirname).filter((file) => file.endsWith('.node.ts')).sort());
    for (const file of listed) expect(own.lookup(`http.${file.replace(/\.node\.ts$/, '').replace(/-/g, '_')}`).ok).withContext(file).toBeTrue();
  });

  it('declares its nodes as needing the network and never cached (a call is not a pure function)', () => {
    for (const type of TYPES) {
      const found = registry.lookup(type);
      if (!found.ok) throw new Error(found.message);
      expect(found.definition.needs).withContext(type).toEqual({ gpu: false, models: [], network: true });
      expect(found.definition.useCache).withContext(type).toBeFalse();
      expect(found.definition.category).withContext(type).toBe('http');
    }
  });

  it('refuses settings out of range before anything runs, naming the node and field', () => {
    const issues = validateGraph(
      graph([node('call', 'http.request', { method: 'TRACE', timeoutSeconds: 121, maxResponseKb: 0, responseType: 'xml' }), node('get', 'http.image_from_url', { timeoutSeconds: 0 })]),
      registry,
    );
    expect(issues.map((issue) => `${issue.nodeId}.${issue.field}:${issue.code}`).sort()).toEqual([
      'call.maxResponseKb:invalid_value',
      'call.method:invalid_value',
      'call.responseType:invalid_value',
      'call.timeoutSeconds:invalid_value',
      'get.timeoutSeconds:invalid_value',
    ]);
  });

  it('runs in a graph: HTTP Request → JSON Get, the credential applied by the host', async () => {
    server.routes.set('/me', (request, response) => json({ user: { name: request.headers.authorization === 'Bearer t0ken' ? 'Ada' : 'nobody' } })(request, response));
    const host = new MemoryContextHost(undefined, { network: TEST_NETWORK, credentials: new Map([['c1', { kind: 'bearer', token: 't0ken' }]]) });
    const result = await runGraph(
      graph([node('call', 'http.request', { url: `${server.base}/me`, credential: 'c1' }), node('name', 'core.json_get', { path: 'user.name' })], [edge('call.json', 'name.value')]),
      { registry, host },
    );
    expect(result.error).toBeUndefined();
    expect(result.outputsOf('name')[0]!['text']).toBe('Ada');
  });
});
