/**
 * Inline runs: automation graphs whose nodes need no model run on the process that received the
 * firing, on threads of their own, so a webhook does not pay for the GPU queue and the event loop
 * that serves HTTP stays free. Each thread loads the light packs (no model nodes) and runs several
 * graphs at once; a run goes to the thread with the fewest running. A thread that dies fails its
 * runs (the caller's retry policy decides) and is started again.
 */
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { PinkseaConfig } from '../../config/config';
import { PinkseaError, type ErrorInfo } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import type { ModelLoader } from '../../engine/node-context';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import { spawnTypeScriptWorker } from '../platform/runner-threads';
import type { AutomationGraphResult } from './automation-graph-run';
import type { RunWrite } from './run.repository';

/** The first-party packs an inline run may use: none of their nodes loads a model. */
export const INLINE_PACK_NAMES = ['core', 'image', 'prompt', 'trigger', 'http'] as const;

export interface InlineThreadData {
  readonly config: PinkseaConfig;
  readonly databaseUrl: string;
  readonly packFolders: readonly string[];
  /** Opens the owner's stored credentials for the http pack's nodes (the platform's SecretBox key). */
  readonly secretsKey: string;
}

export interface InlineRunRequest {
  readonly runId: string;
  readonly ownerId: string;
  /** Names the graph (its automation and version); a thread keeps the graphs it was sent. */
  readonly graphKey: string;
  readonly graph: Graph;
  readonly triggerNodeId: string | null;
  readonly payload: unknown;
  /** An image that came with the firing (a webhook's body or file): the trigger's `image` output. */
  readonly image?: Uint8Array;
  /** Record the respond node's image as the owner's (async runs, read later), rather than only answering with it. */
  readonly keepImages: boolean;
  /** The run's record, for the thread to write when the run succeeds (a sync run recorded once, at its end); its input is the payload. */
  readonly record?: RunWrite;
}

export interface InlineRunReply {
  /** Its nodes are left out when the thread recorded the run itself (`recorded`). */
  readonly result: AutomationGraphResult;
  readonly recorded?: boolean;
  /** The respond node's image, when it chose one. */
  readonly image?: { readonly data: Uint8Array; readonly format: string };
}

/** Models are for the queue: an inline graph has no model node, so a loader is never asked. */
const modelsAreForWorkers = (): never => {
  throw new PinkseaError('no_models_inline', 'This run has no model nodes; models load on workers', 'internal');
};
export const noModels: ModelLoader = { info: modelsAreForWorkers, load: modelsAreForWorkers, readFile: modelsAreForWorkers };

/** Whether every node of the graph may run inline: a light pack's, needing no model or GPU. */
export function runsInline(graph: Graph, registry: NodeRegistry): boolean {
  const light = new Set<string>(INLINE_PACK_NAMES);
  return graph.nodes.every((node) => {
    const found = registry.lookup(node.type, node.version);
    if (!found.ok) return false;
    const pack = registry.packOf(node.type);
    return pack !== undefined && light.has(packShortName(pack)) && !found.definition.needs.gpu && found.definition.needs.models.length === 0;
  });
}

/** `@pinksea/nodes-core` → `core`. */
const packShortName = (pack: string) => pack.replace(/^@pinksea\/nodes-/, '');

export interface InlineRunsOptions {
  readonly config: PinkseaConfig;
  readonly databaseUrl: string;
  readonly threads: number;
  readonly packFolders: readonly string[];
  readonly secretsKey: string;
  readonly logger: { error(...args: unknown[]): void };
}

interface Pending {
  readonly resolve: (reply: InlineRunReply) => void;
  readonly runId: string;
}

interface RunThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  readonly ready: Promise<void>;
  /** The graphs it holds, as its GraphShelf does (same order, same bound): those are sent by key alone. */
  readonly graphs: GraphShelf<true>;
}

/** What travels to a thread: the graph itself only the first time. */
export type InlineRunMessage = Omit<InlineRunRequest, 'graph'> & { readonly graph?: Graph };

/**
 * Graphs kept by key, the oldest dropped past `max`. The pool and each thread keep one each and
 * apply the same sends in the same order, so the pool knows which graphs a thread still has.
 */
export class GraphShelf<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly max = 1000) {}
  get(key: string): T | undefined {
    return this.entries.get(key);
  }
  put(key: string, value: T): void {
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

const ENTRY = path.join(__dirname, 'inline-run-thread.ts');
const RESTART_DELAY_MS = 1000;

export class InlineRuns {
  private readonly threads: (RunThread | undefined)[];
  private nextId = 1;
  private stopping = false;

  constructor(private readonly options: InlineRunsOptions) {
    this.threads = Array.from({ length: Math.max(1, options.threads) }, () => undefined);
  }

  /** Starts the threads; resolves once each has loaded its packs and opened the database. */
  async start(): Promise<void> {
    await Promise.all(this.threads.map((_, index) => this.spawn(index).ready));
  }

  run(request: InlineRunRequest): Promise<InlineRunReply> {
    const thread = this.leastBusy();
    const id = this.nextId++;
    // A graph the thread holds is not cloned across again: most runs repeat a few graphs.
    const held = thread.graphs.get(request.graphKey) !== undefined;
    if (!held) thread.graphs.put(request.graphKey, true);
    const { graph, ...rest } = request;
    const message: InlineRunMessage = held ? rest : { ...rest, graph };
    return new Promise((resolve) => {
      thread.pending.set(id, { resolve, runId: request.runId });
      thread.worker.postMessage({ type: 'run', id, request: message });
    });
  }

  /** Stops a run between nodes. */
  cancel(runId: string): void {
    for (const thread of this.threads) thread?.worker.postMessage({ type: 'cancel', runId });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.threads.map(async (thread) => {
        if (!thread) return;
        const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
        thread.worker.postMessage({ type: 'stop' });
        const timer = setTimeout(() => void thread.worker.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private leastBusy(): RunThread {
    let best: RunThread | undefined;
    for (let index = 0; index < this.threads.length; index++) {
      const thread = this.threads[index] ?? this.spawn(index);
      if (!best || thread.pending.size < best.pending.size) best = thread;
    }
    return best!;
  }

  private spawn(index: number): RunThread {
    const data: InlineThreadData = { config: this.options.config, databaseUrl: this.options.databaseUrl, packFolders: this.options.packFolders, secretsKey: this.options.secretsKey };
    const worker = spawnTypeScriptWorker(ENTRY, data);
    const pending = new Map<number, Pending>();
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: { type?: string; message?: string; id?: number; reply?: InlineRunReply }) => {
        if (message.type === 'ready') return resolve();
        if (message.type === 'failed') return reject(new PinkseaError('inline_runs_failed', `An inline run thread failed to start: ${message.message}`, 'transient'));
        const waiting = message.id === undefined ? undefined : pending.get(message.id);
        if (!waiting || !message.reply) return;
        pending.delete(message.id!);
        waiting.resolve(message.reply);
      });
      worker.once('exit', () => reject(new PinkseaError('inline_runs_failed', 'An inline run thread exited while starting', 'transient')));
    });
    ready.catch(() => undefined);
    const thread: RunThread = { worker, pending, ready, graphs: new GraphShelf() };
    this.threads[index] = thread;
    worker.on('error', (error) => this.options.logger.error('An inline run thread failed', error));
    worker.once('exit', (code) => {
      if (this.threads[index] === thread) this.threads[index] = undefined;
      const lost: ErrorInfo = { code: 'inline_thread_exited', kind: 'transient', message: `The thread running this graph stopped (exit code ${code}); the run did not finish` };
      for (const waiting of pending.values()) waiting.resolve({ result: { status: 'failed', error: lost, nodes: [], output: null } });
      pending.clear();
      if (this.stopping) return;
      setTimeout(() => {
        if (!this.stopping && !this.threads[index]) this.spawn(index);
      }, RESTART_DELAY_MS).unref();
    });
    return thread;
  }
}
