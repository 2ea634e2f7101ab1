import { SUMMARY_MAX, compact, describeOutputs, describeValue, formatNumber, truncate } from './workflow-outputs';
import type { CatalogueField } from './workflow-graph';

const field = (name: string, kind: CatalogueField['kind']): CatalogueField => ({ name, title: name, kind, cardinality: 'single', schema: {} });

describe('workflow outputs', () => {
  it('shows scalars compactly, by kind', () => {
    expect(describeValue('n', 3)).toEqual(jasmine.objectContaining({ kind: 'number', summary: '3', images: [] }));
    expect(describeValue('n', 1 / 3).summary).toBe('0.333333');
    expect(describeValue('b', false)).toEqual(jasmine.objectContaining({ kind: 'boolean', summary: 'false' }));
    expect(describeValue('s', 'a  pink\nsea')).toEqual(jasmine.objectContaining({ kind: 'string', summary: 'a pink sea', full: 'a  pink\nsea' }));
    expect(describeValue('x', null).kind).toBe('empty');
    expect(formatNumber(1e-7)).toBe('1.0000e-7');
  });

  it('truncates long values and keeps the whole to expand', () => {
    const text = 'x'.repeat(200);
    const view = describeValue('s', text);
    expect(view.summary.length).toBe(SUMMARY_MAX);
    expect(view.summary.endsWith('…')).toBeTrue();
    expect(view.full).toBe(text);
    expect(truncate('short')).toBe('short');
  });

  it('shows lists and objects on one line, with the full JSON when cut', () => {
    expect(describeValue('l', [1, 2, 3])).toEqual(jasmine.objectContaining({ kind: 'list', summary: '3 × [1, 2, 3]' }));
    expect(describeValue('l', [1, 2, 3]).full).toBeUndefined();
    const long = describeValue('l', Array.from({ length: 100 }, (_, index) => index));
    expect(long.summary.length).toBe(SUMMARY_MAX);
    expect(JSON.parse(long.full!)).toHaveSize(100);
    expect(describeValue('o', { a: 1, b: 'two' })).toEqual(jasmine.objectContaining({ kind: 'object', summary: '{a: 1, b: "two"}' }));
    expect(compact({ a: { b: { c: { d: 1 } } } })).toBe('{a: {b: {c: {…}}}}');
  });

  it('names tensor, latents and conditioning references by kind, and finds images', () => {
    expect(describeValue('latents', { tensorName: 't1' }, 'latents')).toEqual(jasmine.objectContaining({ kind: 'ref', summary: 'latents t1' }));
    expect(describeValue('t', { tensorName: 't2' }).summary).toBe('tensor t2');
    expect(describeValue('c', { conditioningName: 'c1' }, 'conditioning').summary).toBe('conditioning c1');
    expect(describeValue('image', { imageName: 'a.png' })).toEqual(jasmine.objectContaining({ kind: 'image', images: ['a.png'] }));
    expect(describeValue('images', [{ imageName: 'a.png' }, { imageName: 'b.png' }]).images).toEqual(['a.png', 'b.png']);
  });

  it('orders rows by the catalogue, and numbers the iterations of a queue item result', () => {
    const fields = [field('image', 'image'), field('width', 'integer')];
    expect(describeOutputs({ width: 64, image: { imageName: 'a.png' } }, fields).map((view) => view.name)).toEqual(['image', 'width']);
    expect(describeOutputs([{ value: 1 }]).map((view) => view.name)).toEqual(['value']);
    expect(describeOutputs([{ value: 1 }, { value: 2 }]).map((view) => `${view.name}=${view.summary}`)).toEqual(['#1 value=1', '#2 value=2']);
    expect(describeOutputs(undefined)).toEqual([]);
  });
});
