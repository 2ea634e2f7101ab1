/**
 * Validates a graph before anything runs and prepares it for the engine. Every problem is
 * reported at once, each naming the node, the field and what was expected: unknown types and
 * fields, bad values, incompatible or duplicate connections, cycles, missing inputs,
 * connection-only and direct-only rules, and the Iterate/Collect typing rules.
 * Every pass is iterative and linear (or n log n) in nodes plus edges, so a large or hostile
 * graph can neither overflow the stack nor take quadratic time.
 */
import { GraphValidationError, type Issue } from '../errors';
import { describeType, type FieldType, type InputFieldSpec } from '../fields/field-types';
import { checkConnection } from '../fields/type-compat';
import { checkValue } from '../fields/value-check';
import type { NodeRegistry } from '../registry/node-registry';
import type { Graph, GraphEdge, GraphNode } from './graph';
import { checkGraphShape, checkGraphSize, type GraphLimits } from './graph-shape';
import { finishPreparation, type DraftNode, type PreparedEdge, type PreparedGraph } from './prepared-graph';

export type { GraphLimits };

export function prepareGraph(candidate: unknown, registry: NodeRegistry, limits: GraphLimits = {}): PreparedGraph {
  const sizeIssues = checkGraphSize(candidate, limits);
  if (sizeIssues.length > 0) throw new GraphValidationError(sizeIssues);
  const shapeIssues = checkGraphShape(candidate);
  if (shapeIssues.length > 0) throw new GraphValidationError(shapeIssues);
  const graph = candidate as Graph;
  const issues: Issue[] = [];

  const drafts: DraftNode[] = [];
  const byId = new Map<string, DraftNode>();
  const knownIds = new Set<string>();
  const checked: [GraphNode, DraftNode][] = [];
  for (const node of graph.nodes) {
    if (knownIds.has(node.id)) {
      issues.push({ code: 'duplicate_node_id', nodeId: node.id, message: `the id "${node.id}" is used by more than one node` });
      continue;
    }
    const found = registry.lookup(node.type, node.version);
    if (!found.ok) {
      // The id stays known, so edges to a node of unknown type are not reported a second time.
      knownIds.add(node.id);
      issues.push({ code: found.code, nodeId: node.id, message: found.message });
      continue;
    }
    const draft: DraftNode = {
      index: drafts.length,
      id: node.id,
      definition: found.definition,
      useCache: node.useCache ?? found.definition.useCache,
      fixedInputs: {},
      inEdges: [],
      outEdges: [],
    };
    drafts.push(draft);
    byId.set(node.id, draft);
    knownIds.add(node.id);
    checked.push([node, draft]);
  }

  const singlyConnected = new Set<string>();
  (graph.edges ?? []).forEach((edge, order) => linkEdge(edge, order, byId, knownIds, singlyConnected, issues));
  const order = topologicalOrder(drafts, issues);
  const outputTypes = inferTypes(drafts, order, issues);
  for (const edge of drafts.flatMap((draft) => draft.inEdges)) {
    checkEdgeTypes(edge, drafts, outputTypes, issues);
  }
  for (const [node, draft] of checked) checkInputs(node, draft, issues);
  if (issues.length > 0) throw new GraphValidationError(dedupe(issues));
  return finishPreparation(drafts, order);
}

function linkEdge(
  edge: GraphEdge,
  order: number,
  byId: ReadonlyMap<string, DraftNode>,
  knownIds: ReadonlySet<string>,
  singlyConnected: Set<string>,
  issues: Issue[],
): void {
  const { source, destination } = edge;
  const from = byId.get(source.nodeId);
  const to = byId.get(destination.nodeId);
  if (!knownIds.has(source.nodeId)) issues.push({ code: 'unknown_edge_node', nodeId: source.nodeId, message: `an edge starts at "${source.nodeId}", which is not in the graph` });
  if (!knownIds.has(destination.nodeId)) issues.push({ code: 'unknown_edge_node', nodeId: destination.nodeId, message: `an edge ends at "${destination.nodeId}", which is not in the graph` });
  if (!from || !to) return;
  const output = from.definition.outputs[source.field];
  const input = to.definition.inputs[destination.field];
  if (!output) issues.push(unknownField(from, source.field, 'output'));
  if (!input) issues.push(unknownField(to, destination.field, 'input'));
  if (!output || !input) return;
  if (input.input === 'direct') {
    issues.push({ code: 'direct_only', nodeId: to.id, field: destination.field, message: `"${destination.field}" takes a typed value, not a connection` });
    return;
  }
  if (from === to) {
    issues.push({ code: 'cycle', nodeId: to.id, field: destination.field, message: `"${to.id}" is connected to itself` });
    return;
  }
  // Inputs that take one connection, as "index field": a set, not a scan of the node's edges.
  const slot = `${to.index} ${destination.field}`;
  if (!input.multiple && singlyConnected.has(slot)) {
    issues.push({ code: 'duplicate_connection', nodeId: to.id, field: destination.field, message: `"${destination.field}" accepts one connection, and has several` });
    return;
  }
  if (!input.multiple) singlyConnected.add(slot);
  const prepared: PreparedEdge = {
    order,
    source: from.index,
    sourceField: source.field,
    target: to.index,
    targetField: destination.field,
    casts: [],
    check: undefined,
    lazy: input.lazy === true,
  };
  to.inEdges.push(prepared);
  from.outEdges.push(prepared);
}

function unknownField(draft: DraftNode, field: string, side: 'input' | 'output'): Issue {
  const names = Object.keys(side === 'input' ? draft.definition.inputs : draft.definition.outputs);
  return {
    code: 'unknown_field',
    nodeId: draft.id,
    field,
    message: `"${draft.definition.type}" has no ${side} "${field}"`,
    expected: names.length > 0 ? `one of ${names.join(', ')}` : `no ${side}s`,
  };
}

/** Kahn's algorithm; nodes left over sit on a cycle and are reported together. */
function topologicalOrder(drafts: readonly DraftNode[], issues: Issue[]): number[] {
  const pending = drafts.map((draft) => new Set(draft.inEdges.map((edge) => edge.source)).size);
  const queue = drafts.filter((_, index) => pending[index] === 0).map((draft) => draft.index);
  const order: number[] = [];
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head]!;
    order.push(index);
    for (const child of new Set(drafts[index]!.outEdges.map((edge) => edge.target))) {
      if (--pending[child]! === 0) queue.push(child);
    }
  }
  if (order.length < drafts.length) {
    for (const cycle of cyclesAmong(drafts.filter((_, index) => pending[index]! > 0))) {
      const ids = cycle.map((draft) => draft.id);
      // One issue per node, so the editor marks them all; each names a few members, not all of a huge loop.
      const shown = ids.length > CYCLE_IDS_SHOWN ? `${ids.slice(0, CYCLE_IDS_SHOWN).join(' → ')} → … ${ids.length} nodes in all` : ids.join(' → ');
      for (const id of ids) {
        issues.push({ code: 'cycle', nodeId: id, message: `"${id}" is on a cycle (${shown}); a graph must not loop back on itself` });
      }
    }
  }
  return order;
}

const CYCLE_IDS_SHOWN = 8;

/**
 * Tarjan's strongly connected components of size > 1 among the nodes Kahn could not order, with
 * an explicit call stack: a loop of any length is found without recursion.
 */
function cyclesAmong(stuck: readonly DraftNode[]): DraftNode[][] {
  const byIndex = new Map(stuck.map((draft) => [draft.index, draft]));
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const cycles: DraftNode[][] = [];
  let counter = 0;
  /** The nodes being visited, innermost last, each with the position of its next out-edge. */
  const calls: { readonly node: number; next: number }[] = [];
  const enter = (node: number): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    calls.push({ node, next: 0 });
  };
  for (const root of stuck) {
    if (index.has(root.index)) continue;
    enter(root.index);
    while (calls.length > 0) {
      const frame = calls[calls.length - 1]!;
      const node = frame.node;
      const outEdges = byIndex.get(node)!.outEdges;
      if (frame.next < outEdges.length) {
        const target = outEdges[frame.next++]!.target;
        if (!byIndex.has(target)) continue;
        if (!index.has(target)) enter(target);
        else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
        continue;
      }
      calls.pop();
      const caller = calls[calls.length - 1];
      if (caller) low.set(caller.node, Math.min(low.get(caller.node)!, low.get(node)!));
      if (low.get(node) !== index.get(node)) continue;
      const component: DraftNode[] = [];
      for (let top = stack.pop()!; ; top = stack.pop()!) {
        onStack.delete(top);
        component.push(byIndex.get(top)!);
        if (top === node) break;
      }
      if (component.length > 1) cycles.push(component.sort((a, b) => a.index - b.index));
    }
  }
  return cycles;
}

type OutputTypes = Map<number, Record<string, FieldType>>;

/** Output types, with Iterate's `item` and Collect's `collection` taking the type of what feeds them. */
function inferTypes(drafts: readonly DraftNode[], order: readonly number[], issues: Issue[]): OutputTypes {
  const types: OutputTypes = new Map();
  const typeOf = (edge: PreparedEdge): FieldType => types.get(edge.source)?.[edge.sourceField] ?? drafts[edge.source]!.definition.outputs[edge.sourceField]!;
  for (const index of order) {
    const draft = drafts[index]!;
    const declared: Record<string, FieldType> = { ...draft.definition.outputs };
    if (draft.definition.role === 'iterate') {
      const feed = draft.inEdges.find((edge) => edge.targetField === 'collection');
      if (feed) {
        const source = typeOf(feed);
        declared['item'] = { kind: source.kind, cardinality: 'single', ...(source.options ? { options: source.options } : {}) };
      }
    }
    if (draft.definition.role === 'collect') {
      const kinds = draft.inEdges.filter((edge) => edge.targetField === 'item').map(typeOf);
      const typed = kinds.filter((type) => type.kind !== 'any');
      const distinct = new Set(typed.map((type) => `${type.kind}/${type.cardinality}`));
      if (distinct.size > 1) {
        issues.push({ code: 'collect_mixed_types', nodeId: draft.id, field: 'item', message: `a Collect gathers one type of value; it receives ${[...distinct].join(', ').replaceAll('/single', '')}` });
      } else if (typed.length > 0 && typed[0]!.cardinality === 'single') {
        declared['collection'] = { kind: typed[0]!.kind, cardinality: 'collection', ...(typed[0]!.options ? { options: typed[0]!.options } : {}) };
      }
    }
    types.set(index, declared);
  }
  return types;
}

function checkEdgeTypes(edge: PreparedEdge, drafts: readonly DraftNode[], types: OutputTypes, issues: Issue[]): void {
  const sourceType = types.get(edge.source)?.[edge.sourceField];
  if (!sourceType) return; // on a cycle: already reported
  const target = drafts[edge.target]!;
  const input = target.definition.inputs[edge.targetField]!;
  const verdict = checkConnection(sourceType, input);
  const from = drafts[edge.source]!;
  if (!verdict.ok) {
    issues.push({
      code: 'type_mismatch',
      nodeId: target.id,
      field: edge.targetField,
      message: `cannot connect "${from.id}".${edge.sourceField} to "${target.id}".${edge.targetField}: ${verdict.reason}`,
      expected: describeType(input),
    });
    return;
  }
  const loose = sourceType.kind === 'any' && input.kind !== 'any';
  Object.assign(edge, { casts: verdict.casts, check: loose ? input : undefined });
}

function checkInputs(node: GraphNode, draft: DraftNode, issues: Issue[]): void {
  const inputs = draft.definition.inputs;
  const given = node.inputs ?? {};
  const connected = new Set(draft.inEdges.map((edge) => edge.targetField));
  for (const [field, value] of Object.entries(given)) {
    const spec = inputs[field];
    if (!spec) {
      issues.push(unknownField(draft, field, 'input'));
      continue;
    }
    if (connected.has(field) || value === undefined) continue;
    if (spec.input === 'connection') {
      issues.push({ code: 'connection_only', nodeId: draft.id, field, message: `"${field}" takes a connection, not a typed value` });
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem) issues.push({ code: 'invalid_value', nodeId: draft.id, field, message: `"${field}": ${problem}`, expected: describeType(spec) });
  }
  for (const [field, spec] of Object.entries(inputs) as [string, InputFieldSpec][]) {
    if (connected.has(field)) continue;
    const value = given[field] !== undefined ? given[field] : spec.default;
    if (value !== undefined) draft.fixedInputs[field] = value;
    else if (!spec.optional) {
      const how = spec.input === 'connection' ? 'connect it' : spec.input === 'direct' ? 'set it' : 'set or connect it';
      issues.push({ code: 'missing_input', nodeId: draft.id, field, message: `"${field}" is required: ${how}`, expected: describeType(spec) });
    }
  }
}

function dedupe(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.code}|${issue.nodeId}|${issue.field}|${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates without keeping the prepared form: every issue, or none. */
export function validateGraph(candidate: unknown, registry: NodeRegistry, limits: GraphLimits = {}): Issue[] {
  try {
    prepareGraph(candidate, registry, limits);
    return [];
  } catch (error) {
    if (error instanceof GraphValidationError) return [...error.issues];
    throw error;
  }
}
