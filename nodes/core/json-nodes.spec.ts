import jsonBuild from './json-build.node';
import jsonGet from './json-get.node';
import jsonParse from './json-parse.node';
import { expectNodeError, invokeNode } from '@pinksea/node-sdk/testing';

const ORDER = {
  order: { id: 'A-17', items: [{ sku: 'SKU-1', qty: 2 }, { sku: 'SKU-2', qty: 1 }], paid: false, note: null },
  'a.b': { c: 'dotted' },
  'say "hi"': 'quoted',
  list: [[10, 11], [20]],
};

describe('core.json_get', () => {
  const get = (path: string, value: unknown = ORDER, fallback?: unknown) =>
    invokeNode(jsonGet, { value, path, ...(fallback === undefined ? {} : { default: fallback }) });

  it('follows keys after dots and list positions in brackets', async () => {
    expect(await get('order.items[0].sku')).toEqual({ value: 'SKU-1', text: 'SKU-1', found: true });
    expect(await get('order.items[1].qty')).toEqual({ value: 1, text: '1', found: true });
    expect(await get('list[0][1]')).toEqual({ value: 11, text: '11', found: true });
  });

  it('gives the whole value for an empty path, and non-text values as JSON text', async () => {
    expect(await get('', [1, 'two'])).toEqual({ value: [1, 'two'], text: '[1,"two"]', found: true });
    expect(await get('order.items[1]')).toEqual({ value: { sku: 'SKU-2', qty: 1 }, text: '{"sku":"SKU-2","qty":1}', found: true });
    expect(await get('order.paid')).toEqual({ value: false, text: 'false', found: true });
  });

  it('finds a null that is there, unlike a key that is not', async () => {
    expect(await get('order.note', ORDER, 'fallback')).toEqual({ value: null, text: 'null', found: true });
    expect(await get('order.missing', ORDER, 'fallback')).toEqual({ value: 'fallback', text: 'fallback', found: false });
  });

  it('reads keys with dots or quotes when they are quoted in brackets', async () => {
    expect(await get('["a.b"].c')).toEqual({ value: 'dotted', text: 'dotted', found: true });
    expect(await get("['a.b'].c")).toEqual({ value: 'dotted', text: 'dotted', found: true });
    expect(await get('["say \\"hi\\""]')).toEqual({ value: 'quoted', text: 'quoted', found: true });
    // Unquoted, the dot splits the key: "a" is not there.
    expect((await get('a.b.c')).found).toBeFalse();
  });

  it('gives the default, or null, when the path leads nowhere, never an error', async () => {
    for (const path of ['order.items[5].sku', 'order.id.length', 'order.items.sku', 'order.items[0].sku.x', 'nothing', 'list[2]', 'list[1][1]']) {
      expect(await get(path)).withContext(path).toEqual({ value: null, text: 'null', found: false });
    }
    expect(await get('order.items[9]', ORDER, { sku: 'none' })).toEqual({ value: { sku: 'none' }, text: '{"sku":"none"}', found: false });
    expect(await get('x', 'just text')).toEqual({ value: null, text: 'null', found: false });
  });

  it('reads list positions written as dotted keys, and number-like keys of objects', async () => {
    expect((await get('order.items.1.sku')).value).toBe('SKU-2');
    expect((await get('codes[404]', { codes: { '404': 'missing' } })).value).toBe('missing');
    // A list's own "length" is no element of it.
    expect((await get('order.items.length')).found).toBeFalse();
  });

  it('never reaches an object prototype: __proto__, constructor and prototype are not found', async () => {
    for (const path of ['__proto__', 'order.__proto__', 'constructor', 'order.constructor.name', 'prototype', '["__proto__"]', 'toString', 'order.hasOwnProperty']) {
      expect(await get(path)).withContext(path).toEqual({ value: null, text: 'null', found: false });
    }
    // Even an own "__proto__" key (JSON.parse makes one) is refused.
    expect((await get('__proto__.polluted', JSON.parse('{"__proto__": {"polluted": true}}'))).found).toBeFalse();
  });

  it('refuses a malformed path, naming the field and what was expected there', async () => {
    for (const path of ['.order', 'order..id', 'order.', 'order[', 'order[x]', 'order[-1]', 'order[0', 'order]', 'order[0]x', '["a.b"', 'a.[0]']) {
      await expectNodeError(() => get(path), 'invalid_path', 'path');
    }
    const error = await get('order..id').catch((thrown: unknown) => thrown);
    expect(String((error as Error).message)).toContain('at character 7');
    expect(String((error as Error).message)).toContain('expected a key after "."');
  });
});

describe('core.json_build', () => {
  it('builds an object from the pairs whose key is set', async () => {
    const result = await invokeNode(jsonBuild, { keyA: 'prompt', valueA: 'a cat', keyB: 'seed', valueB: 7, valueC: 'no key', keyD: '' });
    expect(result).toEqual({ value: { prompt: 'a cat', seed: 7 } });
  });

  it('gives a key with no value null', async () => {
    expect(await invokeNode(jsonBuild, { keyA: 'answer' })).toEqual({ value: { answer: null } });
  });

  it('starts from a base object, the pairs overriding its keys, and leaves the base unchanged', async () => {
    const base = { status: 'draft', size: 512 };
    expect(await invokeNode(jsonBuild, { base, keyA: 'status', valueA: 'done' })).toEqual({ value: { status: 'done', size: 512 } });
    expect(base).toEqual({ status: 'draft', size: 512 });
    expect(await invokeNode(jsonBuild, { base: null, keyA: 'a', valueA: 1 })).toEqual({ value: { a: 1 } });
  });

  it('refuses a base that is not a JSON object', async () => {
    for (const base of [[1, 2], 'text', 3, new Date(0)]) await expectNodeError(() => invokeNode(jsonBuild, { base }), 'base_not_object', 'base');
  });

  it('refuses prototype keys, naming the key field, and leaves Object.prototype alone', async () => {
    await expectNodeError(() => invokeNode(jsonBuild, { keyB: '__proto__', valueB: { polluted: true } }), 'forbidden_key', 'keyB');
    await expectNodeError(() => invokeNode(jsonBuild, { keyC: 'constructor', valueC: 1 }), 'forbidden_key', 'keyC');
    await expectNodeError(() => invokeNode(jsonBuild, { keyD: 'prototype', valueD: 1 }), 'forbidden_key', 'keyD');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps an own "__proto__" key of the base as a plain key, not a prototype', async () => {
    const { value } = await invokeNode(jsonBuild, { base: JSON.parse('{"__proto__": {"polluted": true}}'), keyA: 'a', valueA: 1 });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value as object, '__proto__')).toBeTrue();
    expect((value as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses the same key twice, naming the later field', async () => {
    await expectNodeError(() => invokeNode(jsonBuild, { keyA: 'seed', valueA: 1, keyC: 'seed', valueC: 2 }), 'duplicate_key', 'keyC');
  });
});

describe('core.json_parse', () => {
  it('parses JSON text into data', async () => {
    expect(await invokeNode(jsonParse, { text: '{"size": 512, "tags": ["a", "b"], "ok": true}' })).toEqual({
      value: { size: 512, tags: ['a', 'b'], ok: true },
    });
    expect(await invokeNode(jsonParse, { text: ' "just text" ' })).toEqual({ value: 'just text' });
    expect(await invokeNode(jsonParse, { text: 'null' })).toEqual({ value: null });
  });

  it('refuses text that is not JSON, naming the field and where the parser stopped', async () => {
    await expectNodeError(() => invokeNode(jsonParse, { text: '{"size": 512,}' }), 'invalid_json', 'text');
    await expectNodeError(() => invokeNode(jsonParse, { text: '' }), 'invalid_json', 'text');
    const error = await invokeNode(jsonParse, { text: '{"size": 5x}' }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toMatch(/^The text is not valid JSON: .*position 10/);
  });

  it('takes 64 levels of nesting and refuses 65', async () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect((await invokeNode(jsonParse, { text: nested(64) })).value).toBeDefined();
    await expectNodeError(() => invokeNode(jsonParse, { text: nested(65) }), 'json_too_deep', 'text');
    await expectNodeError(() => invokeNode(jsonParse, { text: `{"a": ${nested(100_000)}}` }), 'json_too_deep', 'text');
  });
});
