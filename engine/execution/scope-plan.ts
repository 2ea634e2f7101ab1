/**
 * Index arithmetic for iteration scopes, computed once per prepared graph. A run of a node is
 * identified by its assignment: one item index per Iterate node in its scope, in scope order.
 * These plans say where each parent's assignment sits inside a child's.
 */
import type { PreparedEdge, PreparedGraph, PreparedNode } from '../graph/prepared-graph';

export interface EdgePlan {
  /** For each dim of the source's outScope, its position in the target's scope (-1: closed by a Collect). */
  readonly outPositions: readonly number[];
}

export interface NodePlan {
  /** For each dim of the scope, the positions (within this scope) of that Iterate node's own scope. */
  readonly dimScopePositions: readonly (readonly number[])[];
  /** Iterate only: position of the node's own dim within its outScope. */
  readonly selfPosition: number;
  /** Iterate only: Collect nodes whose inputs lie in this iteration (they may become ready when it ends). */
  readonly collectsOver: readonly number[];
  /** Collect only: for each closed Iterate node, the positions (within this scope) of its own scope. */
  readonly closedScopePositions: ReadonlyMap<number, readonly number[]>;
}

export interface ScopePlans {
  readonly edges: ReadonlyMap<PreparedEdge, EdgePlan>;
  readonly nodes: readonly NodePlan[];
}

export function planScopes(graph: PreparedGraph): ScopePlans {
  const edges = new Map<PreparedEdge, EdgePlan>();
  for (const node of graph.nodes) {
    for (const edge of node.inEdges) {
      const source = graph.nodes[edge.source]!;
      edges.set(edge, { outPositions: source.outScope.map((dim) => node.scope.indexOf(dim)) });
    }
  }
  // Each Collect listed under the Iterate nodes it lies in or closes: one pass, not one per Iterate.
  const collectsOver = graph.nodes.map((): number[] => []);
  for (const node of graph.nodes) {
    if (node.role !== 'collect') continue;
    for (const dim of new Set([...node.scope, ...node.closes])) collectsOver[dim]!.push(node.index);
  }
  const nodes = graph.nodes.map((node): NodePlan => ({
    dimScopePositions: node.scope.map((dim) => graph.nodes[dim]!.scope.map((inner) => node.scope.indexOf(inner))),
    selfPosition: node.role === 'iterate' ? node.outScope.indexOf(node.index) : -1,
    collectsOver: node.role === 'iterate' ? collectsOver[node.index]! : [],
    closedScopePositions:
      node.closes.length === 0
        ? NO_POSITIONS
        : new Map(node.closes.map((dim) => [dim, graph.nodes[dim]!.scope.map((inner) => node.scope.indexOf(inner))] as const)),
  }));
  return { edges, nodes };
}

const NO_POSITIONS: ReadonlyMap<number, readonly number[]> = new Map();

export function instanceKey(node: PreparedNode, assignment: readonly number[]): string {
  return assignment.length === 0 ? String(node.index) : `${node.index}:${assignment.join(',')}`;
}

/** Picks `positions` out of `assignment`; -1 positions are skipped. */
export function pick(assignment: readonly number[], positions: readonly number[]): number[] {
  const picked: number[] = [];
  for (const position of positions) if (position >= 0) picked.push(assignment[position]!);
  return picked;
}
