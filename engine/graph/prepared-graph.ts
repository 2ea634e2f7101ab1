/**
 * A validated graph, resolved for running: definitions looked up, edges typed with their casts,
 * nodes in topological order, and each node's iteration scope (which Iterate nodes it runs once
 * per item of) and whether it is gated behind a lazy input.
 */
import { GraphValidationError } from '../errors';
import type { Cast } from '../fields/type-compat';
import type { InputFieldSpec } from '../fields/field-types';
import type { AnyNodeDefinition, NodeRole } from '../node-definition';

export interface PreparedEdge {
  /** Position in the graph's edge list: Collect gathers its inputs in this order. */
  readonly order: number;
  readonly source: number;
  readonly sourceField: string;
  readonly target: number;
  readonly targetField: string;
  readonly casts: readonly Cast[];
  /** Set when the source is `any`: the value is checked against the input when it arrives. */
  readonly check: InputFieldSpec | undefined;
  readonly lazy: boolean;
}

export interface PreparedNode {
  readonly index: number;
  readonly id: string;
  readonly definition: AnyNodeDefinition;
  readonly role: NodeRole | undefined;
  readonly useCache: boolean;
  /** Defaults and typed values of the inputs no edge feeds. */
  readonly fixedInputs: Readonly<Record<string, unknown>>;
  readonly inEdges: readonly PreparedEdge[];
  readonly outEdges: readonly PreparedEdge[];
  /** The Iterate nodes this node runs once per item of (outermost first). */
  readonly scope: readonly number[];
  /** What its outputs carry downstream: scope, plus itself for an Iterate, minus what a Collect closes. */
  readonly outScope: readonly number[];
  /** For a Collect: the Iterate nodes whose items it gathers. */
  readonly closes: readonly number[];
  /** Runs only when a lazy input downstream asks for it. */
  readonly gated: boolean;
  readonly hasLazyInputs: boolean;
}

export interface PreparedGraph {
  readonly nodes: readonly PreparedNode[];
  readonly byId: ReadonlyMap<string, PreparedNode>;
  /** Node indices in dependency order. */
  readonly order: readonly number[];
}

interface DraftNode {
  index: number;
  id: string;
  definition: AnyNodeDefinition;
  useCache: boolean;
  fixedInputs: Record<string, unknown>;
  inEdges: PreparedEdge[];
  outEdges: PreparedEdge[];
}

/**
 * How many Iterate nodes one node may run inside (nested, or side by side as a cartesian product).
 * Scopes are lists that long, so the bound keeps preparing and running a graph linear in its
 * size whatever a hostile graph nests.
 */
export const MAX_ITERATION_DEPTH = 32;

/** Computes scopes and gating over drafts already in topological `order`. */
export function finishPreparation(drafts: readonly DraftNode[], order: readonly number[]): PreparedGraph {
  const rank = new Map<number, number>();
  order.forEach((nodeIndex, position) => rank.set(nodeIndex, position));
  const byRank = (a: number, b: number) => rank.get(a)! - rank.get(b)!;

  const scopes: number[][] = [];
  const outScopes: number[][] = [];
  const closes: number[][] = [];
  for (const index of order) {
    const draft = drafts[index]!;
    // Most nodes run outside any iteration: they share one empty scope, with nothing to sort.
    let scope: number[] = NO_DIMS;
    if (draft.inEdges.some((edge) => outScopes[edge.source]!.length > 0)) {
      const incoming = new Set<number>();
      for (const edge of draft.inEdges) for (const dim of outScopes[edge.source]!) incoming.add(dim);
      scope = [...incoming].sort(byRank);
    }
    let closed: number[] = NO_DIMS;
    if (draft.definition.role === 'collect') {
      // A Collect closes the innermost iterations it receives: those no other received one is nested in.
      const enclosing = new Set<number>();
      for (const other of scope) for (const dim of scopes[other]!) enclosing.add(dim);
      closed = scope.filter((dim) => !enclosing.has(dim));
      scope = scope.filter((dim) => enclosing.has(dim));
    }
    const depth = scope.length + (draft.definition.role === 'iterate' ? 1 : 0);
    if (depth > MAX_ITERATION_DEPTH) {
      throw new GraphValidationError([
        {
          code: 'iteration_too_deep',
          nodeId: draft.id,
          message: `"${draft.id}" runs inside ${depth} Iterate nodes (counting itself if it is one); at most ${MAX_ITERATION_DEPTH} may enclose one node`,
          expected: `at most ${MAX_ITERATION_DEPTH} enclosing Iterate nodes`,
        },
      ]);
    }
    scopes[index] = scope;
    closes[index] = closed;
    outScopes[index] = draft.definition.role === 'iterate' ? [...scope, index].sort(byRank) : scope;
  }

  const gated: boolean[] = drafts.map(() => false);
  for (let position = order.length - 1; position >= 0; position--) {
    const index = order[position]!;
    const outEdges = drafts[index]!.outEdges;
    gated[index] = outEdges.length > 0 && outEdges.every((edge) => edge.lazy || gated[edge.target]);
  }

  const nodes: PreparedNode[] = drafts.map((draft) => ({
    ...draft,
    role: draft.definition.role,
    scope: scopes[draft.index]!,
    outScope: outScopes[draft.index]!,
    closes: closes[draft.index]!,
    gated: gated[draft.index]!,
    hasLazyInputs: hasLazyInputs(draft.definition),
  }));
  return { nodes, byId: new Map(nodes.map((node) => [node.id, node])), order };
}

const NO_DIMS: number[] = [];

const lazyByDefinition = new WeakMap<AnyNodeDefinition, boolean>();

function hasLazyInputs(definition: AnyNodeDefinition): boolean {
  let lazy = lazyByDefinition.get(definition);
  if (lazy === undefined) lazyByDefinition.set(definition, (lazy = Object.values(definition.inputs).some((spec) => spec.lazy === true)));
  return lazy;
}

export type { DraftNode };
