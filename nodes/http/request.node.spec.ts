import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { NetworkPolicy } from '@pinksea/node-sdk';
import { createTestContext, expectNodeError, invokeNode, MemoryContextHost, rejectionOf, type CredentialSecret } from '@pinksea/node-sdk/testing';
import { bytes, json, redirect, startTestServer, TEST_NETWORK, type TestServer } from './http-testing';
import request from './request.node';

const TOKEN = 'sk-live-0123456789abcdef';
const CREDENTIALS = new Map<string, CredentialSecret>([
  ['bearer-1', { kind: 'bearer', token: TOKEN }],
  ['basic-1', { kind: 'basic', username: 'ada', password: 'pässword' }],
  ['header-1', { kind: 'header', headerName: 'X-Api-Key', value: TOKEN }],
  ['query-1', { kind: 'query', paramName: 'api_key', value: TOKEN }],
]);

describe('http.request', () => {
  let server: TestServer;
  let other: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    other = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    await other.close();
  });
  beforeEach(() => {
    server.received.length = 0;
    server.routes.clear();
    other.received.length = 0;
    other.routes.clear();
  });

  function context(options: { network?: NetworkPolicy | null; credentials?: boolean; signal?: AbortSignal } = {}) {
    const network = options.network === null ? undefined : (options.network ?? TEST_NETWORK);
    const host = new MemoryContextHost(undefined, { ...(network ? { network } : {}), ...(options.credentials === false ? {} : { credentials: CREDENTIALS }) });
    return createTestContext({ host, type: 'http.request', ...(options.signal ? { signal: options.signal } : {}) });
  }
  const call = (inputs: Parameters<typeof invokeNode<typeof request.inputs, typeof request.outputs>>[1], ctx = context().ctx) => invokeNode(request, inputs, ctx);

  it('reads a JSON answer into json and text, with status, ok and lower-case headers', async () => {
    server.routes.set('/items', json({ items: [1, 2] }, 200, { 'X-Total': '2' }));
    const result = await call({ url: `${server.base}/items` });
    expect(result).toEqual({ status: 200, ok: true, headers: jasmine.objectContaining({ 'content-type': 'application/json', 'x-total': '2' }), json: { items: [1, 2] }, text: '{"items":[1,2]}', image: null as never });
    expect(server.received[0]).toEqual(jasmine.objectContaining({ method: 'GET', url: '/items' }));
    expect(server.received[0]!.headers['user-agent']).toBe('Pinksea-HTTP/1.0');
  });

  it('reads text as text, and decodes a gzip answer', async () => {
    server.routes.set('/text', bytes('plain words', 'text/plain; charset=utf-8'));
    server.routes.set('/zipped', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ zipped: true })));
    });
    expect(await call({ url: `${server.base}/text` })).toEqual(jasmine.objectContaining({ text: 'plain words', json: null }));
    expect((await call({ url: `${server.base}/zipped` })).json).toEqual({ zipped: true });
    // responseType json reads any answer as JSON, and says so when it is not.
    await expectNodeError(() => call({ url: `${server.base}/text`, responseType: 'json' }), 'invalid_json_response', 'responseType');
  });

  it('saves an image answer as an intermediate image and passes it on', async () => {
    const png = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#00ff00' } }).png().toBuffer();
    server.routes.set('/picture', bytes(png, 'image/png'));
    const { ctx, host } = context();
    const result = await call({ url: `${server.base}/picture` }, ctx);
    expect(result.text).toBe('');
    expect(result.json).toBeNull();
    const stored = host.images.images.get(result.image.imageName)!;
    expect(stored).toEqual(jasmine.objectContaining({ format: 'png', width: 3, height: 2, intermediate: true }));
    expect(Buffer.from(stored.data)).toEqual(png);
    // Asked for an image, an answer that is none is refused rather than stored.
    server.routes.set('/page', bytes('<html></html>', 'text/html'));
    await expectNodeError(() => call({ url: `${server.base}/page`, responseType: 'image' }), 'not_an_image', 'responseType');
  });

  it('sends the method, query parameters, headers and a JSON, text or form body', async () => {
    server.routes.set('/echo', json({ ok: 1 }));
    await call({ method: 'POST', url: `${server.base}/echo?a=1`, query: { b: 2, tags: ['x', 'y'] }, headers: { 'X-Trace': 'abc', Accept: 'application/json' }, body: { name: 'Ada' } });
    await call({ method: 'PUT', url: `${server.base}/echo`, body: 'raw words', bodyType: 'text' });
    await call({ method: 'PATCH', url: `${server.base}/echo`, body: { q: 'a b', n: [1, 2] }, bodyType: 'form' });
    const [post, put, patch] = server.received;
    expect([post!.method, post!.url, post!.headers['x-trace'], post!.headers['accept'], post!.headers['content-type']]).toEqual(['POST', '/echo?a=1&b=2&tags=x&tags=y', 'abc', 'application/json', 'application/json']);
    expect(JSON.parse(post!.body.toString())).toEqual({ name: 'Ada' });
    expect([put!.method, put!.body.toString(), put!.headers['content-type']]).toEqual(['PUT', 'raw words', 'text/plain; charset=utf-8']);
    expect([patch!.method, patch!.body.toString(), patch!.headers['content-type']]).toEqual(['PATCH', 'q=a+b&n=1&n=2', 'application/x-www-form-urlencoded']);
  });

  it('refuses header injection, bad header names, a body on GET and malformed query or headers, naming the input', async () => {
    await expectNodeError(() => call({ url: `${server.base}/x`, headers: { 'X-A': 'one\r\nX-Injected: yes' } }), 'invalid_header', 'headers');
    await expectNodeError(() => call({ url: `${server.base}/x`, headers: { 'Bad Name': 'v' } }), 'invalid_header', 'headers');
    await expectNodeError(() => call({ url: `${server.base}/x`, headers: { Host: 'elsewhere.example' } }), 'invalid_header', 'headers');
    await expectNodeError(() => call({ url: `${server.base}/x`, headers: ['not', 'an object'] }), 'invalid_value', 'headers');
    await expectNodeError(() => call({ url: `${server.base}/x`, query: { nested: { no: 1 } } }), 'invalid_query', 'query');
    await expectNodeError(() => call({ url: `${server.base}/x`, body: { a: 1 } }), 'body_not_allowed', 'body');
    expect(server.received).toEqual([]);
  });

  it('applies a stored credential: bearer, basic, header and query, as the server sees them', async () => {
    server.routes.set('/private', json({ ok: true }));
    await call({ url: `${server.base}/private`, credential: 'bearer-1' });
    await call({ url: `${server.base}/private`, credential: 'basic-1' });
    await call({ url: `${server.base}/private`, credential: 'header-1' });
    await call({ url: `${server.base}/private?page=2`, credential: 'query-1' });
    const [bearer, basic, header, query] = server.received;
    expect(bearer!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(basic!.headers.authorization).toBe(`Basic ${Buffer.from('ada:pässword', 'utf8').toString('base64')}`);
    expect(header!.headers['x-api-key']).toBe(TOKEN);
    expect(header!.headers.authorization).toBeUndefined();
    expect(query!.url).toBe(`/private?page=2&api_key=${TOKEN}`);
  });

  it('keeps the secret out of outputs, errors and logs', async () => {
    server.routes.set('/private', json({ ok: true }));
    const { ctx, host } = context();
    const result = await call({ url: `${server.base}/private`, credential: 'query-1' }, ctx);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(host.credentials!.used).toEqual(['query-1']);
    // A failing call, the credential applied: the error names the status, not the request.
    server.routes.set('/denied', json({ echoed: `Bearer ${TOKEN}` }, 401));
    const error = await rejectionOf(call({ url: `${server.base}/denied`, credential: 'bearer-1' }, ctx));
    expect(error).toEqual(jasmine.objectContaining({ code: 'http_error', field: 'url', kind: 'user' }));
    expect(JSON.stringify(error) + String(error)).not.toContain(TOKEN);
    expect(JSON.stringify(host.logs)).not.toContain(TOKEN);
  });

  it('refuses an id that is not one of the owner’s credentials, and says so where a host offers none', async () => {
    await expectNodeError(() => call({ url: `${server.base}/x`, credential: 'someone-elses' }), 'unknown_credential', 'credential');
    await expectNodeError(() => call({ url: `${server.base}/x`, credential: 'bearer-1' }, context({ credentials: false }).ctx), 'credentials_unavailable', 'credential');
    expect(server.received).toEqual([]);
  });

  it('passes a 4xx or 5xx on when failOnHttpError is off, and fails with it otherwise', async () => {
    server.routes.set('/missing', json({ error: 'nope' }, 404));
    server.routes.set('/broken', json({ error: 'down' }, 503));
    expect(await call({ url: `${server.base}/missing`, failOnHttpError: false })).toEqual(jasmine.objectContaining({ status: 404, ok: false, json: { error: 'nope' } }));
    await expectNodeError(() => call({ url: `${server.base}/missing` }), 'http_error', 'url');
    const transient = await rejectionOf(call({ url: `${server.base}/broken` }));
    expect(transient).toEqual(jasmine.objectContaining({ code: 'http_error', kind: 'transient' }));
  });

  it('stops at the timeout', async () => {
    server.routes.set('/slow', () => undefined);
    const started = Date.now();
    const error = await rejectionOf(call({ url: `${server.base}/slow`, timeoutSeconds: 1 }));
    expect(error).toEqual(jasmine.objectContaining({ code: 'http_timeout', field: 'timeoutSeconds', kind: 'transient' }));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops when the run is canceled', async () => {
    server.routes.set('/slow', () => undefined);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const error = await rejectionOf(call({ url: `${server.base}/slow` }, context({ signal: abort.signal }).ctx));
    expect(error).toEqual(jasmine.objectContaining({ code: 'canceled' }));
  });

  it('refuses an answer past maxResponseKb, declared or streamed', async () => {
    const big = Buffer.alloc(3 * 1024, 'a');
    server.routes.set('/declared', bytes(big, 'text/plain'));
    server.routes.set('/streamed', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let index = 0; index < 3; index++) response.write(Buffer.alloc(1024, 'b'));
      response.end();
    });
    server.routes.set('/bomb', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end(gzipSync(Buffer.alloc(1024 * 1024)));
    });
    await expectNodeError(() => call({ url: `${server.base}/declared`, maxResponseKb: 2 }), 'response_too_large', 'maxResponseKb');
    await expectNodeError(() => call({ url: `${server.base}/streamed`, maxResponseKb: 2 }), 'response_too_large', 'maxResponseKb');
    await expectNodeError(() => call({ url: `${server.base}/bomb`, maxResponseKb: 64 }), 'response_too_large', 'maxResponseKb');
    expect((await call({ url: `${server.base}/declared`, maxResponseKb: 3 })).text.length).toBe(3 * 1024);
  });

  it('follows redirects, at most five, turning a 303 into a GET', async () => {
    server.routes.set('/old', redirect('/new', 301));
    server.routes.set('/new', json({ here: true }));
    server.routes.set('/submit', redirect('/done', 303));
    server.routes.set('/done', json({ done: true }));
    server.routes.set('/loop', redirect('/loop'));
    expect((await call({ url: `${server.base}/old` })).json).toEqual({ here: true });
    expect((await call({ method: 'POST', url: `${server.base}/submit`, body: { a: 1 } })).json).toEqual({ done: true });
    expect(server.received.slice(2).map((received) => `${received.method} ${received.url} ${received.body.length}`)).toEqual(['POST /submit 7', 'GET /done 0']);
    server.received.length = 0;
    await expectNodeError(() => call({ url: `${server.base}/loop` }), 'too_many_redirects', 'url');
    expect(server.received.length).toBe(6);
  });

  it('refuses a redirect to a private address, though a server waits there', async () => {
    other.routes.set('/secret', json({ leaked: true }));
    // Only the first server is admitted: the second listens on 127.0.0.1 too, under another name.
    const network: NetworkPolicy = { allowPrivateAddresses: false, allowedAddresses: ['127.0.0.1'] };
    for (const target of [`http://[::ffff:127.0.0.2]:${other.base.split(':')[2]}/secret`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::1]/']) {
      server.routes.set('/go', redirect(target));
      const error = await rejectionOf(call({ url: `${server.base}/go` }, context({ network }).ctx));
      expect(error).withContext(target).toEqual(jasmine.objectContaining({ code: 'url_not_allowed', field: 'url' }));
      expect(String((error as Error).message)).withContext(target).toContain('redirected to a URL that is not allowed');
    }
    expect(other.received).toEqual([]);
  });

  it('sends a credential’s headers only to the origin it started at', async () => {
    other.routes.set('/landing', json({ ok: true }));
    server.routes.set('/hop', redirect(`${other.base.replace('127.0.0.1', 'localhost')}/landing`));
    const allowBoth: NetworkPolicy = { allowPrivateAddresses: true };
    await call({ url: `${server.base}/hop`, credential: 'bearer-1', headers: { Cookie: 'session=1', 'X-Keep': 'yes' } }, context({ network: allowBoth }).ctx);
    expect(server.received[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const landed = other.received[0]!;
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers.cookie).toBeUndefined();
    expect(landed.headers['x-keep']).toBe('yes');
  });

  it('refuses other schemes and garbage, naming the URL', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/x', 'javascript:alert(1)', 'not a url', '']) {
      await expectNodeError(() => call({ url }), 'url_not_allowed', 'url');
    }
  });

  it('refuses 127.0.0.1 and other private addresses with the default guard', async () => {
    server.routes.set('/items', json({ items: [] }));
    for (const url of [`${server.base}/items`, `http://localhost:${server.base.split(':')[2]}/items`, 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://192.168.0.1/']) {
      const error = await rejectionOf(call({ url }, context({ network: null }).ctx));
      expect(error).withContext(url).toEqual(jasmine.objectContaining({ code: 'url_not_allowed', field: 'url' }));
    }
    expect(server.received).toEqual([]);
    // The same URL with the platform's setting on reaches the server: the guard, not the network, refused it.
    expect((await call({ url: `${server.base}/items` }, context({ network: { allowPrivateAddresses: true } }).ctx)).json).toEqual({ items: [] });
  });
});
