import type { FieldType, InputFieldSpec } from './field-types';
import { applyCasts, checkConnection } from './type-compat';
import { checkValue } from './value-check';

const single = (kind: FieldType['kind']): FieldType => ({ kind, cardinality: 'single' });
const list = (kind: FieldType['kind']): FieldType => ({ kind, cardinality: 'collection' });

describe('socket compatibility', () => {
  it('connects equal kinds and widens integer to float', () => {
    expect(checkConnection(single('image'), single('image'))).toEqual({ ok: true, casts: [] });
    expect(checkConnection(single('integer'), single('float'))).toEqual({ ok: true, casts: [] });
  });

  it('turns numbers and enums into strings', () => {
    expect(checkConnection(single('float'), single('string'))).toEqual({ ok: true, casts: ['to_string'] });
    expect(checkConnection(list('integer'), list('string'))).toEqual({ ok: true, casts: ['to_string'] });
    expect(applyCasts([1, 2.5], ['to_string'])).toEqual(['1', '2.5']);
  });

  it('refuses narrowing and unrelated kinds with a reason', () => {
    expect(checkConnection(single('float'), single('integer'))).toEqual({ ok: false, reason: 'a float output cannot feed a integer input' });
    expect(checkConnection(single('string'), single('image'))).toEqual(jasmine.objectContaining({ ok: false }));
    expect(checkConnection(single('tensor'), single('latents'))).toEqual(jasmine.objectContaining({ ok: false }));
    expect(checkConnection(single('latents'), single('tensor')).ok).toBeTrue();
  });

  it('keeps collections and single values apart, pointing at Iterate and Collect', () => {
    const intoSingle = checkConnection(list('image'), single('image'));
    const intoList = checkConnection(single('image'), list('image'));
    expect(intoSingle.ok || intoSingle.reason).toContain('Iterate');
    expect(intoList.ok || intoList.reason).toContain('Collect');
  });

  it('wraps a single value for an input that takes either', () => {
    const verdict = checkConnection(single('integer'), { kind: 'string', cardinality: 'either' });
    expect(verdict).toEqual({ ok: true, casts: ['to_string', 'wrap_in_collection'] });
    expect(applyCasts(3, verdict.ok ? verdict.casts : [])).toEqual(['3']);
  });

  it('lets `any` connect both ways', () => {
    expect(checkConnection(single('any'), single('image')).ok).toBeTrue();
    expect(checkConnection(list('latents'), single('any')).ok).toBeTrue();
    expect(checkConnection(single('any'), list('integer')).ok).toBeTrue();
  });

  it('refuses enums whose options differ', () => {
    const a: FieldType = { kind: 'enum', cardinality: 'single', options: ['x', 'y'] };
    const b: FieldType = { kind: 'enum', cardinality: 'single', options: ['x'] };
    expect(checkConnection(b, a).ok).toBeTrue();
    expect(checkConnection(a, b).ok).toBeFalse();
  });
});

describe('value checks', () => {
  const field = (extra: Partial<InputFieldSpec> & Pick<InputFieldSpec, 'kind'>): InputFieldSpec => ({ cardinality: 'single', input: 'any', ...extra });

  it('checks kinds', () => {
    expect(checkValue(field({ kind: 'integer' }), 1.5)).toBe('expected an integer, got 1.5');
    expect(checkValue(field({ kind: 'float' }), Number.NaN)).toBe('expected a finite number, got a non-finite number');
    expect(checkValue(field({ kind: 'boolean' }), 'true')).toBe('expected true or false, got "true"');
    expect(checkValue(field({ kind: 'enum', options: ['a', 'b'] }), 'c')).toBe('expected one of "a", "b", got "c"');
    expect(checkValue(field({ kind: 'color' }), { r: 0, g: 0, b: 0, a: 256 })).toContain('colour');
    expect(checkValue(field({ kind: 'image' }), { imageName: '' })).toContain('image reference');
    expect(checkValue(field({ kind: 'model' }), { key: 'k' })).toBeUndefined();
  });

  it('checks bounds', () => {
    expect(checkValue(field({ kind: 'integer', minimum: 1, maximum: 10 }), 11)).toBe('expected at most 10, got 11');
    expect(checkValue(field({ kind: 'float', exclusiveMinimum: 0 }), 0)).toBe('expected more than 0, got 0');
    expect(checkValue(field({ kind: 'integer', multipleOf: 8 }), 12)).toBe('expected a multiple of 8, got 12');
    expect(checkValue(field({ kind: 'string', maxLength: 3 }), 'abcd')).toBe('expected at most 3 characters, got 4');
  });

  it('checks collections item by item', () => {
    const spec = { ...field({ kind: 'integer', minimum: 0 }), cardinality: 'collection' as const, maxItems: 3 };
    expect(checkValue(spec, [1, 2])).toBeUndefined();
    expect(checkValue(spec, [1, -2])).toBe('item 1: expected at least 0, got -2');
    expect(checkValue(spec, [1, 2, 3, 4])).toBe('expected at most 3 items, got 4');
    expect(checkValue(spec, 5)).toBe('expected a list of integer values, got 5');
  });
});
