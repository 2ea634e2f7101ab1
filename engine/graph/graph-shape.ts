/**
 * The first check of a graph that arrived as JSON: is it shaped like a Graph at all? Every
 * problem is reported at once, each naming the node or edge it is in.
 */
import type { Issue } from '../errors';
import type { Graph } from './graph';

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
  });
  (Array.isArray(graph['edges']) ? (graph['edges'] as unknown[]) : []).forEach((edge, index) => {
    const where = `edges[${index}]`;
    const record = (typeof edge === 'object' && edge !== null ? edge : {}) as Record<string, unknown>;
    for (const end of ['source', 'destination'] as const) {
      const value = record[end] as Record<string, unknown> | undefined;
      if (typeof value !== 'object' || value === null || typeof value['nodeId'] !== 'string' || typeof value['field'] !== 'string') {
        issues.push({ code: 'malformed_graph', field: `${where}.${end}`, message: `${where}.${end} must be {nodeId, field}` });
      }
    }
  });
  return issues;
}

export function isGraph(candidate: unknown): candidate is Graph {
  return checkGraphShape(candidate).length === 0;
}
