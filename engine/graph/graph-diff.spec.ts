import type { Graph } from './graph';
import { diffGraphs, isEmptyDiff, jsonEqual } from './graph-diff';

const edge = (from: string, output: string, to: string, input: string) => ({ source: { nodeId: from, field: output }, destination: { nodeId: to, field: input } });

const BEFORE: Graph = {
  nodes: [
    { id: 'a', type: 'core.integer', inputs: { value: 2 } },
    { id: 'b', type: 'core.add', version: '1.0.0', inputs: { b: 3, extra: { x: 1, y: [1, 2] } } },
    { id: 'gone', type: 'core.integer', inputs: { value: 9 } },
  ],
  edges: [edge('a', 'value', 'b', 'a'), edge('gone', 'value', 'b', 'b')],
};

describe('diffGraphs', () => {
  it('finds nothing between a graph and itself, or a copy with keys in another order', () => {
    expect(isEmptyDiff(diffGraphs(BEFORE, BEFORE))).toBeTrue();
    const reordered: Graph = {
      edges: [...BEFORE.edges].reverse(),
      nodes: [...BEFORE.nodes].reverse().map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs ?? {}).reverse()) })),
    };
    (reordered.nodes[1]!.inputs as Record<string, unknown>)['extra'] = { y: [1, 2], x: 1 };
    expect(diffGraphs(BEFORE, reordered)).toEqual({ nodesAdded: [], nodesRemoved: [], nodesChanged: [], edgesAdded: [], edgesRemoved: [] });
  });

  it('names nodes added and removed, type and version changes, and each field added, removed or changed', () => {
    const after: Graph = {
      nodes: [
        { id: 'a', type: 'core.float', inputs: { value: 2 } },
        { id: 'b', type: 'core.add', version: '1.1.0', label: 'Sum', inputs: { a: 5, b: 4, extra: { x: 1, y: [2, 1] } } },
        { id: 'new', type: 'core.integer', version: '1.0.0' },
      ],
      edges: [edge('a', 'value', 'b', 'a'), edge('new', 'value', 'b', 'b')],
    };
    expect(diffGraphs(BEFORE, after)).toEqual({
      nodesAdded: [{ id: 'new', type: 'core.integer', version: '1.0.0' }],
      nodesRemoved: [{ id: 'gone', type: 'core.integer' }],
      nodesChanged: [
        { id: 'a', type: { before: 'core.integer', after: 'core.float' }, fields: [] },
        {
          id: 'b',
          version: { before: '1.0.0', after: '1.1.0' },
          label: { before: null, after: 'Sum' },
          fields: [
            { field: 'a', change: 'added', after: 5 },
            { field: 'b', change: 'changed', before: 3, after: 4 },
            { field: 'extra', change: 'changed', before: { x: 1, y: [1, 2] }, after: { x: 1, y: [2, 1] } },
          ],
        },
      ],
      edgesAdded: [edge('new', 'value', 'b', 'b')],
      edgesRemoved: [edge('gone', 'value', 'b', 'b')],
    });
  });

  it('reports a field removed, a version dropped and a cache setting changed', () => {
    const after: Graph = { nodes: [{ id: 'b', type: 'core.add', useCache: false, inputs: { extra: { x: 1, y: [1, 2] } } }], edges: [] };
    const diff = diffGraphs({ nodes: [BEFORE.nodes[1]!], edges: [] }, after);
    expect(diff.nodesChanged).toEqual([
      { id: 'b', version: { before: '1.0.0', after: null }, useCache: { before: null, after: false }, fields: [{ field: 'b', change: 'removed', before: 3 }] },
    ]);
  });

  it('takes a draft as it is: the first of a repeated node id, and repeated edges counted', () => {
    const before: Graph = { nodes: [{ id: 'x', type: 'one' }, { id: 'x', type: 'two' }], edges: [edge('x', 'o', 'y', 'i'), edge('x', 'o', 'y', 'i')] };
    const after: Graph = { nodes: [{ id: 'x', type: 'one' }], edges: [edge('x', 'o', 'y', 'i')] };
    expect(diffGraphs(before, after)).toEqual({ nodesAdded: [], nodesRemoved: [], nodesChanged: [], edgesAdded: [], edgesRemoved: [edge('x', 'o', 'y', 'i')] });
    expect(diffGraphs(after, before).edgesAdded).toEqual([edge('x', 'o', 'y', 'i')]);
  });

  it('does not mistake an edge whose ends contain separators for another edge', () => {
    const before: Graph = { nodes: [], edges: [edge('a:b', 'c', 'd', 'e')] };
    const after: Graph = { nodes: [], edges: [edge('a', 'b:c', 'd', 'e')] };
    const diff = diffGraphs(before, after);
    expect([diff.edgesAdded.length, diff.edgesRemoved.length]).toEqual([1, 1]);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values, keys in any order', () => {
    expect(jsonEqual({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBeTrue();
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBeFalse();
    expect(jsonEqual([1, 2], [2, 1])).toBeFalse();
    expect(jsonEqual([], {})).toBeFalse();
    expect(jsonEqual(null, {})).toBeFalse();
    expect(jsonEqual('1', 1)).toBeFalse();
    expect(jsonEqual(0, -0)).toBeTrue();
  });

  it('walks a value nested far deeper than the stack would allow a recursive walk', () => {
    let deep: unknown = 1;
    let other: unknown = 1;
    for (let index = 0; index < 100_000; index += 1) {
      deep = [deep];
      other = [other];
    }
    expect(jsonEqual(deep, other)).toBeTrue();
  });
});
