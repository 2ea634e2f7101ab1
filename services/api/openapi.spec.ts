import type { Service } from 'moleculer';
import { eventually } from '../../test/support/eventually';
import { useTestDatabase } from '../../test/support/test-database';
import { useRealPlatform } from '../../test/support/real-platform';
import { request } from '../../test/support/test-platform';
import { collectGatewayRoutes, type RegistryService } from './gateway-routes';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiOperation } from './openapi';

const INFO = { title: 'Test API', version: '1.0.0' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

function operations(document: OpenApiDocument): { method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method]! })),
  );
}

async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  return new Validator().validate(document as Record<string, unknown>);
}

describe('OpenAPI document from action definitions', () => {
  const services: RegistryService[] = [
    {
      name: 'queue',
      settings: { rest: '/' },
      actions: {
        'queue.enqueueBatch': {
          name: 'queue.enqueueBatch',
          rest: 'POST /queue/:queueId/enqueue_batch',
          params: { queueId: { type: 'string', pattern: /^[a-z0-9_-]{1,64}$/ }, batch: { type: 'object', props: { graph: 'object' } }, priority: { type: 'number', optional: true } },
        },
        'queue.list': { name: 'queue.list', rest: 'GET /queue/:queueId/list', params: { queueId: 'string', limit: { type: 'number', default: 50, convert: true } } },
        'queue.internal': { name: 'queue.internal', params: { x: 'string' } },
        'queue.hidden': { name: 'queue.hidden', rest: 'GET /hidden', visibility: 'public' },
      },
    },
    {
      name: 'images',
      settings: { rest: '/' },
      actions: {
        'images.upload': { name: 'images.upload', rest: { method: 'POST', path: '/images/upload', type: 'stream' }, params: { board: { type: 'string', optional: true } } },
        'images.stats': { name: 'images.stats', rest: ['GET /images/stats', 'GET /images/statistics'], auth: 'admin', summary: 'Counts' },
      },
    },
    { name: 'boards', version: 2, settings: {}, actions: { 'v2.boards.list': { name: 'v2.boards.list', rawName: 'list', rest: 'GET /', auth: 'none' } } },
    { name: 'api', settings: {}, actions: { 'api.listAliases': { name: 'api.listAliases', rest: 'GET /list-aliases' } } },
    { name: '$node', settings: null, actions: { '$node.list': { name: '$node.list', rest: 'GET /nodes' } } },
  ];
  const document = buildOpenApiDocument(collectGatewayRoutes(services), INFO);

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validateOpenApi(document);
    expect(result.valid).withContext(JSON.stringify(result.errors)).toBeTrue();
  });

  it('lists every routed action at its full path, and nothing unrouted, hidden or of the gateway', () => {
    const listed = operations(document).map(({ method, path, operation }) => `${method} ${path} ${operation.operationId}`);
    expect(listed.sort()).toEqual(
      [
        'post /api/v1/queue/{queueId}/enqueue_batch queue.enqueueBatch',
        'get /api/v1/queue/{queueId}/list queue.list',
        'post /api/v1/images/upload images.upload',
        'get /api/v1/images/stats images.stats',
        'get /api/v1/images/statistics images.stats',
        'get /api/v1/v2/boards v2.boards.list',
      ].sort(),
    );
    expect(document.tags.map((tag) => tag.name)).toEqual(['boards', 'images', 'queue']);
  });

  it('puts path params in the path, other params in the JSON body (POST) or the query (GET)', () => {
    const enqueue = document.paths['/api/v1/queue/{queueId}/enqueue_batch']!.post!;
    expect(enqueue.parameters).toEqual([{ name: 'queueId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } }]);
    expect(enqueue.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: { type: 'object', properties: { batch: { type: 'object', properties: { graph: { type: 'object' } }, required: ['graph'] }, priority: { type: 'number' } }, required: ['batch'] },
        },
      },
    });
    const list = document.paths['/api/v1/queue/{queueId}/list']!.get!;
    expect(list.requestBody).toBeUndefined();
    expect(list.parameters).toEqual([
      { name: 'queueId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: false, schema: { type: 'number', default: 50 } },
    ]);
    const upload = document.paths['/api/v1/images/upload']!.post!;
    expect(upload.requestBody).toEqual({ required: true, content: { 'application/octet-stream': {} } });
    expect(upload.parameters).toEqual([{ name: 'board', in: 'query', required: false, schema: { type: 'string' } }]);
  });

  it('asks for a bearer credential unless the action is public, and names the error answers', () => {
    const enqueue = document.paths['/api/v1/queue/{queueId}/enqueue_batch']!.post!;
    expect(enqueue.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(enqueue.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '422', '429', 'default']);
    expect(enqueue.responses['422']).toEqual({ $ref: '#/components/responses/InvalidInput' });
    const boards = document.paths['/api/v1/v2/boards']!.get!;
    expect(boards.security).toBeUndefined();
    expect(Object.keys(boards.responses).sort()).toEqual(['200', '429', 'default']);
    const stats = document.paths['/api/v1/images/stats']!.get!;
    expect(stats['x-pinksea-auth']).toBe('admin');
    expect(stats.summary).toBe('Counts');
    expect(stats.description).toContain('Admins only');
    expect(document.components.schemas['Error']!.required).toEqual(['error']);
  });
});

describe('GET /api/v1/openapi.json on the api role', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'openapi', { PINKSEA_ROLE: 'api', PINKSEA_ADMIN_PASSWORD: 'correct horse battery' });

  beforeEach(() => db.skipIfMissing());

  const fetchDocument = async () => {
    const response = await request<OpenApiDocument>(real.platform.url!, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    return response.body;
  };

  it('serves a valid OpenAPI 3.1 document without a token', async () => {
    const document = await fetchDocument();
    const result = await validateOpenApi(document);
    expect(result.valid).withContext(JSON.stringify(result.errors)).toBeTrue();
    for (const { method, path, operation } of operations(document)) {
      expect(Object.keys(operation.responses)).withContext(`${method} ${path}`).toContain('200');
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect(declared).withContext(`${method} ${path}`).toEqual(inPath);
    }
  });

  it('documents the queue, accounts and gallery routes from their actions', async () => {
    const document = await fetchDocument();
    const enqueue = document.paths['/api/v1/queue/{queueId}/enqueue_batch']?.post;
    expect(enqueue?.operationId).toBe('queue.enqueueBatch');
    expect(enqueue?.tags).toEqual(['queue']);
    expect(enqueue?.parameters?.[0]).toEqual(jasmine.objectContaining({ name: 'queueId', in: 'path', required: true }));
    const body = enqueue?.requestBody?.content['application/json']?.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(body.properties)).toEqual(jasmine.arrayContaining(['batch', 'priority', 'origin', 'destination']));
    expect(body.required).toEqual(['batch']);
    expect(enqueue?.security).toEqual([{ bearer: [] }]);

    const login = document.paths['/api/v1/auth/login']?.post;
    expect(login?.security).toBeUndefined();
    expect(login?.['x-pinksea-auth']).toBe('none');
    expect(document.paths['/api/v1/admin/users']?.get?.['x-pinksea-auth']).toBe('admin');
    expect(document.paths['/api/v1/images/upload']?.post?.requestBody?.content['application/octet-stream']).toBeDefined();
    expect(document.paths['/api/v1/metrics']?.get?.responses['200']).toEqual({ description: 'Success', content: { 'text/plain': {} } });
    for (const { operation } of operations(document).filter(({ operation }) => operation['x-pinksea-auth'] === 'none')) {
      expect(operation.security).withContext(operation.operationId).toBeUndefined();
    }
  });

  it('documents exactly the routes the gateway serves, none of them its own', async () => {
    const document = await fetchDocument();
    const documented = operations(document).map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    const aliases = await real.platform.broker.call<{ methods: string; fullPath: string; actionName: string }[], Record<string, never>>('api.listAliases', {}, { meta: { user: { id: 'spec', email: '', role: 'admin', scopes: 'all' } } });
    expect(aliases.some((alias) => alias.actionName.startsWith('api.'))).toBeFalse();
    const served = aliases.map((alias) => `${alias.methods} ${alias.fullPath.replace(/\/{2,}/g, '/')}`);
    expect(documented.sort()).toEqual(served.sort());
    expect((await request(real.platform.url!, 'GET', '/api/list-aliases')).status).toBe(404);
  });

  it('follows services joining and leaving', async () => {
    const late = real.platform.broker.createService({
      name: 'late',
      settings: { rest: '/' },
      actions: { hello: { rest: 'GET /late/:who', auth: 'none', params: { who: 'string' }, handler: () => 'hi' } },
    }) as Service;
    await eventually(async () => (await fetchDocument()).paths['/api/v1/late/{who}'] !== undefined, 5_000, 'the new route in the document');
    await real.platform.broker.destroyService(late);
    await eventually(async () => (await fetchDocument()).paths['/api/v1/late/{who}'] === undefined, 5_000, 'the route to leave the document');
  });
});
