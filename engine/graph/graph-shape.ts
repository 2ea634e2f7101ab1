/**
 * The first check of a graph that arrived as JSON: is it shaped like a Graph at all, within the
 * platform's size limits, and nested no deeper than anything downstream can walk? Every problem
 * is reported at once, each naming the node or edge it is in.
 */
import type { Issue } from '../errors';
import { MAX_VALUE_DEPTH, nestingProblem } from '../fields/value-check';
import type { Graph } from './graph';

/** Bounds on a graph's size, from the platform's configuration; none when not given. */
export interface GraphLimits {
  readonly maxNodes?: number;
  readonly maxEdges?: number;
}

/** Looks only at the lengths of the lists, so an oversized graph is refused before any other work. */
export function checkGraphSize(candidate: unknown, limits: GraphLimits = {}): Issue[] {
  if (typeof candidate !== 'object' || candidate === null) return [];
  const graph = candidate as Record<string, unknown>;
  const issues: Issue[] = [];
  for (const [field, max] of [['nodes', limits.maxNodes], ['edges', limits.maxEdges]] as const) {
    const list = graph[field];
    if (max === undefined || !Array.isArray(list) || list.length <= max) continue;
    issues.push({ code: 'graph_too_large', field, message: `the graph has ${list.length} ${field}; at most ${max} are allowed`, expected: `at most ${max} ${field}` });
  }
  return issues;
}

export function checkGraphShape(candidate: unknown): Issue[] {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return [{ code: 'malformed_graph', message: 'expected a graph object with `nodes` and `edges` lists' }];
  }
  const graph = candidate as Record<string, unknown>;
  const issues: Issue[] = [];
  if (!Array.isArray(graph['nodes'])) issues.push({ code: 'malformed_graph', field: 'nodes', message: 'expected `nodes` to be a list' });
  if (graph['edges'] !== undefined && !Array.isArray(graph['edges'])) {
    issues.push({ code: 'malformed_graph', field: 'edges', message: 'expected `edges` to be a list' });
  }
  for (const [key, value] of Object.entries(graph)) {
    if (key !== 'nodes' && key !== 'edges') tooDeep(value, { field: key }, issues);
  }
  (Array.isArray(graph['nodes']) ? (graph['nodes'] as unknown[]) : []).forEach((node, index) => {
    const where = `nodes[${index}]`;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      issues.push({ code: 'malformed_graph', field: where, message: `${where} must be an object with id and type` });
      return;
    }
    const record = node as Record<string, unknown>;
    const nodeId = typeof record['id'] === 'string' ? record['id'] : undefined;
    const at = nodeId ? { nodeId } : { field: where };
    if (typeof record['id'] !== 'string' || record['id'].trim() === '' || record['id'] !== record['id'].trim()) {
      issues.push({ code: 'malformed_graph', ...at, message: `${where}.id must be a non-empty string without surrounding spaces` });
    }
    if (typeof record['type'] !== 'string' || record['type'] === '') issues.push({ code: 'malformed_graph', ...at, message: `${where}.type must be a node type id` });
    if (record['version'] !== undefined && typeof record['version'] !== 'string') {
      issues.push({ code: 'malformed_graph', ...at, message: `${where}.version must be a string` });
    }
    const inputs = record['inputs'];
    if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))) {
      issues.push({ code: 'malformed_graph', ...at, message: `${where}.inputs must be an object of values by input name` });
    }
    if (record['useCache'] !== undefined && typeof record['useCache'] !== 'boolean') {
      issues.push({ code: 'malformed_graph', ...at, message: `${where}.useCache must be true or false` });
    }
    for (const [key, value] of Object.entries(record)) {
      if (key !== 'inputs') tooDeep(value, { ...at, field: `${where}.${key}` }, issues);
      else if (typeof value === 'object' && value !== null) {
        for (const [field, input] of Object.entries(value)) tooDeep(input, { ...(nodeId ? { nodeId } : {}), field }, issues);
      }
    }
  });
  (Array.isArray(graph['edges']) ? (graph['edges'] as unknown[]) : []).forEach((edge, index) => {
    const where = `edges[${index}]`;
    const record = (typeof edge === 'object' && edge !== null ? edge : {}) as Record<string, unknown>;
    tooDeep(record, { field: where }, issues);
    for (const end of ['source', 'destination'] as const) {
      const value = record[end] as Record<string, unknown> | undefined;
      if (typeof value !== 'object' || value === null || typeof value['nodeId'] !== 'string' || typeof value['field'] !== 'string') {
        issues.push({ code: 'malformed_graph', field: `${where}.${end}`, message: `${where}.${end} must be {nodeId, field}` });
      }
    }
  });
  return issues;
}

/** Values deeper than MAX_VALUE_DEPTH, refused before any recursive walk (JSON.stringify) meets them. */
function tooDeep(value: unknown, at: { nodeId?: string; field: string }, issues: Issue[]): void {
  const problem = nestingProblem(value);
  if (problem) issues.push({ code: 'value_too_deep', ...at, message: `"${at.field}": ${problem}`, expected: `at most ${MAX_VALUE_DEPTH} levels of lists and objects` });
}

export function isGraph(candidate: unknown): candidate is Graph {
  return checkGraphShape(candidate).length === 0;
}
