/**
 * Validation of large and hostile graphs: nothing recursive overflows the stack, sizes are bounded
 * by the platform's limits, and values nested too deeply are refused naming their node and field.
 */
import { GraphValidationError } from '../errors';
import type { Graph, GraphEdge, GraphNode } from './graph';
import { createTestRegistry, edge, graph, node } from '../../nodes/sdk/testing';
import { MAX_VALUE_DEPTH } from '../fields/value-check';
import { MAX_ITERATION_DEPTH } from './prepared-graph';
import { prepareGraph, validateGraph } from './validate-graph';

describe('graph validation of large and hostile graphs', () => {
  const { registry } = createTestRegistry();

  function chain(count: number, closeRing = false): Graph {
    const nodes: GraphNode[] = Array.from({ length: count }, (_, index) => node(`n${index}`, 'test.add', { b: 1 }));
    const edges: GraphEdge[] = nodes.slice(1).map((to, index) => edge(`n${index}.value`, `${to.id}.a`));
    if (closeRing) edges.push(edge(`n${count - 1}.value`, 'n0.a'));
    return { nodes, edges };
  }

  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let level = 0; level < depth; level++) value = [value];
    return value;
  }

  it('reports a 50,000-node ring as a cycle naming its nodes, with short messages, without overflowing', () => {
    const issues = validateGraph(chain(50_000, true), registry);
    expect(issues.length).toBe(50_000);
    expect(issues.every((issue) => issue.code === 'cycle')).toBeTrue();
    expect(issues[0]).toEqual(jasmine.objectContaining({ code: 'cycle', nodeId: 'n0' }));
    expect(issues[0]!.message).toContain('50000 nodes in all');
    expect(Math.max(...issues.map((issue) => issue.message.length))).toBeLessThan(300);
  });

  it('prepares a 50,000-node chain in dependency order', () => {
    const prepared = prepareGraph(chain(50_000), registry);
    expect(prepared.order.length).toBe(50_000);
    expect(prepared.nodes[prepared.order[49_999]!]!.id).toBe('n49999');
  });

  it('refuses a 10,000-deep input value with an issue naming the node and the field', () => {
    const issues = validateGraph(graph([node('it', 'test.iterate', { collection: nested(10_000) })]), registry);
    expect(issues).toEqual([jasmine.objectContaining({ code: 'value_too_deep', nodeId: 'it', field: 'collection' })]);
    expect(issues[0]!.message).toContain(`more than ${MAX_VALUE_DEPTH} levels deep`);
  });

  it('refuses deep values anywhere else in the graph, since storing it would overflow too', () => {
    const deep = { ...graph([node('a', 'test.add', {}, { label: nested(5_000) as string })]), meta: nested(5_000) };
    const issues = validateGraph(deep, registry);
    expect(issues).toEqual([
      jasmine.objectContaining({ code: 'value_too_deep', field: 'meta' }),
      jasmine.objectContaining({ code: 'value_too_deep', nodeId: 'a', field: 'nodes[0].label' }),
    ]);
  });

  it('accepts a value nested as deep as the limit allows', () => {
    expect(validateGraph(graph([node('it', 'test.iterate', { collection: nested(MAX_VALUE_DEPTH) })]), registry)).toEqual([]);
  });

  it('refuses more nodes or edges than the limits, before looking further', () => {
    const big = chain(11);
    expect(validateGraph(big, registry, { maxNodes: 10 })).toEqual([
      { code: 'graph_too_large', field: 'nodes', message: 'the graph has 11 nodes; at most 10 are allowed', expected: 'at most 10 nodes' },
    ]);
    expect(validateGraph(big, registry, { maxEdges: 9 })).toEqual([jasmine.objectContaining({ code: 'graph_too_large', field: 'edges' })]);
    expect(validateGraph(big, registry, { maxNodes: 11, maxEdges: 10 })).toEqual([]);
    expect(() => prepareGraph(big, registry, { maxNodes: 5 })).toThrowError(GraphValidationError, /at most 5 are allowed/);
  });

  it('refuses Iterate nodes nested deeper than the limit, naming the one too deep', () => {
    const depth = MAX_ITERATION_DEPTH + 1;
    const nodes = Array.from({ length: depth }, (_, index) => node(`it${index}`, 'test.iterate', index === 0 ? { collection: nested(MAX_VALUE_DEPTH) } : {}));
    const edges = nodes.slice(1).map((to, index) => edge(`it${index}.item`, `${to.id}.collection`));
    expect(validateGraph({ nodes, edges }, registry)).toEqual([jasmine.objectContaining({ code: 'iteration_too_deep', nodeId: `it${MAX_ITERATION_DEPTH}` })]);
    expect(validateGraph({ nodes: nodes.slice(0, -1), edges: edges.slice(0, -1) }, registry)).toEqual([]);
  });

  it('still finds a second connection into a one-connection input among many edges', () => {
    const sources = Array.from({ length: 200 }, (_, index) => node(`s${index}`, 'test.number'));
    const edges = [...sources.map((source) => edge(`${source.id}.value`, 'c.item')), edge('s0.value', 'a.a'), edge('s1.value', 'a.a')];
    const issues = validateGraph(graph([...sources, node('c', 'test.collect'), node('a', 'test.add')], edges), registry);
    expect(issues).toEqual([jasmine.objectContaining({ code: 'duplicate_connection', nodeId: 'a', field: 'a' })]);
  });
});
