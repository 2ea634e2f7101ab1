/**
 * The models a queue item will load: the keys in its graph's model inputs (typed in, or swept by
 * the batch data). Routing uses them to send the item to a worker that already holds them.
 */
import type { FieldValue } from '../../engine/batch/expand-batch';
import type { Graph } from '../../engine/graph/graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';

/** Model-typed inputs of the graph, as `nodeId/field`. */
export function modelInputsOf(graph: Graph, registry: NodeRegistry): Set<string> {
  const inputs = new Set<string>();
  for (const node of graph.nodes) {
    const found = registry.lookup(node.type, node.version);
    if (!found.ok) continue;
    for (const [field, spec] of Object.entries(found.definition.inputs)) if (spec.kind === 'model') inputs.add(`${node.id}/${field}`);
  }
  return inputs;
}

/** Model keys an item uses, sorted and without repeats: typed-in values, overridden by its field values. */
export function modelKeysOf(graph: Graph, modelInputs: ReadonlySet<string>, fieldValues: readonly FieldValue[] = []): string[] {
  if (modelInputs.size === 0) return [];
  const values = new Map<string, unknown>();
  for (const node of graph.nodes) {
    for (const [field, value] of Object.entries(node.inputs ?? {})) if (modelInputs.has(`${node.id}/${field}`)) values.set(`${node.id}/${field}`, value);
  }
  for (const value of fieldValues) if (modelInputs.has(`${value.nodeId}/${value.field}`)) values.set(`${value.nodeId}/${value.field}`, value.value);
  const keys = new Set<string>();
  for (const value of values.values()) for (const ref of Array.isArray(value) ? value : [value]) if (isModelRef(ref)) keys.add(ref.key);
  return [...keys].sort();
}

function isModelRef(value: unknown): value is { key: string } {
  return typeof value === 'object' && value !== null && typeof (value as { key?: unknown }).key === 'string';
}
