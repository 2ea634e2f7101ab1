import type { GraphDiff } from '../core/api-types';
import { describeDiff, nodeNames, shortValue, VALUE_MAX } from './version-diff';
import type { CatalogueEntry } from './workflow-graph';
import { ADD, entryMeta } from './workflow-graph.spec';

const SAVE: CatalogueEntry = {
  type: 'image.save',
  title: 'Save Image',
  description: 'Stores an image.',
  category: 'image',
  tags: [],
  version: '1.0.0',
  ...entryMeta,
  inputs: [{ name: 'image', title: 'Image', kind: 'image', cardinality: 'single', schema: {}, input: 'connection', required: true }],
  outputs: [],
};
const catalogue = new Map([ADD, SAVE].map((entry) => [entry.type, entry]));
const EMPTY: GraphDiff = { nodesAdded: [], nodesRemoved: [], nodesChanged: [], edgesAdded: [], edgesRemoved: [] };

describe('shortValue', () => {
  it('quotes text, keeps numbers and booleans as they are, and says none for a missing value', () => {
    expect(shortValue('a pink sea')).toEqual({ text: '“a pink sea”' });
    expect(shortValue(7)).toEqual({ text: '7' });
    expect(shortValue(0.30000000000000004)).toEqual({ text: '0.3' });
    expect(shortValue(false)).toEqual({ text: 'false' });
    expect(shortValue(null)).toEqual({ text: 'none' });
  });

  it('cuts long or multi-line text to one short line and keeps the whole text to expand', () => {
    const long = 'a '.repeat(100);
    const value = shortValue(long);
    expect(value.text.length).toBeLessThanOrEqual(VALUE_MAX);
    expect(value.text).toMatch(/…”$/);
    expect(value.full).toBe(long);
    expect(shortValue('two\nlines')).toEqual({ text: '“two lines”', full: 'two\nlines' });
  });

  it('names images by name and collapses long JSON into a line with the pretty JSON behind it', () => {
    expect(shortValue({ imageName: 'abc.png' })).toEqual({ text: 'image abc.png' });
    const big = { weights: Array.from({ length: 30 }, (_, index) => index), mode: 'blend' };
    const value = shortValue(big);
    expect(value.text.length).toBeLessThanOrEqual(VALUE_MAX);
    expect(value.text.endsWith('…')).toBeTrue();
    expect(value.full).toBe(JSON.stringify(big, null, 2));
    expect(shortValue([1, 2])).toEqual({ text: '[1, 2]' });
  });
});

describe('nodeNames', () => {
  it('prefers a label, then the catalogue title, then the type, and adds the id only where two read alike', () => {
    const name = nodeNames(
      new Map([
        ['add-1', { type: 'core.add' }],
        ['add-2', { type: 'core.add' }],
        ['save-1', { type: 'image.save' }],
        ['sum', { type: 'core.add', label: 'Total' }],
        ['x-1', { type: 'pack.missing' }],
      ]),
      catalogue,
    );
    expect(name('add-1')).toBe('Add (add-1)');
    expect(name('save-1')).toBe('Save Image');
    expect(name('sum')).toBe('Total');
    expect(name('x-1')).toBe('pack.missing');
    expect(name('ghost')).toBe('ghost');
  });
});

describe('describeDiff', () => {
  it('says there is nothing to show for an empty diff', () => {
    expect(describeDiff(EMPTY, new Map(), catalogue)).toEqual(jasmine.objectContaining({ empty: true, summary: 'No changes' }));
  });

  it('names nodes and connections by title and each changed field by its title with old and new value', () => {
    const diff: GraphDiff = {
      nodesAdded: [{ id: 'save-1', type: 'image.save', version: '1.0.0' }],
      nodesRemoved: [{ id: 'old-1', type: 'core.add' }],
      nodesChanged: [
        {
          id: 'add-1',
          label: { before: null, after: 'Sum' },
          fields: [
            { field: 'b', change: 'changed', before: 1, after: 23 },
            { field: 'a', change: 'added', after: 2 },
            { field: 'extra', change: 'removed', before: 'gone' },
          ],
        },
      ],
      edgesAdded: [{ source: { nodeId: 'add-1', field: 'value' }, destination: { nodeId: 'save-1', field: 'image' } }],
      edgesRemoved: [{ source: { nodeId: 'old-1', field: 'value' }, destination: { nodeId: 'add-1', field: 'a' } }],
    };
    const view = describeDiff(diff, new Map([['add-1', { type: 'core.add' }]]), catalogue);
    expect(view.empty).toBeFalse();
    expect(view.summary).toBe('1 node added, 1 node removed, 1 node changed, 1 connection added, 1 connection removed');
    expect(view.added).toEqual([{ id: 'save-1', name: 'Save Image' }]);
    expect(view.removed).toEqual([{ id: 'old-1', name: 'Add (old-1)' }]);
    expect(view.changed[0]!.name).toBe('Add (add-1)');
    expect(view.changed[0]!.rows).toEqual([
      { field: 'label', title: 'Label', change: 'changed', before: { text: 'none' }, after: { text: '“Sum”' } },
      { field: 'b', title: 'B', change: 'changed', before: { text: '1' }, after: { text: '23' } },
      { field: 'a', title: 'A', change: 'added', after: { text: '2' } },
      { field: 'extra', title: 'extra', change: 'removed', before: { text: '“gone”' } },
    ]);
    expect(view.edgesAdded).toEqual(['Add (add-1).Sum → Save Image.Image']);
    expect(view.edgesRemoved).toEqual(['Add (old-1).Sum → Add (add-1).A']);
  });

  it('counts in the plural', () => {
    const diff: GraphDiff = { ...EMPTY, nodesAdded: [{ id: 'a', type: 'core.add' }, { id: 'b', type: 'core.add' }] };
    expect(describeDiff(diff, new Map(), catalogue).summary).toBe('2 nodes added');
  });
});
