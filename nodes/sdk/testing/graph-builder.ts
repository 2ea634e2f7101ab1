/** Terse graph literals for tests: `edge('a.value', 'b.a')`, `node('a', 'test.add', { a: 1 })`. */
import type { Graph, GraphEdge, GraphNode } from '../../../engine/graph/graph';

export function node(id: string, type: string, inputs: Record<string, unknown> = {}, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, type, inputs, ...extra };
}

export function edge(from: string, to: string): GraphEdge {
  const [sourceNode, sourceField] = splitEnd(from);
  const [targetNode, targetField] = splitEnd(to);
  return { source: { nodeId: sourceNode, field: sourceField }, destination: { nodeId: targetNode, field: targetField } };
}

export function graph(nodes: GraphNode[], edges: GraphEdge[] = []): Graph {
  return { nodes, edges };
}

function splitEnd(end: string): [string, string] {
  const dot = end.lastIndexOf('.');
  if (dot <= 0) throw new RangeError(`edge ends look like "node.field", got "${end}"`);
  return [end.slice(0, dot), end.slice(dot + 1)];
}
