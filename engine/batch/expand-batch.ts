/**
 * Batches, as in InvokeAI's queue: one graph plus field values to sweep. Lists within a group are
 * zipped (equal lengths), groups combine as a cartesian product, and the whole repeats `runs`
 * times. Checked before anything is enqueued: unknown nodes or fields, connected fields, values
 * that do not fit, unequal lists, and more items than the limit.
 */
import { BatchValidationError, type Issue } from '../errors';
import { describeType } from '../fields/field-types';
import { checkValue, nestingProblem } from '../fields/value-check';
import type { Graph, GraphNode } from '../graph/graph';
import type { PreparedGraph } from '../graph/prepared-graph';

export interface BatchDatum {
  readonly nodeId: string;
  readonly field: string;
  readonly items: readonly unknown[];
}

export interface Batch {
  readonly graph: Graph;
  /** Groups of data: zipped within a group, combined across groups. */
  readonly data?: readonly (readonly BatchDatum[])[];
  readonly runs?: number;
}

export interface FieldValue {
  readonly nodeId: string;
  readonly field: string;
  readonly value: unknown;
}

export const DEFAULT_MAX_BATCH_ITEMS = 10_000;

/** Checks the batch data against the prepared graph and returns how many sessions it expands to. */
export function checkBatch(batch: Batch, prepared: PreparedGraph, maxItems = DEFAULT_MAX_BATCH_ITEMS): number {
  const issues: Issue[] = [];
  const runs = batch.runs ?? 1;
  if (!Number.isSafeInteger(runs) || runs < 1) issues.push({ code: 'invalid_value', field: 'runs', message: `runs must be a whole number of at least 1, got ${JSON.stringify(batch.runs)}` });
  const data = batch.data ?? [];
  if (!Array.isArray(data)) throw new BatchValidationError([{ code: 'invalid_value', field: 'data', message: 'data must be a list of groups of {nodeId, field, items}' }]);

  let count = Number.isSafeInteger(runs) && runs >= 1 ? runs : 1;
  const seen = new Set<string>();
  data.forEach((group, groupIndex) => {
    const where = `data[${groupIndex}]`;
    if (!Array.isArray(group) || group.length === 0) {
      issues.push({ code: 'invalid_value', field: where, message: `${where} must be a non-empty list of {nodeId, field, items}` });
      return;
    }
    const lengths = new Set<number>();
    group.forEach((datum: BatchDatum, datumIndex) => {
      const at = `${where}[${datumIndex}]`;
      if (typeof datum !== 'object' || datum === null || !Array.isArray(datum.items)) {
        issues.push({ code: 'invalid_value', field: at, message: `${at} must be {nodeId, field, items: [...]}` });
        return;
      }
      lengths.add(datum.items.length);
      checkDatum(datum, at, prepared, seen, issues);
    });
    if (lengths.size > 1) {
      issues.push({ code: 'batch_zip_mismatch', field: where, message: `lists in one group are zipped and must be equally long; ${where} has lengths ${[...lengths].join(', ')}` });
    }
    count *= Math.max(...lengths, 0);
  });
  if (issues.length === 0 && count > maxItems) {
    issues.push({ code: 'batch_too_large', field: 'data', message: `the batch expands to ${count} sessions; the limit is ${maxItems}`, expected: `at most ${maxItems}` });
  }
  if (issues.length > 0) throw new BatchValidationError(issues);
  return count;
}

function checkDatum(datum: BatchDatum, at: string, prepared: PreparedGraph, seen: Set<string>, issues: Issue[]): void {
  const node = prepared.byId.get(datum.nodeId);
  if (!node) {
    issues.push({ code: 'unknown_node', nodeId: datum.nodeId, field: at, message: `${at} names the node "${datum.nodeId}", which is not in the graph` });
    return;
  }
  const spec = node.definition.inputs[datum.field];
  if (!spec) {
    issues.push({ code: 'unknown_field', nodeId: datum.nodeId, field: datum.field, message: `"${node.definition.type}" has no input "${datum.field}"`, expected: `one of ${Object.keys(node.definition.inputs).join(', ')}` });
    return;
  }
  if (node.inEdges.some((edge) => edge.targetField === datum.field)) {
    issues.push({ code: 'field_connected', nodeId: datum.nodeId, field: datum.field, message: `"${datum.field}" is fed by a connection, so batch values would be ignored` });
  }
  if (spec.input === 'connection') {
    issues.push({ code: 'connection_only', nodeId: datum.nodeId, field: datum.field, message: `"${datum.field}" takes a connection, not a value` });
  }
  const key = `${datum.nodeId}.${datum.field}`;
  if (seen.has(key)) issues.push({ code: 'duplicate_batch_field', nodeId: datum.nodeId, field: datum.field, message: `"${key}" appears in the batch data more than once` });
  seen.add(key);
  for (let index = 0; index < datum.items.length; index++) {
    const problem = nestingProblem(datum.items[index]) ?? checkValue(spec, datum.items[index]);
    if (problem) {
      issues.push({ code: 'invalid_value', nodeId: datum.nodeId, field: datum.field, message: `item ${index} of "${key}": ${problem}`, expected: describeType(spec) });
      return;
    }
  }
}

/** The field values of each session, lazily: runs outermost, then groups in order (last fastest). */
export function* expandBatch(batch: Batch): Generator<FieldValue[]> {
  const groups = (batch.data ?? []).filter((group) => group.length > 0);
  const sizes = groups.map((group) => group[0]!.items.length);
  const runs = batch.runs ?? 1;
  if (sizes.some((size) => size === 0)) return;
  for (let run = 0; run < runs; run++) {
    const positions = sizes.map(() => 0);
    for (;;) {
      yield groups.flatMap((group, groupIndex) =>
        group.map((datum) => ({ nodeId: datum.nodeId, field: datum.field, value: datum.items[positions[groupIndex]!] })),
      );
      let digit = positions.length - 1;
      while (digit >= 0 && ++positions[digit]! === sizes[digit]) positions[digit--] = 0;
      if (digit < 0) break;
    }
  }
}

/** A copy of the graph with the session's field values set. */
export function applyFieldValues(graph: Graph, values: readonly FieldValue[]): Graph {
  if (values.length === 0) return graph;
  const byNode = new Map<string, Record<string, unknown>>();
  for (const { nodeId, field, value } of values) (byNode.get(nodeId) ?? byNode.set(nodeId, {}).get(nodeId)!)[field] = value;
  const nodes = graph.nodes.map((node): GraphNode => {
    const overrides = byNode.get(node.id);
    return overrides ? { ...node, inputs: { ...node.inputs, ...overrides } } : node;
  });
  return { ...graph, nodes };
}
