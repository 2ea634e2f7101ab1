/**
 * ParamsOf and defineAction. Each case states the type twice over: `assertType<Equal<...>>()`
 * fails `npm run typecheck` unless the inferred type is exactly the one written, and a validator
 * built from the same rules (Moleculer's fastest-validator, as the broker uses it) must accept the
 * values the type allows and refuse the ones it does not.
 */
import { ServiceBroker, Validators, type ActionSchema, type ServiceSchema } from 'moleculer';
import { PAGE_PARAMS } from './request-params';
import { defineAction, typedRule, type ParamRules, type ParamsOf } from './action-params';
import { BoundedValidator } from './input-bounds';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `Check` is `true`: `assertType<Equal<A, B>>()` breaks the typecheck unless A is B. */
function assertType<Check extends true>(): Check | undefined {
  return undefined;
}

const validator = new Validators.Fastest();

/** The params after validation (defaults filled in, values converted), or the validator's refusal. */
function check(rules: ParamRules, params: Record<string, unknown>): { ok: true; params: Record<string, unknown> } | { ok: false } {
  const copy = structuredClone(params);
  const result = validator.compile(rules)(copy) as true | unknown[] | Promise<unknown>;
  return result === true ? { ok: true, params: copy } : { ok: false };
}

const accepts = (rules: ParamRules, params: Record<string, unknown>) => expect(check(rules, params).ok).withContext(JSON.stringify(params)).toBeTrue();
const refuses = (rules: ParamRules, params: Record<string, unknown>) => expect(check(rules, params).ok).withContext(JSON.stringify(params)).toBeFalse();

describe('ParamsOf', () => {
  it('types strings, numbers, booleans, uuids, emails, urls and dates, required unless optional', () => {
    const rules = {
      name: { type: 'string', min: 1, max: 10 },
      count: { type: 'number', integer: true, convert: true },
      ratio: { type: 'number' },
      on: { type: 'boolean', convert: true },
      id: { type: 'uuid' },
      email: { type: 'email' },
      site: { type: 'url' },
      when: { type: 'date', convert: true },
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { name: string; count: number; ratio: number; on: boolean; id: string; email: string; site: string; when: Date }>>();

    const good = { name: 'a', count: '3', ratio: 0.5, on: 'true', id: '0b8f9a5e-0c5e-4b8e-9a4e-2f9f7a1c9d10', email: 'a@example.com', site: 'https://example.com', when: '2026-01-02T03:04:05Z' };
    expect(check(rules, good)).toEqual({ ok: true, params: { ...good, count: 3, on: true, when: new Date('2026-01-02T03:04:05Z') } });
    for (const key of Object.keys(good)) refuses(rules, { ...good, [key]: undefined });
    for (const key of Object.keys(good)) refuses(rules, { ...good, [key]: null });
    refuses(rules, { ...good, count: '3.5' });
    refuses(rules, { ...good, ratio: '0.5' });
    refuses(rules, { ...good, name: 5 });
    refuses(rules, { ...good, when: 'not a date' });
  });

  it('makes an optional key optional and nullable, as the validator lets null through', () => {
    const rules = { board: { type: 'string', optional: true }, starred: { type: 'boolean', optional: true, convert: true } } as const;
    assertType<Equal<ParamsOf<typeof rules>, { board?: string | null; starred?: boolean | null }>>();

    accepts(rules, {});
    accepts(rules, { board: 'b', starred: false });
    expect(check(rules, { board: null, starred: null })).toEqual({ ok: true, params: { board: null, starred: null } });
    refuses(rules, { board: 5 });
  });

  it('makes a key with a default present after validation, and null stays only when nullable', () => {
    const rules = {
      ...PAGE_PARAMS,
      sort: { type: 'string', default: 'name' },
      note: { type: 'string', optional: true, nullable: true, default: '' },
      layout: { type: 'object', optional: true, nullable: true },
      parent: { type: 'string', nullable: true },
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { limit: number; offset: number; sort: string; note: string | null; layout?: Record<string, unknown> | null; parent: string | null }>>();

    expect(check(rules, { parent: null })).toEqual({ ok: true, params: { limit: 50, offset: 0, sort: 'name', note: '', parent: null } });
    expect(check(rules, { parent: 'p', limit: null, note: null })).toEqual({ ok: true, params: { parent: 'p', limit: 50, offset: 0, sort: 'name', note: null } });
    refuses(rules, {});
    refuses(rules, { parent: 'p', layout: [] });
    refuses(rules, { parent: 'p', limit: '1.5' });
  });

  it('types enums, string enums and strict equals as their values; a loose equal (==) as unknown', () => {
    const plans = ['free', 'pro'] as const;
    const rules = {
      role: { type: 'enum', values: ['admin', 'user'] },
      plan: { type: 'enum', values: [...plans], optional: true },
      size: { type: 'string', enum: ['s', 'm'] },
      agreed: { type: 'equal', value: true, strict: true },
      loose: { type: 'equal', value: 'yes' },
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { role: 'admin' | 'user'; plan?: 'free' | 'pro' | null; size: 's' | 'm'; agreed: true; loose: unknown }>>();

    const good = { role: 'user', plan: 'pro', size: 's', agreed: true, loose: 'yes' };
    accepts(rules, good);
    refuses(rules, { ...good, role: 'root' });
    refuses(rules, { ...good, plan: 'gold' });
    refuses(rules, { ...good, size: 'xl' });
    refuses(rules, { ...good, agreed: 'true' });
    // Why a loose equal is unknown: `==` lets an array of the value through.
    accepts(rules, { ...good, loose: ['yes'] });
  });

  it('types arrays by their items, optional items included', () => {
    const rules = {
      names: { type: 'array', min: 1, items: { type: 'string', min: 1 } },
      gaps: { type: 'array', items: { type: 'number', optional: true } },
      anything: { type: 'array' },
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { names: string[]; gaps: (number | null | undefined)[]; anything: unknown[] }>>();

    accepts(rules, { names: ['a'], gaps: [1, null], anything: [1, 'x', {}] });
    refuses(rules, { names: ['a', null], gaps: [], anything: [] });
    refuses(rules, { names: ['a'], gaps: ['1'], anything: [] });
    refuses(rules, { names: ['a'], gaps: [], anything: 'a' });
  });

  it('types objects by their props (or properties), and an object without them as a record', () => {
    const rules = {
      batch: {
        type: 'object',
        props: {
          graph: { type: 'object' },
          data: { type: 'array', optional: true, items: { type: 'object', props: { nodeId: 'string', items: 'array' } } },
          runs: { type: 'number', integer: true, optional: true },
        },
      },
      point: { type: 'object', properties: { x: 'number', y: 'number' } },
    } as const;
    type Expected = {
      batch: { graph: Record<string, unknown>; data?: { nodeId: string; items: unknown[] }[] | null; runs?: number | null };
      point: { x: number; y: number };
    };
    assertType<Equal<ParamsOf<typeof rules>, Expected>>();

    accepts(rules, { batch: { graph: {}, data: [{ nodeId: 'n', items: [] }] }, point: { x: 1, y: 2 } });
    accepts(rules, { batch: { graph: {}, data: null, runs: null }, point: { x: 1, y: 2 } });
    refuses(rules, { batch: { graph: [] }, point: { x: 1, y: 2 } });
    refuses(rules, { batch: { graph: {}, data: [{ nodeId: 'n' }] }, point: { x: 1, y: 2 } });
    refuses(rules, { batch: { graph: {} }, point: { x: 1 } });
  });

  it('types multi rules and alternatives as the union of their types', () => {
    const rules = {
      tags: { type: 'multi', optional: true, rules: [{ type: 'string' }, { type: 'array', items: 'string' }] },
      either: [{ type: 'number' }, { type: 'boolean' }],
      maybe: [{ type: 'number', optional: true }, { type: 'string', optional: true }],
      halfOptional: [{ type: 'number', optional: true }, { type: 'string' }],
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { tags?: string | string[] | null; either: number | boolean; maybe?: number | string | null; halfOptional: number | string }>>();

    accepts(rules, { tags: 'a,b', either: 1, halfOptional: 'x' });
    accepts(rules, { tags: ['a'], either: false, maybe: null, halfOptional: 2 });
    refuses(rules, { tags: [1], either: 1, halfOptional: 2 });
    refuses(rules, { either: 'x', halfOptional: 2 });
    refuses(rules, { either: 1 });
  });

  it('reads shorthand strings as parseShortHand does', () => {
    const rules = { name: 'string', nick: 'string|optional', tags: 'string[]|optional', age: 'number|default:5|convert' } as const;
    assertType<Equal<ParamsOf<typeof rules>, { name: string; nick?: string | null; tags?: string[] | null; age: number }>>();

    expect(check(rules, { name: 'n', age: '7' })).toEqual({ ok: true, params: { name: 'n', age: 7 } });
    expect(check(rules, { name: 'n' })).toEqual({ ok: true, params: { name: 'n', age: 5 } });
    accepts(rules, { name: 'n', nick: null, tags: ['a'] });
    refuses(rules, { name: 'n', tags: 'a' });
    refuses(rules, {});
  });

  it('ignores $$ options, requires any unless optional, types forbidden keys as absent, and leaves what it cannot read unknown', () => {
    const rules = {
      $$strict: true,
      blob: { type: 'any' },
      extra: { type: 'any', optional: true },
      secret: { type: 'forbidden' },
      checked: { type: 'string', custom: (value: string) => value.length },
      plugin: { type: 'luhn' },
    } as const;
    assertType<Equal<ParamsOf<typeof rules>, { blob: unknown; extra?: unknown; secret?: null; checked: unknown; plugin: unknown }>>();

    accepts(rules, { blob: 1, checked: 'abc', plugin: '4242424242424242' });
    // `any` still needs a value: fastest-validator checks presence before the rule.
    refuses(rules, { checked: 'abc', plugin: '4242424242424242' });
    refuses(rules, { blob: 1, secret: 'x', checked: 'abc', plugin: '4242424242424242' });
    refuses(rules, { blob: 1, checked: 'abc', plugin: '4242424242424242', unexpected: true });
    // The custom function's answer replaces the value, so its type is not the rule's.
    expect(check(rules, { blob: 1, checked: 'abc', plugin: '4242424242424242' })).toEqual({ ok: true, params: { blob: 1, checked: 3, plugin: '4242424242424242' } });
  });

  it('takes a declared type for a rule it cannot infer, and still reads optional from the rule', () => {
    interface Point {
      x: number;
      y: number;
    }
    const toPoint = (text: string): Point => ({ x: Number(text.split(',')[0]), y: Number(text.split(',')[1]) });
    // A check's answer replaces the value (Moleculer turns on fastest-validator's new custom functions).
    const parsePoint = (value: unknown, errors: { type: string; actual?: unknown }[]): unknown => {
      if (typeof value === 'string' && /^\d+,\d+$/.test(value)) return toPoint(value);
      errors.push({ type: 'point', actual: value });
      return value;
    };
    const POINT = typedRule<Point>()({ type: 'custom', optional: true, check: parsePoint });
    // A `custom` function also sees a missing or null value, so it hands those back as they are.
    const CONVERTED = typedRule<Point>()({ type: 'string', pattern: /^\d+,\d+$/, custom: (value: string | null | undefined) => (value == null ? value : toPoint(value)) });
    const rules = { at: POINT, to: CONVERTED, back: { ...CONVERTED, optional: true } } as const;
    assertType<Equal<ParamsOf<typeof rules>, { at?: Point | null; to: Point; back?: Point | null }>>();

    expect(check(rules, { to: '3,4' })).toEqual({ ok: true, params: { to: { x: 3, y: 4 }, back: undefined } });
    expect(check(rules, { at: '1,2', to: '3,4', back: null })).toEqual({ ok: true, params: { at: { x: 1, y: 2 }, to: { x: 3, y: 4 }, back: null } });
    refuses(rules, { at: '1;2', to: '3,4' });
    refuses(rules, { to: 'x' });
  });

  it('never types anything as any', () => {
    type IsAny<T> = 0 extends 1 & T ? true : false;
    const rules = { a: { type: 'custom' }, b: { type: 'array' }, c: { type: 'object' }, d: 'any' } as const;
    type Params = ParamsOf<typeof rules>;
    assertType<Equal<[IsAny<Params['a']>, IsAny<Params['b'][number]>, IsAny<Params['c']['x']>, IsAny<Params['d']>], [false, false, false, false]>>();
    expect(Object.keys(rules)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('defineAction', () => {
  const rename = defineAction({
    rest: 'PATCH /boards/:id',
    summary: 'Rename a board',
    auth: 'user',
    params: { id: { type: 'string', min: 1 }, name: { type: 'string', trim: true, min: 1 }, ...PAGE_PARAMS, color: { type: 'enum', values: ['red', 'blue'], optional: true } },
    handler(ctx) {
      assertType<Equal<typeof ctx.params, { id: string; name: string; limit: number; offset: number; color?: 'red' | 'blue' | null }>>();
      // @ts-expect-error: the params have no such key.
      void ctx.params.nme;
      ctx.meta.$statusCode = 200;
      return { id: ctx.params.id, name: ctx.params.name.toUpperCase(), window: ctx.params.limit + ctx.params.offset, color: ctx.params.color ?? 'none', caller: ctx.meta.user?.id };
    },
  });

  it('infers the handler\'s params from its rules and stays a Moleculer ActionSchema', async () => {
    const schema: ActionSchema = rename;
    expect(schema.rest).toBe('PATCH /boards/:id');
    const broker = new ServiceBroker({ logger: false, validator: new BoundedValidator() });
    const whoami = defineAction({
      params: {},
      handler(ctx) {
        assertType<Equal<keyof typeof ctx.params, never>>();
        // `this` is the service, as in any action handler.
        return { nodeID: this.broker.nodeID, params: ctx.params };
      },
    });
    const service: ServiceSchema = { name: 'boards', actions: { rename, whoami } };
    broker.createService(service);
    await broker.start();
    try {
      await expectAsync(broker.call('boards.rename', { id: 'b1', name: '  Trip  ' })).toBeResolvedTo({ id: 'b1', name: 'TRIP', window: 50, color: 'none', caller: undefined });
      await expectAsync(broker.call('boards.rename', { id: 'b1', name: 'x', color: 'green' })).toBeRejectedWith(jasmine.objectContaining({ code: 422 }));
      await expectAsync(broker.call('boards.whoami')).toBeResolvedTo({ nodeID: broker.nodeID, params: {} });
    } finally {
      await broker.stop();
    }
  });

  it('refuses a handler that reads its params as a type they are not', () => {
    defineAction({
      params: { count: { type: 'number', optional: true } },
      handler(ctx) {
        // @ts-expect-error: an optional number may be missing or null.
        const count: number = ctx.params.count;
        return count;
      },
    });
    expect(rename.params.id.min).toBe(1);
  });
});
