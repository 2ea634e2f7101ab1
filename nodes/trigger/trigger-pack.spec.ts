import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { edge, graph, MemoryContextHost, node } from '@pinksea/node-sdk/testing';
import { buildCatalogue } from '../../engine/catalogue';
import { LruInvocationCache } from '../../engine/execution/invocation-cache';
import { runGraph, type RunResult } from '../../engine/execution/run-graph';
import type { Graph } from '../../engine/graph/graph';
import { validateGraph } from '../../engine/graph/validate-graph';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';

const TRIGGERS = ['trigger.event', 'trigger.manual', 'trigger.schedule', 'trigger.webhook'];
const EXPECTED_TYPES = [...TRIGGERS, 'trigger.respond'].sort();

describe('the trigger pack', () => {
  const manifestNodes = (): string[] => JSON.parse(readFileSync(path.join(__dirname, 'package.json'), 'utf8')).pinksea.nodes;
  let registry: NodeRegistry;

  beforeAll(async () => {
    registry = new NodeRegistry();
    await loadPackFromFolder(__dirname, registry);
    await loadPackFromFolder(path.resolve(__dirname, '../core'), registry);
  });

  it('loads from its folder with every listed node type, each file named after its type id', async () => {
    const own = new NodeRegistry();
    const pack = await loadPackFromFolder(__dirname, own);
    expect(pack.manifest.name).toBe('@pinksea/nodes-trigger');
    expect([...pack.types].sort()).toEqual(EXPECTED_TYPES);
    const files = readdirSync(__dirname).filter((file) => file.endsWith('.node.ts'));
    expect([...manifestNodes()].sort()).toEqual(files.sort());
    for (const file of files) expect(own.lookup(`trigger.${file.replace(/\.node\.ts$/, '')}`).ok).withContext(file).toBeTrue();
  });

  it('puts every node in "triggers", uncached, at 1.0.0, needing no GPU or network', () => {
    for (const type of EXPECTED_TYPES) {
      const found = registry.lookup(type);
      if (!found.ok) throw new Error(found.message);
      const { definition } = found;
      expect(definition.category).withContext(type).toBe('triggers');
      expect(definition.useCache).withContext(type).toBeFalse();
      expect(definition.version).withContext(type).toBe('1.0.0');
      expect(definition.tags.length).withContext(type).toBeGreaterThan(2);
      expect(definition.needs).withContext(type).toEqual({ gpu: false, models: [], network: false });
    }
  });

  it('gives every trigger the hidden, optional "payload" input, last, in the catalogue', () => {
    const catalogue = buildCatalogue(registry);
    for (const type of TRIGGERS) {
      const payload = catalogue.find((entry) => entry.type === type)?.inputs.find((input) => input.name === 'payload');
      expect(payload).withContext(type).toEqual(jasmine.objectContaining({ kind: 'any', required: false, ui: jasmine.objectContaining({ hidden: true, order: 99 }) }));
    }
    expect(catalogue.find((entry) => entry.type === 'trigger.respond')?.inputs.map((input) => input.name)).toEqual(['status', 'body', 'image']);
  });

  it('refuses settings out of range or connected, naming the node and field, before anything runs', () => {
    const issues = validateGraph(
      graph(
        [
          node('clock', 'trigger.schedule', { intervalSeconds: -1, catchUpWindowMinutes: 20_000, catchUp: 'never' }),
          node('hook', 'trigger.webhook', { timeoutSeconds: 301, maxBodyKb: 0 }),
          node('zone', 'core.string', { value: 'UTC' }),
        ],
        [edge('zone.value', 'clock.cron')],
      ),
      registry,
    );
    const where = issues.map((issue) => `${issue.nodeId}.${issue.field}:${issue.code}`).sort();
    expect(where).toEqual([
      'clock.catchUp:invalid_value',
      'clock.catchUpWindowMinutes:invalid_value',
      'clock.cron:direct_only',
      'clock.intervalSeconds:invalid_value',
      'hook.maxBodyKb:invalid_value',
      'hook.timeoutSeconds:invalid_value',
    ]);
  });

  describe('a webhook that answers: webhook → JSON Get → Text Template → JSON Object → Respond', () => {
    /** The graph a person would draw; the platform sets `payload` on the webhook node before the run. */
    function answering(payload?: unknown): Graph {
      return graph(
        [
          node('hook', 'trigger.webhook', { mode: 'sync', ...(payload === undefined ? {} : { payload }) }),
          node('name', 'core.json_get', { path: 'customer.name', default: 'there' }),
          node('sku', 'core.json_get', { path: 'order.items[0].sku', default: 'nothing' }),
          node('greeting', 'core.template', { template: 'Hello {a}, your order of {b} is ready' }),
          node('reply', 'core.json_build', { keyA: 'message', keyB: 'delivery' }),
          node('respond', 'trigger.respond', { status: 201 }),
        ],
        [
          edge('hook.body', 'name.value'),
          edge('hook.body', 'sku.value'),
          edge('name.text', 'greeting.a'),
          edge('sku.text', 'greeting.b'),
          edge('greeting.value', 'reply.valueA'),
          edge('hook.deliveryId', 'reply.valueB'),
          edge('reply.value', 'respond.body'),
          edge('hook.image', 'respond.image'),
        ],
      );
    }

    async function run(candidate: Graph): Promise<RunResult> {
      const result = await runGraph(candidate, { registry, host: new MemoryContextHost() });
      expect(result.error).withContext('run error').toBeUndefined();
      expect(result.status).toBe('completed');
      return result;
    }

    const REQUEST = {
      body: { customer: { name: 'Ada' }, order: { items: [{ sku: 'SKU-1' }, { sku: 'SKU-2' }] } },
      query: {},
      headers: { 'content-type': 'application/json' },
      receivedAt: '2025-03-01T09:30:00.000Z',
      deliveryId: 'dlv_1',
    };

    it('answers with what the request carried', async () => {
      const result = await run(answering(REQUEST));
      expect(result.outputsOf('respond')).toEqual([
        { response: { status: 201, body: { message: 'Hello Ada, your order of SKU-1 is ready', delivery: 'dlv_1' }, image: null } },
      ]);
    });

    it('passes a posted image through to the answer', async () => {
      const result = await run(answering({ ...REQUEST, image: { imageName: 'posted.png' } }));
      expect(result.outputsOf('respond')[0]?.['response']).toEqual(jasmine.objectContaining({ image: { imageName: 'posted.png' } }));
    });

    it('falls back to the defaults when the request lacks the fields', async () => {
      const result = await run(answering({ ...REQUEST, body: { order: { items: [] } } }));
      expect(result.outputsOf('name')).toEqual([{ value: 'there', text: 'there', found: false }]);
      expect(result.outputsOf('respond')[0]?.['response']).toEqual(
        jasmine.objectContaining({ body: { message: 'Hello there, your order of nothing is ready', delivery: 'dlv_1' } }),
      );
    });

    it('still runs as a draft, with no payload, on sample values', async () => {
      const result = await run(answering());
      expect(result.outputsOf('respond')).toEqual([
        { response: { status: 201, body: { message: 'Hello there, your order of nothing is ready', delivery: 'test' }, image: null } },
      ]);
    });

    it('runs every time, even on the same payload: a trigger is never answered from the cache', async () => {
      const options = { registry, host: new MemoryContextHost(), cache: new LruInvocationCache() };
      await runGraph(answering(REQUEST), options);
      const again = await runGraph(answering(REQUEST), options);
      expect(again.runsOf('hook')[0]?.cached).toBeFalse();
      expect(again.runsOf('respond')[0]?.cached).toBeFalse();
      expect(options.cache.size).toBeGreaterThan(0);
    });
  });

  describe('a request without an image', () => {
    it('runs a graph that does not use the image', async () => {
      const result = await runGraph(
        graph([node('hook', 'trigger.webhook', { payload: { body: { a: 1 }, query: {}, headers: {}, receivedAt: '2025-03-01T09:30:00Z', deliveryId: 'd' } }), node('a', 'core.json_get', { path: 'a' })], [edge('hook.body', 'a.value')]),
        { registry, host: new MemoryContextHost() },
      );
      expect(result.status).toBe('completed');
      expect(result.outputsOf('hook')[0]?.['image']).toBeNull();
      expect(result.outputsOf('a')[0]?.['value']).toBe(1);
    });

    it('fails at the node that needs the image, not at the webhook', async () => {
      const withImages = new NodeRegistry();
      for (const pack of ['trigger', 'image']) await loadPackFromFolder(path.resolve(__dirname, '..', pack), withImages);
      const result = await runGraph(
        graph(
          [node('hook', 'trigger.webhook'), node('resize', 'image.resize', { width: 8, height: 8 })],
          [edge('hook.image', 'resize.image')],
        ),
        { registry: withImages, host: new MemoryContextHost() },
      );
      expect(result.status).toBe('failed');
      expect(result.nodeStatus('hook')).toBe('completed');
      expect(result.nodeStatus('resize')).toBe('failed');
      expect(result.error?.nodeId).toBe('resize');
    });
  });
});
