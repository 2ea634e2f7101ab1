import { GraphValidationError, type Issue } from '../errors';
import { createTestRegistry, edge, graph, node } from '../../nodes/sdk/testing';
import { prepareGraph, validateGraph } from './validate-graph';

describe('graph validation', () => {
  const { registry } = createTestRegistry();
  const issuesOf = (candidate: unknown): Issue[] => validateGraph(candidate, registry);
  const codes = (candidate: unknown) => issuesOf(candidate).map((issue) => issue.code);

  it('accepts a valid graph and prepares it in dependency order', () => {
    const prepared = prepareGraph(graph([node('b', 'test.add'), node('a', 'test.number')], [edge('a.value', 'b.a')]), registry);
    expect(prepared.order.map((index) => prepared.nodes[index]!.id)).toEqual(['a', 'b']);
  });

  it('rejects things that are not graphs, saying where', () => {
    expect(codes(null)).toEqual(['malformed_graph']);
    expect(codes({ nodes: 'x', edges: [] })).toEqual(['malformed_graph']);
    const issues = issuesOf({ nodes: [{ id: 'a' }, 7], edges: [{ source: { nodeId: 'a' } }] });
    expect(issues.map((issue) => issue.message)).toEqual([
      'nodes[0].type must be a node type id',
      'nodes[1] must be an object with id and type',
      'edges[0].source must be {nodeId, field}',
      'edges[0].destination must be {nodeId, field}',
    ]);
  });

  it('reports duplicate ids, unknown types and unavailable versions', () => {
    const issues = issuesOf(graph([node('a', 'test.add'), node('a', 'test.add'), node('b', 'nope.node'), node('c', 'test.add', {}, { version: '2.0.0' })]));
    expect(issues).toEqual([
      jasmine.objectContaining({ code: 'duplicate_node_id', nodeId: 'a' }),
      jasmine.objectContaining({ code: 'unknown_node_type', nodeId: 'b' }),
      jasmine.objectContaining({ code: 'node_version_unavailable', nodeId: 'c' }),
    ]);
  });

  it('runs an older minor version with the newest of the same major', () => {
    expect(issuesOf(graph([node('a', 'test.add', {}, { version: '1.0.0' })]))).toEqual([]);
  });

  it('reports unknown fields on nodes and edges with the fields that exist', () => {
    const issues = issuesOf(graph([node('a', 'test.add', { c: 1 }), node('b', 'test.add')], [edge('a.nope', 'b.a'), edge('a.value', 'b.zzz')]));
    expect(issues).toContain(jasmine.objectContaining({ code: 'unknown_field', nodeId: 'a', field: 'nope', expected: 'one of value' }));
    expect(issues).toContain(jasmine.objectContaining({ code: 'unknown_field', nodeId: 'b', field: 'zzz', expected: 'one of a, b' }));
    expect(issues).toContain(jasmine.objectContaining({ code: 'unknown_field', nodeId: 'a', field: 'c' }));
  });

  it('reports values of the wrong type or out of bounds, naming node and field', () => {
    const issues = issuesOf(graph([node('a', 'test.add', { a: 'one' }), node('r', 'test.range', { count: -1 })]));
    expect(issues).toEqual([
      jasmine.objectContaining({ code: 'invalid_value', nodeId: 'a', field: 'a', message: '"a": expected a finite number, got "one"' }),
      jasmine.objectContaining({ code: 'invalid_value', nodeId: 'r', field: 'count', message: '"count": expected at least 0, got -1' }),
    ]);
  });

  it('reports incompatible connections with the reason', () => {
    const issues = issuesOf(graph([node('t', 'test.text'), node('a', 'test.add'), node('r', 'test.range')], [edge('t.text', 'a.a'), edge('r.values', 'a.b')]));
    expect(issues.map((issue) => [issue.code, issue.field])).toEqual([
      ['type_mismatch', 'a'],
      ['type_mismatch', 'b'],
    ]);
    expect(issues[0]!.message).toContain('a string output cannot feed a float input');
    expect(issues[1]!.message).toContain('split it with an Iterate node');
  });

  it('reports cycles with every node on them', () => {
    const issues = issuesOf(graph([node('a', 'test.add'), node('b', 'test.add'), node('c', 'test.add')], [edge('a.value', 'b.a'), edge('b.value', 'a.a'), edge('b.value', 'c.a')]));
    expect(issues.map((issue) => [issue.code, issue.nodeId])).toEqual([
      ['cycle', 'a'],
      ['cycle', 'b'],
    ]);
    expect(codes(graph([node('a', 'test.add')], [edge('a.value', 'a.b')]))).toEqual(['cycle']);
  });

  it('reports missing required inputs, and connection-only and direct-only violations', () => {
    const issues = issuesOf(graph([node('s', 'test.sum'), node('c', 'test.collect', { item: 3 }), node('it', 'test.iterate')]));
    expect(issues).toContain(jasmine.objectContaining({ code: 'missing_input', nodeId: 's', field: 'values', message: '"values" is required: set or connect it' }));
    expect(issues).toContain(jasmine.objectContaining({ code: 'connection_only', nodeId: 'c', field: 'item' }));
    expect(issues).toContain(jasmine.objectContaining({ code: 'missing_input', nodeId: 'it', field: 'collection' }));
  });

  it('refuses two connections into one input', () => {
    const issues = issuesOf(graph([node('a', 'test.number'), node('b', 'test.number'), node('s', 'test.add')], [edge('a.value', 's.a'), edge('b.value', 's.a')]));
    expect(issues).toEqual([jasmine.objectContaining({ code: 'duplicate_connection', nodeId: 's', field: 'a' })]);
  });

  it('types Iterate items and Collect lists from what feeds them', () => {
    const textIntoFloat = graph(
      [node('it', 'test.iterate'), node('r', 'test.range'), node('t', 'test.text'), node('c', 'test.collect'), node('a', 'test.add')],
      [edge('r.values', 'it.collection'), edge('it.item', 't.text'), edge('t.text', 'c.item'), edge('c.collection', 'a.a')],
    );
    const issues = issuesOf(textIntoFloat);
    expect(issues).toEqual([jasmine.objectContaining({ code: 'type_mismatch', nodeId: 'a', field: 'a' })]);
    expect(issues[0]!.message).toContain('collection of string');
  });

  it('refuses a Collect of mixed types', () => {
    const issues = issuesOf(graph([node('n', 'test.number'), node('t', 'test.text'), node('c', 'test.collect')], [edge('n.value', 'c.item'), edge('t.text', 'c.item')]));
    expect(issues).toEqual([jasmine.objectContaining({ code: 'collect_mixed_types', nodeId: 'c', field: 'item' })]);
  });

  it('reports every problem at once in one typed error', () => {
    try {
      prepareGraph(graph([node('a', 'test.add', { a: 'x' }), node('b', 'missing.type')], [edge('a.value', 'ghost.a')]), registry);
      fail('expected a validation error');
    } catch (error) {
      expect(error).toBeInstanceOf(GraphValidationError);
      const typed = error as GraphValidationError;
      expect(typed.kind).toBe('user');
      expect(typed.issues.map((issue) => issue.code).sort()).toEqual(['invalid_value', 'unknown_edge_node', 'unknown_node_type']);
      expect(typed.message).toContain('(and 2 more)');
    }
  });

  it('marks the branches behind lazy inputs as gated', () => {
    const prepared = prepareGraph(
      graph([node('if', 'test.if'), node('y', 'test.text'), node('pre', 'test.text'), node('shared', 'test.text'), node('out', 'test.text')], [
        edge('pre.text', 'y.text'),
        edge('y.text', 'if.whenTrue'),
        edge('shared.text', 'if.whenFalse'),
        edge('shared.text', 'out.text'),
      ]),
      registry,
    );
    const gated = (id: string) => prepared.byId.get(id)!.gated;
    expect([gated('y'), gated('pre'), gated('shared'), gated('if'), gated('out')]).toEqual([true, true, false, false, false]);
  });
});
