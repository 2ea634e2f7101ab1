import type { ServiceSchema } from 'moleculer';
import { request, startTestPlatform, type TestPlatform } from '../../test/support/test-platform';
import { findUnboundedInput, INPUT_BOUNDS } from './input-bounds';

/** A value nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? [value] : { inner: value };
  return value;
}

describe('findUnboundedInput', () => {
  it('accepts ordinary JSON, buffers and class instances', () => {
    expect(findUnboundedInput({ name: 'board', graph: { nodes: [{ id: 'a', inputs: { v: [1, 2, { x: null }] } }] }, limit: 5 })).toBeUndefined();
    expect(findUnboundedInput({ image: Buffer.alloc(200_000), when: new Date() })).toBeUndefined();
    expect(findUnboundedInput(undefined)).toBeUndefined();
  });

  it('names the field that holds a NUL byte, in a value or in a key', () => {
    expect(findUnboundedInput({ batch: { graph: { nodes: [{}, {}, {}, { inputs: { value: 'a\u0000b' } }] } } })).toEqual({
      code: 'nul_byte',
      field: 'batch.graph.nodes[3].inputs.value',
      message: 'must not contain a NUL byte (\\u0000)',
    });
    expect(findUnboundedInput({ layout: { 'odd\u0000key': 1 } })?.field).toBe('layout["odd\\u0000key"]');
    expect(findUnboundedInput({ name: '\u0000' })?.field).toBe('name');
  });

  it('refuses JSON nested past the bound without recursing, however deep', () => {
    expect(findUnboundedInput({ value: nested(INPUT_BOUNDS.maxDepth - 1) })).toBeUndefined();
    const deep = findUnboundedInput({ value: nested(100_000) });
    expect(deep?.code).toBe('too_deep');
    expect(deep?.field).toMatch(/^value(\.inner|\[0\]){11}…$/);
  });

  it('refuses more values than the bound, counting before walking', () => {
    expect(findUnboundedInput({ wide: new Array(INPUT_BOUNDS.maxValues + 1).fill(0) })).toEqual(jasmine.objectContaining({ code: 'too_many_values', field: 'wide' }));
    expect(findUnboundedInput({ wide: new Array(1000).fill(0) })).toBeUndefined();
  });
});

describe('the bounded validator, at the gateway', () => {
  let platform: TestPlatform;
  const seen: unknown[] = [];
  const things: ServiceSchema = {
    name: 'things',
    settings: { rest: '/' },
    actions: {
      rename: {
        rest: 'PATCH /things/:id',
        auth: 'none',
        params: { id: { type: 'string', max: 50 }, name: { type: 'string', max: 100 }, extra: { type: 'any', optional: true } },
        handler: (ctx) => ctx.params,
      },
      internal: { params: { blob: { type: 'any' } }, handler: (ctx) => seen.push(ctx.params) },
    },
  };

  beforeAll(async () => {
    platform = await startTestPlatform([things]);
  });
  afterAll(() => platform.stop());

  it('refuses a NUL byte in a body, a path parameter or a query with 422 naming the field', async () => {
    for (const [path, body, field] of [
      ['/things/1', { name: 'a\u0000b' }, 'name'],
      ['/things/a%00b', { name: 'fine' }, 'id'],
      ['/things/1?extra=%00', { name: 'fine' }, 'extra'],
    ] as const) {
      const response = await request<{ error: { code: string; message: string; issues: { field: string; code: string }[] } }>(platform.url, 'PATCH', path, { body });
      expect(response.status).withContext(path).toBe(422);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.issues).toEqual([jasmine.objectContaining({ field, code: 'nul_byte' })]);
      expect(response.body.error.message).toContain(`'${field}'`);
    }
  });

  it('refuses JSON 5,000 deep before the validator, which would overflow writing it into its message', async () => {
    const rawBody = `{"name":${'['.repeat(5_000)}1${']'.repeat(5_000)}}`;
    const response = await request<{ error: { issues: { field: string; code: string }[] } }>(platform.url, 'PATCH', '/things/1', { rawBody, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(422);
    expect(response.body.error.issues[0]).toEqual(jasmine.objectContaining({ code: 'too_deep' }));
    expect(response.body.error.issues[0]!.field).toMatch(/^name\[0\]/);
  });

  it('still validates, and leaves the cluster\'s own calls unbounded', async () => {
    expect((await request(platform.url, 'PATCH', '/things/1', { body: { name: 5 } })).status).toBe(422);
    expect((await request(platform.url, 'PATCH', '/things/1', { body: { name: 'fine' } })).status).toBe(200);
    await platform.broker.call('things.internal', { blob: { text: 'a\u0000b', wide: new Array(200_000).fill(0) } });
    expect(seen.length).toBe(1);
  });
});
