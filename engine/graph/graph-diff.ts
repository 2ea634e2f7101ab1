/**
 * What changed between two graphs (a published workflow version and another, or the draft): nodes
 * added and removed by id, and for nodes kept, a change of type, version, label or cache setting
 * and each input value added, removed or changed, with its value before and after; edges added
 * and removed. Pure: no I/O, linear in the graphs' size.
 *
 * Values are compared as JSON, object keys in any order: PostgreSQL's jsonb does not keep the order
 * a client wrote them in, so a graph read back from the database must equal the one published.
 * A graph may be a draft that never passed validation: a repeated node id counts once (its first
 * node), and repeated edges are counted, so two copies becoming one is a removal.
 */
import type { Graph, GraphEdge, GraphNode } from './graph';

/** A node as the diff names it. */
export interface DiffNode {
  readonly id: string;
  readonly type: string;
  readonly version?: string;
}

/** A property's value on each side; `null` where a side has none. */
export interface ValueChange<T> {
  readonly before: T | null;
  readonly after: T | null;
}

export type FieldChange =
  | { readonly field: string; readonly change: 'added'; readonly after: unknown }
  | { readonly field: string; readonly change: 'removed'; readonly before: unknown }
  | { readonly field: string; readonly change: 'changed'; readonly before: unknown; readonly after: unknown };

/** A node on both sides that differs; only the properties that changed are present. */
export interface NodeChange {
  readonly id: string;
  readonly type?: ValueChange<string>;
  readonly version?: ValueChange<string>;
  readonly label?: ValueChange<string>;
  readonly useCache?: ValueChange<boolean>;
  /** The node's input values, by field name in sorted order. */
  readonly fields: readonly FieldChange[];
}

export interface GraphDiff {
  readonly nodesAdded: readonly DiffNode[];
  readonly nodesRemoved: readonly DiffNode[];
  readonly nodesChanged: readonly NodeChange[];
  readonly edgesAdded: readonly GraphEdge[];
  readonly edgesRemoved: readonly GraphEdge[];
}

export function diffGraphs(before: Graph, after: Graph): GraphDiff {
  const oldNodes = nodesById(before);
  const newNodes = nodesById(after);
  const nodesRemoved = [...oldNodes.values()].filter((node) => !newNodes.has(node.id)).map(describeNode);
  const nodesAdded = [...newNodes.values()].filter((node) => !oldNodes.has(node.id)).map(describeNode);
  const nodesChanged: NodeChange[] = [];
  for (const [id, node] of newNodes) {
    const old = oldNodes.get(id);
    if (!old) continue;
    const change = diffNode(old, node);
    if (change) nodesChanged.push(change);
  }
  const oldEdges = countEdges(before);
  const newEdges = countEdges(after);
  return {
    nodesAdded,
    nodesRemoved,
    nodesChanged,
    edgesAdded: surplus(newEdges, oldEdges),
    edgesRemoved: surplus(oldEdges, newEdges),
  };
}

/** Whether a diff found nothing. */
export function isEmptyDiff(diff: GraphDiff): boolean {
  return diff.nodesAdded.length + diff.nodesRemoved.length + diff.nodesChanged.length + diff.edgesAdded.length + diff.edgesRemoved.length === 0;
}

function nodesById(graph: Graph): Map<string, GraphNode> {
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return byId;
}

function describeNode(node: GraphNode): DiffNode {
  return { id: node.id, type: node.type, ...(node.version !== undefined ? { version: node.version } : {}) };
}

function diffNode(before: GraphNode, after: GraphNode): NodeChange | undefined {
  const change: { -readonly [K in keyof NodeChange]: NodeChange[K] } = { id: after.id, fields: diffFields(before.inputs ?? {}, after.inputs ?? {}) };
  if (before.type !== after.type) change.type = { before: before.type, after: after.type };
  if (before.version !== after.version) change.version = { before: before.version ?? null, after: after.version ?? null };
  if (before.label !== after.label) change.label = { before: before.label ?? null, after: after.label ?? null };
  if (before.useCache !== after.useCache) change.useCache = { before: before.useCache ?? null, after: after.useCache ?? null };
  return Object.keys(change).length > 2 || change.fields.length > 0 ? change : undefined;
}

function diffFields(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): FieldChange[] {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const had = Object.hasOwn(before, field);
    const has = Object.hasOwn(after, field);
    if (!had) changes.push({ field, change: 'added', after: after[field] });
    else if (!has) changes.push({ field, change: 'removed', before: before[field] });
    else if (!jsonEqual(before[field], after[field])) changes.push({ field, change: 'changed', before: before[field], after: after[field] });
  }
  return changes;
}

function edgeKey(edge: GraphEdge): string {
  return JSON.stringify([edge.source.nodeId, edge.source.field, edge.destination.nodeId, edge.destination.field]);
}

function countEdges(graph: Graph): Map<string, { edge: GraphEdge; count: number }> {
  const counts = new Map<string, { edge: GraphEdge; count: number }>();
  for (const edge of graph.edges) {
    const key = edgeKey(edge);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { edge, count: 1 });
  }
  return counts;
}

/** Edges of `side` beyond those of `other`, in `side`'s order. */
function surplus(side: ReadonlyMap<string, { edge: GraphEdge; count: number }>, other: ReadonlyMap<string, { edge: GraphEdge; count: number }>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  for (const [key, { edge, count }] of side) {
    const extra = count - (other.get(key)?.count ?? 0);
    for (let index = 0; index < extra; index += 1) edges.push({ source: { ...edge.source }, destination: { ...edge.destination } });
  }
  return edges;
}

/**
 * Equality of JSON values, object keys in any order. Iterative, so a deeply nested value cannot
 * overflow the stack.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [left, right] = stack.pop()!;
    if (Object.is(left, right)) continue;
    if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
      if (left === right) continue;
      return false;
    }
    if (Array.isArray(left) !== Array.isArray(right)) return false;
    if (Array.isArray(left)) {
      const other = right as unknown[];
      if (left.length !== other.length) return false;
      for (let index = 0; index < left.length; index += 1) stack.push([left[index], other[index]]);
      continue;
    }
    const leftRecord = left as Record<string, unknown>;
    const rightRecord = right as Record<string, unknown>;
    const keys = Object.keys(leftRecord);
    if (keys.length !== Object.keys(rightRecord).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(rightRecord, key)) return false;
      stack.push([leftRecord[key], rightRecord[key]]);
    }
  }
  return true;
}
