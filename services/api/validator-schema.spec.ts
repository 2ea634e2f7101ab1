import { paramsToJsonSchema, paramsToProperties, ruleToJsonSchema } from './validator-schema';

describe('fastest-validator rules as JSON Schema', () => {
  it('maps scalar rules with their bounds, patterns and formats', () => {
    expect(ruleToJsonSchema({ type: 'string', min: 1, max: 64, pattern: /^[a-z0-9_-]+$/i })).toEqual({ type: 'string', minLength: 1, maxLength: 64, pattern: '^[a-z0-9_-]+$' });
    expect(ruleToJsonSchema({ type: 'string', length: 3, empty: false })).toEqual({ type: 'string', minLength: 3, maxLength: 3 });
    expect(ruleToJsonSchema({ type: 'string', empty: false })).toEqual({ type: 'string', minLength: 1 });
    expect(ruleToJsonSchema({ type: 'number', integer: true, min: 0, max: 10, convert: true })).toEqual({ type: 'integer', minimum: 0, maximum: 10 });
    expect(ruleToJsonSchema({ type: 'number', positive: true })).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(ruleToJsonSchema({ type: 'boolean', convert: true })).toEqual({ type: 'boolean' });
    expect(ruleToJsonSchema({ type: 'enum', values: ['admin', 'user'] })).toEqual({ enum: ['admin', 'user'] });
    expect(ruleToJsonSchema({ type: 'uuid' })).toEqual({ type: 'string', format: 'uuid' });
    expect(ruleToJsonSchema({ type: 'email', max: 254 })).toEqual({ type: 'string', format: 'email', maxLength: 254 });
    expect(ruleToJsonSchema({ type: 'url' })).toEqual({ type: 'string', format: 'uri' });
    expect(ruleToJsonSchema({ type: 'equal', value: 'yes' })).toEqual({ const: 'yes' });
  });

  it('maps arrays and nested objects, with what each requires', () => {
    const batch = {
      type: 'object',
      props: {
        graph: { type: 'object' },
        data: { type: 'array', optional: true, items: { type: 'array', items: { type: 'object', props: { nodeId: 'string', field: 'string', items: 'array' } } } },
        runs: { type: 'number', integer: true, min: 1, max: 10_000, optional: true },
      },
    };
    expect(ruleToJsonSchema(batch)).toEqual({
      type: 'object',
      properties: {
        graph: { type: 'object' },
        data: {
          type: 'array',
          items: { type: 'array', items: { type: 'object', properties: { nodeId: { type: 'string' }, field: { type: 'string' }, items: { type: 'array' } }, required: ['nodeId', 'field', 'items'] } },
        },
        runs: { type: 'integer', minimum: 1, maximum: 10_000 },
      },
      required: ['graph'],
    });
    expect(ruleToJsonSchema({ type: 'array', min: 1, max: 32, unique: true, items: { type: 'string', max: 81 } })).toEqual({ type: 'array', minItems: 1, maxItems: 32, uniqueItems: true, items: { type: 'string', maxLength: 81 } });
    expect(ruleToJsonSchema({ type: 'object', strict: true, props: { a: 'number' } })).toEqual({ type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false });
    expect(ruleToJsonSchema({ type: 'record', key: 'string', value: 'number' })).toEqual({ type: 'object', additionalProperties: { type: 'number' }, propertyNames: { type: 'string' } });
  });

  it('reads shorthand strings as fastest-validator does', () => {
    expect(ruleToJsonSchema('string')).toEqual({ type: 'string' });
    expect(ruleToJsonSchema('number|integer|min:1|max:5')).toEqual({ type: 'integer', minimum: 1, maximum: 5 });
    expect(ruleToJsonSchema('string[]|max:3')).toEqual({ type: 'array', items: { type: 'string' }, maxItems: 3 });
    expect(paramsToProperties({ a: 'string|optional', b: 'boolean|no-convert' }).get('a')).toEqual({ schema: { type: 'string' }, required: false });
    expect(paramsToProperties({ a: 'string|optional', b: 'boolean|no-convert' }).get('b')).toEqual({ schema: { type: 'boolean' }, required: true });
  });

  it('treats optional rules and rules with a default as not required, and carries the default', () => {
    const properties = paramsToProperties({
      limit: { type: 'number', integer: true, min: 1, max: 200, default: 50, convert: true },
      offset: { type: 'number', optional: true },
      name: { type: 'string' },
      $$strict: true,
    });
    expect([...properties.keys()]).toEqual(['limit', 'offset', 'name']);
    expect(properties.get('limit')).toEqual({ schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, required: false });
    expect(properties.get('offset')!.required).toBeFalse();
    expect(properties.get('name')!.required).toBeTrue();
    expect(paramsToJsonSchema({ name: 'string', $$strict: true })).toEqual({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false });
  });

  it('maps alternatives and nullable rules, and documents what it cannot express as anything', () => {
    const tags = { type: 'multi', optional: true, rules: [{ type: 'string', max: 2000 }, { type: 'array', items: 'string' }] };
    expect(ruleToJsonSchema(tags)).toEqual({ anyOf: [{ type: 'string', maxLength: 2000 }, { type: 'array', items: { type: 'string' } }] });
    expect(ruleToJsonSchema([{ type: 'number' }, { type: 'string' }])).toEqual({ anyOf: [{ type: 'number' }, { type: 'string' }] });
    expect(ruleToJsonSchema({ type: 'object', optional: true, nullable: true })).toEqual({ type: ['object', 'null'] });
    expect(ruleToJsonSchema({ type: 'custom', check: () => true })).toEqual({});
    expect(ruleToJsonSchema({ type: 'any' })).toEqual({});
    expect(ruleToJsonSchema({ type: 'multi', rules: [{ type: 'string' }, { type: 'custom' }] })).toEqual({});
    expect(paramsToProperties({ password: { type: 'forbidden' } }).size).toBe(0);
  });
});
