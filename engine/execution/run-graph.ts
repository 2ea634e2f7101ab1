/**
 * Runs a graph to the end on this process: validates and prepares it, then invokes ready runs in
 * dependency order (`concurrency` at a time), consulting the invocation cache, and emits typed
 * events. Cancellation through the signal stops the run between nodes; long nodes also see it.
 */
import { CanceledError, NodeError, PinkseaError, toErrorInfo, type ErrorInfo } from '../errors';
import type { Graph } from '../graph/graph';
import { prepareGraph } from '../graph/validate-graph';
import type { ContextHooks, ContextHost, ProgressUpdate } from '../node-context';
import type { NodeRegistry } from '../registry/node-registry';
import type { EngineEvent, EngineEventMap, InvocationRef } from './engine-events';
import { ExecutionState, type NodeRun } from './execution-state';
import { invocationCacheKey, type InvocationCache } from './invocation-cache';

export interface RunOptions {
  readonly registry: NodeRegistry;
  readonly host: ContextHost;
  readonly sessionId?: string;
  readonly signal?: AbortSignal;
  /** Shared across runs to reuse results; none by default. */
  readonly cache?: InvocationCache;
  readonly onEvent?: (event: EngineEvent) => void;
  /** How many invocations may run at once; 1 (in order) by default. */
  readonly concurrency?: number;
  /**
   * Gives the host's event loop a turn after this many milliseconds of back-to-back work, so a
   * server running graphs still answers requests between nodes. 10 ms by default; 0 never yields.
   */
  readonly yieldAfterMs?: number;
}

export type NodeRunStatus = 'completed' | 'skipped' | 'failed' | 'canceled' | 'pending';

export interface RunResult {
  readonly status: 'completed' | 'failed' | 'canceled';
  readonly error?: ErrorInfo;
  /** The outputs of every run of a node, in iteration order (one entry outside iterations). */
  outputsOf(nodeId: string): Readonly<Record<string, unknown>>[];
  /** Every run of a node: outputs, timing, whether the cache answered, its error. */
  runsOf(nodeId: string): readonly NodeRun[];
  nodeStatus(nodeId: string): NodeRunStatus;
}

export async function runGraph(graph: Graph | unknown, options: RunOptions): Promise<RunResult> {
  const state = new ExecutionState(prepareGraph(graph, options.registry));
  const runner = new GraphRunner(state, options);
  const status = await runner.run();
  return summarize(state, status);
}

class GraphRunner {
  private readonly sessionId: string;
  private readonly signal: AbortSignal;
  private readonly yieldAfterMs: number;
  private canceled = false;
  private workingSince = performance.now();

  constructor(
    private readonly state: ExecutionState,
    private readonly options: RunOptions,
  ) {
    this.sessionId = options.sessionId ?? 'local';
    this.signal = options.signal ?? new AbortController().signal;
    this.yieldAfterMs = options.yieldAfterMs ?? 10;
  }

  async run(): Promise<'completed' | 'failed' | 'canceled'> {
    const concurrency = Math.max(1, Math.floor(this.options.concurrency ?? 1));
    if (concurrency === 1) {
      for (let run = this.take(); run; run = this.take()) {
        await this.invoke(run);
        await this.maybeYield();
      }
    } else {
      const running = new Set<Promise<void>>();
      for (;;) {
        for (let run = running.size < concurrency ? this.take() : undefined; run; run = running.size < concurrency ? this.take() : undefined) {
          const task: Promise<void> = this.invoke(run).finally(() => running.delete(task));
          running.add(task);
        }
        if (running.size === 0) break;
        await Promise.race(running);
        await this.maybeYield();
      }
    }
    if (this.canceled) return 'canceled';
    return this.state.failed ? 'failed' : 'completed';
  }

  /** A turn of the event loop once work has run long enough. */
  private async maybeYield(): Promise<void> {
    if (this.yieldAfterMs <= 0 || performance.now() - this.workingSince < this.yieldAfterMs) return;
    await new Promise<void>(nextTurn);
    this.workingSince = performance.now();
  }

  private take(): NodeRun | undefined {
    if (this.signal.aborted) this.canceled = true;
    return this.canceled ? undefined : this.state.next();
  }

  private async invoke(run: NodeRun): Promise<void> {
    const node = run.node;
    const ref = this.refOf(run);
    const started = performance.now();
    try {
      if (node.role === 'iterate') {
        this.emit('invocation_started', ref);
        const collection = this.state.resolveInputs(run)['collection'];
        if (!Array.isArray(collection)) {
          throw new NodeError('invalid_value', `Iterate "${node.id}" needs a list in "collection"`, { field: 'collection' });
        }
        this.state.completeIterate(run, collection, performance.now() - started);
        this.emit('invocation_complete', { ...ref, outputs: { total: collection.length }, durationMs: run.durationMs });
        return;
      }
      if (node.role === 'collect') {
        this.emit('invocation_started', ref);
        const outputs = { collection: this.state.gather(run) };
        this.state.complete(run, outputs, performance.now() - started, false);
        this.emit('invocation_complete', { ...ref, outputs, durationMs: run.durationMs });
        return;
      }
      const inputs = this.state.resolveInputs(run);
      const cacheKey = node.useCache && this.options.cache ? invocationCacheKey(node.definition, inputs) : undefined;
      const hit = cacheKey === undefined ? undefined : this.options.cache!.get(cacheKey);
      if (hit) {
        this.state.complete(run, hit, 0, true);
        this.emit('invocation_cached', { ...ref, outputs: hit });
        return;
      }
      this.emit('invocation_started', ref);
      const ctx = this.options.host.createContext(
        { sessionId: ref.sessionId, nodeId: ref.nodeId, instanceId: ref.instanceId, type: ref.type, version: ref.version },
        new InvocationHooks(this.signal, ref, this.options.onEvent),
      );
      let outputs: unknown;
      try {
        outputs = await node.definition.invoke(inputs as never, ctx);
      } finally {
        this.options.host.releaseContext?.(ctx);
      }
      checkOutputs(run, outputs);
      if (cacheKey !== undefined) this.options.cache!.set(cacheKey, outputs);
      this.state.complete(run, outputs, performance.now() - started, false);
      this.emit('invocation_complete', { ...ref, outputs, durationMs: run.durationMs });
    } catch (error) {
      if (this.signal.aborted || error instanceof CanceledError) {
        this.canceled = true;
        run.status = 'failed';
        run.error = new CanceledError().toInfo();
        return;
      }
      const info = { ...toErrorInfo(error), nodeId: node.id };
      this.state.fail(run, info);
      run.durationMs = performance.now() - started;
      this.emit('invocation_error', { ...ref, error: info });
    }
  }

  private refOf(run: NodeRun): InvocationRef {
    const node = run.node;
    const iteration: Record<string, number> = {};
    for (let k = 0; k < node.scope.length; k++) iteration[this.state.graph.nodes[node.scope[k]!]!.id] = run.assignment[k]!;
    return {
      sessionId: this.sessionId,
      nodeId: node.id,
      instanceId: run.assignment.length === 0 ? node.id : `${node.id}[${run.assignment.join(',')}]`,
      type: node.definition.type,
      version: node.definition.version,
      iteration,
    };
  }

  private emit<K extends keyof EngineEventMap>(name: K, payload: EngineEventMap[K]): void {
    this.options.onEvent?.({ name, payload } as EngineEvent);
  }
}

/**
 * setImmediate where the host has it (Node: right after pending I/O, no timer clamp); setTimeout,
 * which every JavaScript host has, elsewhere.
 */
const nextTurn: (resolve: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (resolve) => (globalThis as unknown as { setImmediate(callback: () => void): void }).setImmediate(resolve)
    : (resolve) => setTimeout(resolve, 0);

/** Per-invocation wiring for the host's context: the run's signal, and progress as events. */
class InvocationHooks implements ContextHooks {
  constructor(
    readonly signal: AbortSignal,
    private readonly ref: InvocationRef,
    private readonly onEvent: RunOptions['onEvent'],
  ) {}

  progress(update: ProgressUpdate): void {
    this.onEvent?.({ name: 'invocation_progress', payload: { ...this.ref, ...withPercentage(update) } });
  }
}

function withPercentage(update: ProgressUpdate): ProgressUpdate {
  if (update.percentage !== undefined || update.step === undefined || !update.total) return update;
  return { ...update, percentage: Math.min(1, Math.max(0, update.step / update.total)) };
}

function checkOutputs(run: NodeRun, outputs: unknown): asserts outputs is Readonly<Record<string, unknown>> {
  const declared = Object.keys(run.node.definition.outputs);
  const record = outputs as Record<string, unknown> | undefined;
  const missing = typeof record === 'object' && record !== null ? declared.filter((name) => record[name] === undefined) : declared;
  if (missing.length > 0) {
    throw new PinkseaError(
      'invalid_node_output',
      `"${run.node.definition.type}" returned no value for ${missing.map((name) => `"${name}"`).join(', ')}`,
      'internal',
    );
  }
}

function summarize(state: ExecutionState, status: 'completed' | 'failed' | 'canceled'): RunResult {
  return {
    status,
    ...(state.failed ? { error: state.failed } : {}),
    outputsOf: (nodeId) => state.runsOf(nodeId).filter((run) => run.status === 'done').map((run) => run.outputs!),
    runsOf: (nodeId) => state.runsOf(nodeId),
    nodeStatus: (nodeId) => {
      const runs = state.runsOf(nodeId);
      if (runs.some((run) => run.status === 'failed' && run.error?.code !== 'canceled')) return 'failed';
      const done = runs.filter((run) => run.status === 'done').length;
      if (done > 0 && (done === runs.length || status === 'completed')) return 'completed';
      if (status === 'canceled') return 'canceled';
      if (status === 'completed') return 'skipped';
      return 'pending';
    },
  };
}
