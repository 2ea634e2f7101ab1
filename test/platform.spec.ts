/**
 * The platform end to end, in one process as `npm start` runs it: sign in, upload an image, run a
 * batch that resizes it to several widths and saves the results, follow it on the socket, and find
 * the results in the gallery with the graph embedded; another user sees none of it.
 */
import sharp from 'sharp';
import { io as connect, type Socket } from 'socket.io-client';
import { eventually } from './support/eventually';
import { useRealPlatform } from './support/real-platform';
import { useTestDatabase } from './support/test-database';
import { solidPng } from './support/test-images';
import { request } from './support/test-platform';

interface Session {
  accessToken: string;
  user: { id: string };
}

describe('the platform, end to end', () => {
  const db = useTestDatabase();
  const real = useRealPlatform(db, 'platform', { PINKSEA_ADMIN_EMAIL: 'admin@example.com', PINKSEA_ADMIN_PASSWORD: 'correct horse battery' });
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((socket) => socket.close()));

  const api = <T>(method: string, route: string, options: Parameters<typeof request>[3] = {}) => request<T>(real.platform.url!, method, route, options);

  async function register(email: string): Promise<Session> {
    const response = await api<Session>('POST', '/auth/register', { body: { email, password: 'a long enough password', displayName: email } });
    expect(response.status).withContext(JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  function listen(token: string, names: readonly string[]): Promise<{ socket: Socket; events: { name: string; payload: Record<string, unknown> }[] }> {
    const socket = connect(new URL(real.platform.url!).origin, { path: '/api/v1/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const events: { name: string; payload: Record<string, unknown> }[] = [];
    for (const name of names) socket.on(name, (payload) => events.push({ name, payload }));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve({ socket, events }));
      socket.once('connect_error', reject);
    });
  }

  it('runs items on a runner thread that advertises its pool, accelerator and providers, not on the HTTP thread', () => {
    const { broker } = real.platform;
    const local = (broker.getLocalNodeInfo() as unknown as { metadata: { role: string; worker?: unknown } }).metadata;
    expect(local.role).toBe('all');
    expect(local.worker).toBeUndefined();
    type Metadata = { role: string; worker?: { pool: string; providers: string[]; provider: string; cacheFreeBytes: number } };
    const nodes = broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as unknown as { id: string; metadata: Metadata }[];
    const runners = nodes.filter((node) => node.metadata.worker);
    expect(runners.map((node) => node.id)).toEqual([`${broker.nodeID}-runner-1`]);
    const worker = runners[0]!.metadata.worker!;
    expect(runners[0]!.metadata.role).toBe('worker');
    expect(worker).toEqual(jasmine.objectContaining({ pool: 'basic', provider: 'cpu' }));
    expect(worker.providers).toContain('cpu');
    expect(worker.cacheFreeBytes).toBeGreaterThan(0);
  });

  it('created the configured admin on first start', async () => {
    expect(real.platform.admin).toEqual({ created: true, email: 'admin@example.com' });
    const login = await api<Session>('POST', '/auth/login', { body: { email: 'admin@example.com', password: 'correct horse battery' } });
    expect(login.status).toBe(200);
  });

  it('runs a batch from upload to gallery, streaming its events to its owner only', async () => {
    const alice = await register('alice@example.com');
    const bob = await register('bob@example.com');
    const aliceEvents = await listen(alice.accessToken, ['batch_enqueued', 'queue_item_status_changed', 'invocation_complete']);
    const bobEvents = await listen(bob.accessToken, ['batch_enqueued', 'queue_item_status_changed', 'invocation_complete']);

    const upload = await api<{ name: string }>('POST', '/images/upload', { rawBody: await solidPng(64, 40), headers: { 'content-type': 'image/png' }, token: alice.accessToken });
    expect(upload.status).withContext(JSON.stringify(upload.body)).toBe(201);

    const graph = {
      nodes: [
        { id: 'source', type: 'image.load', inputs: { image: { imageName: upload.body.name } } },
        { id: 'resize', type: 'image.resize', inputs: { width: 32, height: 20 } },
        { id: 'keep', type: 'image.save' },
      ],
      edges: [
        { source: { nodeId: 'source', field: 'image' }, destination: { nodeId: 'resize', field: 'image' } },
        { source: { nodeId: 'resize', field: 'image' }, destination: { nodeId: 'keep', field: 'image' } },
      ],
    };
    const data = [[{ nodeId: 'resize', field: 'width', items: [16, 48] }]];
    const enqueued = await api<{ batchId: string; enqueued: number }>('POST', '/queue/default/enqueue_batch', { body: { batch: { graph, data } }, token: alice.accessToken });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    expect(enqueued.body.enqueued).toBe(2);

    await eventually(async () => (await api<{ completed: number }>('GET', '/queue/default/status', { token: alice.accessToken })).body.completed === 2, 30_000, 'both items to complete');

    const gallery = await api<{ items: { name: string; width: number; height: number; intermediate: boolean }[]; total: number }>('GET', '/images?limit=50', { token: alice.accessToken });
    const results = gallery.body.items.filter((image) => image.name !== upload.body.name);
    expect(results.map((image) => image.width).sort((a, b) => a - b)).toEqual([16, 48]);
    expect(results.every((image) => image.height === 20 && !image.intermediate)).toBeTrue();

    const full = await fetch(`${real.platform.url}/images/${results[0]!.name}/full`, { headers: { authorization: `Bearer ${alice.accessToken}` } });
    const pixels = await sharp(Buffer.from(await full.arrayBuffer())).metadata();
    expect([pixels.format, pixels.height]).toEqual(['png', 20]);
    const metadata = await api<{ graph: { nodes: { id: string }[] } | null }>('GET', `/images/${results[0]!.name}/metadata`, { token: alice.accessToken });
    expect(metadata.body.graph?.nodes.map((node) => node.id)).toEqual(['source', 'resize', 'keep']);

    await eventually(() => aliceEvents.events.filter((event) => event.name === 'queue_item_status_changed' && event.payload['status'] === 'completed').length === 2, 5_000, 'completion events');
    expect(aliceEvents.events.some((event) => event.name === 'batch_enqueued' && event.payload['batchId'] === enqueued.body.batchId)).toBeTrue();
    expect(aliceEvents.events.filter((event) => event.name === 'invocation_complete').length).toBe(6);
    expect(bobEvents.events).toEqual([]);

    const bobsView = await api<{ total: number }>('GET', '/images', { token: bob.accessToken });
    expect(bobsView.body.total).toBe(0);
    const [item] = (await api<{ items: { id: string }[] }>('GET', '/queue/default/list', { token: alice.accessToken })).body.items;
    expect((await api('GET', `/queue/default/i/${item!.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api('GET', `/images/${results[0]!.name}/full`, { token: bob.accessToken })).status).toBe(404);
  }, 60_000);

  it('reuses a step\'s results when its owner runs the same inputs again, and only for that owner', async () => {
    const grace = await register('grace@example.com');
    const henry = await register('henry@example.com');
    const graceEvents = await listen(grace.accessToken, ['invocation_complete', 'invocation_cached']);
    const henryEvents = await listen(henry.accessToken, ['invocation_complete', 'invocation_cached']);
    const graph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 40.5, b: 1.5 } }], edges: [] };
    type Item = { status: string; results: { outputs: { sum: { value: number }[] } } | null };
    const runAs = async (token: string, expected: number) => {
      expect((await api('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token })).status).toBe(200);
      let items: Item[] = [];
      await eventually(async () => {
        items = (await api<{ items: Item[] }>('GET', '/queue/default/list?status=completed', { token })).body.items;
        return items.length === expected;
      }, 30_000, 'the item to complete');
      return items;
    };
    await runAs(grace.accessToken, 1);
    const twice = await runAs(grace.accessToken, 2);
    await runAs(henry.accessToken, 1);
    expect(twice.map((item) => item.results?.outputs.sum[0]!.value)).toEqual([42, 42]);
    await eventually(() => graceEvents.events.length === 2 && henryEvents.events.length === 1, 5_000, 'the invocation events');
    expect(graceEvents.events.map((event) => event.name)).toEqual(['invocation_complete', 'invocation_cached']);
    expect(graceEvents.events[1]!.payload['outputs']).toEqual({ value: 42 });
    // Another tenant's identical step is computed, not answered from the first one's results.
    expect(henryEvents.events.map((event) => event.name)).toEqual(['invocation_complete']);
  }, 60_000);

  it('records only the images a run\'s results name, unless the batch asks to keep every working image', async () => {
    const ivy = await register('ivy@example.com');
    const graph = {
      nodes: [
        { id: 'text', type: 'image.render_text', inputs: { text: 'work', fontSize: 16, width: 64, height: 32 } },
        { id: 'small', type: 'image.resize', inputs: { width: 32, height: 16 } },
      ],
      edges: [{ source: { nodeId: 'text', field: 'image' }, destination: { nodeId: 'small', field: 'image' } }],
    };
    type Item = { id: string; results: { outputs: { small: { image: { imageName: string } }[] } } };
    const run = async (keepIntermediates: boolean) => {
      const { batchId } = (await api<{ batchId: string }>('POST', '/queue/default/enqueue_batch', { body: { batch: { graph }, keepIntermediates }, token: ivy.accessToken })).body;
      let item: Item | undefined;
      await eventually(async () => {
        item = (await api<{ items: (Item & { status: string })[] }>('GET', `/queue/default/list?batchId=${batchId}&status=completed`, { token: ivy.accessToken })).body.items[0];
        return item !== undefined;
      }, 30_000, 'the item to complete');
      const images = (await api<{ items: { name: string; sessionId: string | null; width: number }[] }>('GET', '/images?includeIntermediate=true&limit=200', { token: ivy.accessToken })).body.items;
      return { result: item!.results.outputs.small[0]!.image.imageName, recorded: images.filter((image) => image.sessionId === item!.id) };
    };
    const lean = await run(false);
    expect(lean.recorded.map((image) => [image.name, image.width])).toEqual([[lean.result, 32]]);
    const full = await fetch(`${real.platform.url}/images/${lean.result}/full`, { headers: { authorization: `Bearer ${ivy.accessToken}` } });
    expect((await sharp(Buffer.from(await full.arrayBuffer())).metadata()).width).toBe(32);
    const kept = await run(true);
    expect(kept.recorded.map((image) => image.width).sort((a, b) => a - b)).toEqual([32, 64]);
  }, 60_000);

  it('lets admins, and only admins, see a user\'s items through the admin routes', async () => {
    const erin = await register('erin@example.com');
    const admin = (await api<Session>('POST', '/auth/login', { body: { email: 'admin@example.com', password: 'correct horse battery' } })).body;
    const graph = { nodes: [{ id: 'sum', type: 'core.add', inputs: { a: 1, b: 1 } }], edges: [] };
    await api('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token: erin.accessToken });
    const asAdmin = await api<{ total: number }>('GET', `/admin/queue/default/list?ownerId=${erin.user.id}`, { token: admin.accessToken });
    expect([asAdmin.status, asAdmin.body.total]).toEqual([200, 1]);
    const images = await api<{ total: number }>('GET', `/admin/images?ownerId=${erin.user.id}`, { token: admin.accessToken });
    expect(images.status).toBe(200);
    const asUser = await api('GET', `/admin/queue/default/list?ownerId=${erin.user.id}`, { token: erin.accessToken });
    expect(asUser.status).toBe(403);
    expect((await api('GET', `/admin/images?ownerId=${admin.user.id}`, { token: erin.accessToken })).status).toBe(403);
  });

  it('reads text in a queue item with the packaged OCR models, loaded through the worker\'s model cache', async () => {
    const frank = await register('frank@example.com');
    const models = await api<{ items: { key: string; type: string }[] }>('GET', '/models?limit=50', { token: frank.accessToken });
    const keyOf = (type: string) => models.body.items.find((model) => model.type === type)!.key;
    const graph = {
      nodes: [
        { id: 'sign', type: 'image.render_text', inputs: { text: 'PINK 42', fontSize: 64, width: 480, height: 160, align: 'center', background: { r: 255, g: 255, b: 255, a: 255 } } },
        { id: 'read', type: 'ocr.recognize_text', inputs: { detectionModel: { key: keyOf('ocr_detection') }, recognitionModel: { key: keyOf('ocr_recognition') } } },
      ],
      edges: [{ source: { nodeId: 'sign', field: 'image' }, destination: { nodeId: 'read', field: 'image' } }],
    };
    const enqueued = await api<{ batchId: string }>('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token: frank.accessToken });
    expect(enqueued.status).withContext(JSON.stringify(enqueued.body)).toBe(200);
    let item: { status: string; results: { outputs: { read: { text: string }[] } }; error: unknown; acceleratorSeconds: number } | undefined;
    await eventually(async () => {
      const list = await api<{ items: (typeof item & object)[] }>('GET', '/queue/default/list', { token: frank.accessToken });
      item = list.body.items[0];
      return item?.status === 'completed' || item?.status === 'failed';
    }, 60_000, 'the OCR item to finish');
    expect(item!.error).toBeNull();
    expect(item!.results.outputs.read[0]!.text).toBe('PINK 42');
    // The OCR step needs a GPU (it ran on the CPU provider here): its time is recorded for billing; the text rendering's is not.
    expect(item!.acceleratorSeconds).toBeGreaterThan(0);
    expect(item!.acceleratorSeconds).toBeLessThan(60);
  }, 90_000);

  it('answers a bad batch with 422 naming the node and field, and queues nothing', async () => {
    const carol = await register('carol@example.com');
    const graph = { nodes: [{ id: 'r', type: 'image.resize', inputs: { width: 'wide' } }], edges: [] };
    const response = await api<{ error: { code: string; issues: { nodeId: string; field: string }[] } }>('POST', '/queue/default/enqueue_batch', { body: { batch: { graph } }, token: carol.accessToken });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('graph_invalid');
    expect(response.body.error.issues).toContain(jasmine.objectContaining({ nodeId: 'r', field: 'width' }));
    expect((await api<{ total: number }>('GET', '/queue/default/status', { token: carol.accessToken })).body.total).toBe(0);
  });
});
