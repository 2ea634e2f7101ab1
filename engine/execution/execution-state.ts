/**
 * The execution state of one graph run: which runs of which nodes exist, which are ready, and
 * their results. It expands Iterate fan-out and Collect fan-in (nested too) as the iterated
 * collections become known, and runs lazily gated branches only when a lazy input asks for them.
 * It performs no work itself: a driver takes ready runs with `next()`, invokes them wherever it
 * likes (here, or on a worker), and reports back with `complete()` or `fail()`.
 * Bookkeeping stays linear in nodes plus edges (times the bounded iteration depth): no recursion
 * along the graph, no scan of every run or every edge per step.
 */
import { NodeError, toErrorInfo, type ErrorInfo } from '../errors';
import type { PreparedEdge, PreparedGraph, PreparedNode } from '../graph/prepared-graph';
import { applyCasts } from '../fields/type-compat';
import { checkValue } from '../fields/value-check';
import { instanceKey, pick, planScopes, type ScopePlans } from './scope-plan';

export type RunStatus = 'waiting' | 'ready' | 'running' | 'done' | 'failed';

/** One run of a node: the node plus one item index per enclosing Iterate node. */
export interface NodeRun {
  readonly node: PreparedNode;
  readonly assignment: readonly number[];
  readonly key: string;
  status: RunStatus;
  outputs: Readonly<Record<string, unknown>> | undefined;
  /** Iterate runs: the collection being iterated. */
  items: readonly unknown[] | undefined;
  /** Runs with lazy inputs: the ones chosen. */
  selected: ReadonlySet<string> | undefined;
  durationMs: number;
  cached: boolean;
  error: ErrorInfo | undefined;
}

type Demands = Map<string, { readonly dims: readonly number[]; readonly keys: Set<string> }>;

export class ExecutionState {
  private readonly plans: ScopePlans;
  private readonly runs = new Map<string, NodeRun>();
  /** The runs of each node, by node index, so `runsOf` does not scan every run. */
  private readonly runsByNode: NodeRun[][];
  /**
   * For a waiting run, how far its readiness check got: inputs once available stay available, so
   * each check resumes there, and a node fed by many edges costs time linear in them in all.
   */
  private readonly checkedUpTo = new Map<NodeRun, number>();
  private readonly queue: NodeRun[] = [];
  private head = 0;
  /** Collect inputs finished so far, per edge, by the part of their assignment the Collect keeps. */
  private readonly gathered = new Map<PreparedEdge, Map<string, number>>();
  private readonly demands = new Map<number, Demands>();
  private failure: ErrorInfo | undefined;

  constructor(readonly graph: PreparedGraph) {
    this.plans = planScopes(graph);
    this.runsByNode = graph.nodes.map((): NodeRun[] => []);
    for (const node of graph.nodes) if (node.scope.length === 0) this.consider(node, [], []);
  }

  get failed(): ErrorInfo | undefined {
    return this.failure;
  }

  /** The next run whose inputs are all available, or undefined (done, failed, or waiting on running work). */
  next(): NodeRun | undefined {
    if (this.failure || this.head >= this.queue.length) return undefined;
    const run = this.queue[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    run.status = 'running';
    return run;
  }

  /** The inputs a run receives: typed values and defaults, overlaid with what its edges carry. */
  resolveInputs(run: NodeRun): Record<string, unknown> {
    const inputs: Record<string, unknown> = { ...run.node.fixedInputs };
    for (const edge of run.node.inEdges) {
      if (edge.lazy && !run.selected?.has(edge.targetField)) continue;
      const value = this.edgeValue(edge, run.assignment);
      if (run.node.definition.inputs[edge.targetField]!.multiple) {
        ((inputs[edge.targetField] ??= []) as unknown[]).push(value);
      } else {
        inputs[edge.targetField] = value;
      }
    }
    return inputs;
  }

  /** Records an Iterate run's collection; its items become runs of the downstream nodes. */
  completeIterate(run: NodeRun, items: readonly unknown[], durationMs: number): void {
    run.items = items;
    this.complete(run, { collection: items, total: items.length }, durationMs, false);
  }

  /** A Collect run's output: every gathered value, in edge order, then iteration order. */
  gather(run: NodeRun): unknown[] {
    const collected: unknown[] = [];
    const edges = [...run.node.inEdges].sort((a, b) => a.order - b.order);
    for (const edge of edges) {
      const source = this.graph.nodes[edge.source]!;
      const positions = this.plans.edges.get(edge)!.outPositions;
      const assignment = positions.map((position) => (position >= 0 ? run.assignment[position]! : 0));
      const visit = (k: number): void => {
        if (k === positions.length) {
          collected.push(this.valueAt(source, edge.sourceField, assignment, edge.casts));
          return;
        }
        if (positions[k]! >= 0) return visit(k + 1);
        const count = this.closedCount(run, source.outScope[k]!) ?? 0;
        for (let item = 0; item < count; item++) {
          assignment[k] = item;
          visit(k + 1);
        }
      };
      visit(0);
    }
    return collected;
  }

  complete(run: NodeRun, outputs: Readonly<Record<string, unknown>>, durationMs: number, cached: boolean): void {
    run.status = 'done';
    run.outputs = outputs;
    run.durationMs = durationMs;
    run.cached = cached;
    this.propagate(run);
  }

  fail(run: NodeRun, error: ErrorInfo): void {
    run.status = 'failed';
    run.error = error;
    this.failure ??= error;
  }

  /** Every run of a node so far, in iteration order. */
  runsOf(nodeId: string): NodeRun[] {
    const node = this.graph.byId.get(nodeId);
    if (!node) return [];
    const found = [...this.runsByNode[node.index]!];
    return found.sort((a, b) => compareAssignments(a.assignment, b.assignment));
  }

  private propagate(run: NodeRun): void {
    const node = run.node;
    for (const edge of node.outEdges) {
      const child = this.graph.nodes[edge.target]!;
      if (child.role === 'collect') this.countGathered(edge, run);
      this.consider(child, node.scope, run.assignment);
    }
    if (node.role === 'iterate') {
      for (const collect of this.plans.nodes[node.index]!.collectsOver) {
        this.consider(this.graph.nodes[collect]!, node.scope, run.assignment);
      }
    }
  }

  /** Counts the values one finished run (for an Iterate: each of its items) adds to a Collect. */
  private countGathered(edge: PreparedEdge, run: NodeRun): void {
    const positions = this.plans.edges.get(edge)!.outPositions;
    let counts = this.gathered.get(edge);
    if (!counts) this.gathered.set(edge, (counts = new Map()));
    const node = run.node;
    const bump = (outAssignment: readonly number[], by: number) => {
      const kept = positions.flatMap((position, k) => (position >= 0 ? [[position, outAssignment[k]!] as const] : []));
      const key = kept.sort((a, b) => a[0] - b[0]).map(([, value]) => value).join(',');
      counts.set(key, (counts.get(key) ?? 0) + by);
    };
    if (node.role !== 'iterate') return bump(run.assignment, 1);
    const self = this.plans.nodes[node.index]!.selfPosition;
    const items = run.items?.length ?? 0;
    if (positions[self]! < 0) {
      // The Collect closes this iteration: all items count towards the same run of it.
      return bump(withItem(run.assignment, self, 0), items);
    }
    for (let item = 0; item < items; item++) bump(withItem(run.assignment, self, item), 1);
  }

  /**
   * Creates (if need be) and checks every run of `node` whose assignment agrees with the given
   * partial one; dims whose Iterate has not finished yet are left for a later call.
   */
  private consider(node: PreparedNode, dims: readonly number[], values: readonly number[]): void {
    if (node.scope.length === 0) return this.check(node, NO_ASSIGNMENT);
    this.extend(node, dims, values, new Array<number>(node.scope.length), 0);
  }

  private extend(node: PreparedNode, dims: readonly number[], values: readonly number[], assignment: number[], k: number): void {
    const scope = node.scope;
    for (; k < scope.length; k++) {
      const fixed = dims.indexOf(scope[k]!);
      if (fixed < 0) break;
      assignment[k] = values[fixed]!;
    }
    if (k === scope.length) return this.check(node, assignment);
    const count = this.iterationCount(scope[k]!, pick(assignment, this.plans.nodes[node.index]!.dimScopePositions[k]!)) ?? 0;
    for (let item = 0; item < count; item++) {
      assignment[k] = item;
      this.extend(node, dims, values, assignment, k + 1);
    }
  }

  private check(node: PreparedNode, assignment: readonly number[]): void {
    const key = instanceKey(node, assignment);
    let run = this.runs.get(key);
    if (!run) {
      run = {
        node,
        assignment: [...assignment],
        key,
        status: 'waiting',
        outputs: undefined,
        items: undefined,
        selected: undefined,
        durationMs: 0,
        cached: false,
        error: undefined,
      };
      this.runs.set(key, run);
      this.runsByNode[node.index]!.push(run);
    }
    if (run.status === 'waiting' && !this.failure && this.isReady(run)) {
      run.status = 'ready';
      this.queue.push(run);
    }
  }

  private isReady(run: NodeRun): boolean {
    const node = run.node;
    if (node.gated && !this.isDemanded(run)) return false;
    const edges = node.inEdges;
    // Positions 0..n-1 are the edges (eager ones, or every one for a Collect); n..2n-1 the chosen lazy ones.
    let position = this.checkedUpTo.get(run) ?? 0;
    const waiting = (): boolean => {
      this.checkedUpTo.set(run, position);
      return false;
    };
    for (; position < edges.length; position++) {
      const edge = edges[position]!;
      if (node.role === 'collect' ? !this.collectEdgeReady(run, edge) : !edge.lazy && !this.sourceDone(edge, run.assignment)) return waiting();
    }
    if (node.role !== 'collect' && node.hasLazyInputs) {
      if (!run.selected && !this.select(run)) return waiting();
      for (; position < 2 * edges.length; position++) {
        const edge = edges[position - edges.length]!;
        if (edge.lazy && run.selected!.has(edge.targetField) && !this.sourceDone(edge, run.assignment)) return waiting();
      }
    }
    this.checkedUpTo.delete(run);
    return true;
  }

  /** Asks the node which lazy inputs it needs, and demands the branches feeding them. */
  private select(run: NodeRun): boolean {
    const node = run.node;
    const eager: Record<string, unknown> = { ...node.fixedInputs };
    try {
      for (const edge of node.inEdges) if (!edge.lazy) eager[edge.targetField] = this.edgeValue(edge, run.assignment);
      run.selected = new Set(node.definition.selectLazyInputs!(eager));
    } catch (error) {
      this.fail(run, { ...toErrorInfo(error), nodeId: node.id });
      return false;
    }
    for (const edge of node.inEdges) {
      if (!edge.lazy || !run.selected.has(edge.targetField)) continue;
      const source = this.graph.nodes[edge.source]!;
      const outAssignment = pick(run.assignment, this.plans.edges.get(edge)!.outPositions);
      this.demand(source, source.outScope, outAssignment);
    }
    return true;
  }

  /**
   * Marks the runs of a gated node (and, upstream, of the gated nodes feeding it) as wanted, then
   * considers them, sources first. An explicit stack: a gated branch may be any length.
   */
  private demand(node: PreparedNode, dims: readonly number[], values: readonly number[]): void {
    const frames: { readonly node: PreparedNode; readonly dims: readonly number[]; readonly values: readonly number[]; next: number }[] = [];
    const enter = (target: PreparedNode, givenDims: readonly number[], givenValues: readonly number[]): void => {
      if (!target.gated) return;
      const kept = givenDims.flatMap((dim, k) => (target.scope.includes(dim) ? [[dim, givenValues[k]!] as const] : []));
      const keptDims = kept.map(([dim]) => dim);
      const keptValues = kept.map(([, value]) => value);
      let byDims = this.demands.get(target.index);
      if (!byDims) this.demands.set(target.index, (byDims = new Map()));
      const signature = keptDims.join(',');
      let entry = byDims.get(signature);
      if (!entry) byDims.set(signature, (entry = { dims: keptDims, keys: new Set() }));
      const key = keptValues.join(',');
      if (entry.keys.has(key)) return;
      entry.keys.add(key);
      frames.push({ node: target, dims: keptDims, values: keptValues, next: 0 });
    };
    enter(node, dims, values);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const inEdges = frame.node.inEdges;
      if (frame.next < inEdges.length) {
        const edge = inEdges[frame.next++]!;
        if (!edge.lazy) enter(this.graph.nodes[edge.source]!, frame.dims, frame.values);
        continue;
      }
      frames.pop();
      this.consider(frame.node, frame.dims, frame.values);
    }
  }

  private isDemanded(run: NodeRun): boolean {
    const byDims = this.demands.get(run.node.index);
    if (!byDims) return false;
    for (const { dims, keys } of byDims.values()) {
      const key = dims.map((dim) => run.assignment[run.node.scope.indexOf(dim)]).join(',');
      if (keys.has(key)) return true;
    }
    return false;
  }

  /** Whether every value one edge brings to a Collect run has arrived. */
  private collectEdgeReady(run: NodeRun, edge: PreparedEdge): boolean {
    const source = this.graph.nodes[edge.source]!;
    const positions = this.plans.edges.get(edge)!.outPositions;
    let required = 1;
    for (let k = 0; k < positions.length; k++) {
      if (positions[k]! >= 0) continue;
      const count = this.closedCount(run, source.outScope[k]!);
      if (count === undefined) return false;
      required *= count;
    }
    const key = positions.filter((position) => position >= 0).sort((a, b) => a - b).map((position) => run.assignment[position]).join(',');
    return (this.gathered.get(edge)?.get(key) ?? 0) >= required;
  }

  private closedCount(run: NodeRun, iterate: number): number | undefined {
    const positions = this.plans.nodes[run.node.index]!.closedScopePositions.get(iterate)!;
    return this.iterationCount(iterate, pick(run.assignment, positions));
  }

  private iterationCount(iterate: number, assignment: readonly number[]): number | undefined {
    const run = this.runs.get(instanceKey(this.graph.nodes[iterate]!, assignment));
    return run?.status === 'done' ? run.items!.length : undefined;
  }

  private sourceDone(edge: PreparedEdge, assignment: readonly number[]): boolean {
    const source = this.graph.nodes[edge.source]!;
    const outAssignment = pick(assignment, this.plans.edges.get(edge)!.outPositions);
    const scoped = source.role === 'iterate' ? without(outAssignment, this.plans.nodes[source.index]!.selfPosition) : outAssignment;
    return this.runs.get(instanceKey(source, scoped))?.status === 'done';
  }

  private edgeValue(edge: PreparedEdge, assignment: readonly number[]): unknown {
    const source = this.graph.nodes[edge.source]!;
    const value = this.valueAt(source, edge.sourceField, pick(assignment, this.plans.edges.get(edge)!.outPositions), edge.casts);
    if (edge.check) {
      const problem = checkValue(edge.check, value);
      if (problem) {
        const target = this.graph.nodes[edge.target]!;
        throw new NodeError('type_mismatch', `"${target.id}".${edge.targetField} received a value from "${source.id}".${edge.sourceField} that does not fit: ${problem}`, { field: edge.targetField });
      }
    }
    return value;
  }

  /** The value of `field` of `source`'s run at `outAssignment` (an assignment over its outScope). */
  private valueAt(source: PreparedNode, field: string, outAssignment: readonly number[], casts: Parameters<typeof applyCasts>[1]): unknown {
    let value: unknown;
    if (source.role === 'iterate') {
      const self = this.plans.nodes[source.index]!.selfPosition;
      const run = this.runs.get(instanceKey(source, without(outAssignment, self)))!;
      const item = outAssignment[self]!;
      value = field === 'item' ? run.items![item] : field === 'index' ? item : field === 'total' ? run.items!.length : undefined;
    } else {
      value = this.runs.get(instanceKey(source, outAssignment))!.outputs![field];
    }
    return casts.length > 0 ? applyCasts(value, casts) : value;
  }
}

const NO_ASSIGNMENT: readonly number[] = [];

function without(assignment: readonly number[], position: number): number[] {
  return assignment.filter((_, index) => index !== position);
}

function withItem(assignment: readonly number[], position: number, item: number): number[] {
  const result = [...assignment];
  result.splice(position, 0, item);
  return result;
}

function compareAssignments(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return a.length - b.length;
}
