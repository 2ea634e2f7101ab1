/**
 * Firing an automation: every firing gets its run record, then runs. Graphs whose nodes need no
 * model run inline (on this process's inline run threads); the others go through the pools as
 * queue items, and their run ends when their item does. A firing whose fire key an earlier run
 * holds (a schedule's fire time, a caller's delivery id) runs nothing and answers with that run.
 *
 * When a run's record is written: a firing that may repeat (a fire key that is not new) or that
 * is answered before the run ends (async webhooks, schedules) writes it first, so nothing answered
 * is lost and nothing runs twice; a synchronous inline run with a fresh key writes it once, when it
 * ends and before it is answered (a crash before that answers the caller nothing, so it retries).
 */
import { applyFieldValues } from '../../engine/batch/expand-batch';
import { PinkseaError, toErrorInfo, type ErrorInfo } from '../../engine/errors';
import type { Graph } from '../../engine/graph/graph';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import type { SessionQueue } from '../queue/session-queue';
import type { QueueItem } from '../queue/queue-store';
import type { AutomationGraphResult } from './automation-graph-run';
import type { Automation, AutomationRun, RunMode, RunNodeSummary, RunOutput, RunStatus, RunTrigger } from './automation-records';
import type { AutomationRepository, FiringAutomation } from './automation.repository';
import type { RunRepository, RunWrite } from './run.repository';
import { PAYLOAD_INPUT, RESPOND_TYPE } from './automation-triggers';
import { runsInline, type InlineRuns } from './inline-runs';
import { runId } from './run-ids';
import type { Durability, RunWriter } from './run-writer';

/** The most of a firing's input a run record keeps, as JSON. */
export const MAX_RECORDED_INPUT = 64 * 1024;
/** The queue an automation's items go to. */
export const AUTOMATION_QUEUE = 'automations';

export interface Firing {
  readonly trigger: RunTrigger;
  /** The trigger node that fired; its `payload` input receives `payload`. */
  readonly triggerNodeId: string | null;
  /** Unique per automation: a second firing with the same key runs nothing. `<trigger>:<run id>` when left out (a key never seen). */
  readonly fireKey?: string;
  /** An upper bound of the payload's JSON size when the caller knows one (a webhook's body and headers), to spare measuring it. */
  readonly payloadBytes?: number;
  /** Whether the key could have been seen before (a caller's delivery id, a fire time); a fresh key is never checked. */
  readonly fireKeyMayRepeat: boolean;
  readonly payload: unknown;
  /** The firing's image (a webhook's upload), handed to the trigger node as its `image` output. */
  readonly image?: Uint8Array;
  /** Whether the caller waits for the run's end (a sync webhook); its record is then written once when the run ends inline. */
  readonly wait: boolean;
  readonly attempt?: number;
  readonly retryOf?: string | null;
  /** Start only once this settles (an earlier run that must end first); the run is queued until then. */
  readonly after?: Promise<unknown>;
}

/** How a run ended, with what it answers. */
export interface FinishedRun {
  readonly runId: string;
  readonly status: RunStatus;
  readonly error: ErrorInfo | null;
  readonly output: RunOutput | null;
  /** The respond node's image bytes (inline runs that chose an image). */
  readonly image?: { readonly data: Uint8Array; readonly format: string };
}

/** A run's end, as written to its record (by the thread that ran it, when `recorded`). */
interface Ended {
  readonly run: FinishedRun;
  readonly write: RunWrite;
  readonly recorded?: boolean;
}

export interface FireOutcome {
  readonly runId: string;
  /** A run with this fire key existed: nothing new ran. */
  readonly duplicate: boolean;
  readonly status: RunStatus;
  /** Settles when the run ends (never rejects). */
  readonly done: Promise<FinishedRun>;
  /** Writes the record now if it was to be written only at the end (a sync caller gave up waiting). */
  persist(): Promise<void>;
}

export interface RunEndListener {
  /** `willRetry`: a failed run whose retry is scheduled (it is not the automation's last word yet). */
  (automation: Automation, run: FinishedRun & { readonly trigger: RunTrigger; readonly attempt: number; readonly willRetry: boolean; readonly depth: number }): void;
}

export interface AutomationFiringOptions {
  readonly repository: AutomationRepository;
  readonly runs: RunRepository;
  readonly writer: RunWriter;
  readonly registry: NodeRegistry;
  readonly inline: InlineRuns;
  readonly queue: SessionQueue;
  /** Told of every run's end (event triggers, error workflows). */
  readonly onRunEnd?: RunEndListener;
  readonly logger: { warn(...args: unknown[]): void };
  /** This process's broker node: its inline runs are lost if it goes. */
  readonly nodeId: string;
  /** Stores a posted image as the owner's, for runs recorded before they run (their retries read it again). */
  readonly keepImage: (ownerId: string, data: Uint8Array) => Promise<{ imageName: string }>;
}

interface QueueWaiter {
  readonly ownerId: string;
  readonly itemIds: readonly string[];
  readonly resolve: (items: QueueItem[]) => void;
}

export class AutomationFiring {
  /** Whether a version's graph runs inline, by automation and version. */
  private readonly inlineByVersion = new Map<string, boolean>();
  /** Queue runs waiting for their items to end, by item id. */
  private readonly queueWaiters = new Map<string, QueueWaiter>();

  constructor(private readonly options: AutomationFiringOptions) {}

  async fire(target: FiringAutomation, firing: Firing): Promise<FireOutcome> {
    const { automation, graph } = target;
    // A test run runs the draft: nothing about it is cached (the draft changes between tests).
    const test = firing.trigger === 'test';
    const mode: RunMode = (test ? runsInline(graph, this.options.registry) : this.runsInline(automation, graph)) ? 'inline' : 'queue';
    const writeFirst = firing.fireKeyMayRepeat || !firing.wait || mode === 'queue';
    if (writeFirst && firing.image) {
      // The run may start again from its record (a retry, a re-run): its image goes into the store, the record names it.
      const { image: bytes, ...rest } = firing;
      firing = { ...rest, payload: { ...(firing.payload as object), image: await this.options.keepImage(automation.ownerId, bytes) } };
    }
    const id = runId();
    const base: RunWrite = {
      id,
      automationId: automation.id,
      ownerId: automation.ownerId,
      version: test ? null : automation.version,
      trigger: firing.trigger,
      triggerNode: firing.triggerNodeId,
      fireKey: firing.fireKey ?? `${firing.trigger}:${id}`,
      attempt: firing.attempt ?? 1,
      retryOf: firing.retryOf ?? null,
      status: mode === 'inline' && !firing.after ? 'running' : 'queued',
      mode,
      input: firing.payloadBytes !== undefined && firing.payloadBytes <= MAX_RECORDED_INPUT ? (firing.payload ?? null) : recordedInput(firing.payload),
      nodes: [],
      output: null,
      error: null,
      queueItemIds: [],
      createdAt: new Date(),
      startedAt: mode === 'inline' && !firing.after ? new Date() : null,
      finishedAt: null,
      retryAt: null,
      runner: mode === 'inline' ? this.options.nodeId : null,
    };
    if (writeFirst && !(await this.options.writer.write(base))) {
      const earlier = await this.options.runs.runByFireKey(automation.id, base.fireKey);
      if (!earlier) throw new PinkseaError('run_not_recorded', 'The run could not be recorded; try again', 'transient');
      return { runId: earlier.id, duplicate: true, status: earlier.status, done: Promise.resolve({ runId: earlier.id, status: earlier.status, error: earlier.error, output: null }), persist: async () => undefined };
    }
    let persisted: Promise<unknown> | undefined = writeFirst ? Promise.resolve() : undefined;
    const persist = () => (persisted ??= this.options.writer.write(base)).then(() => undefined);
    const start = async () => {
      if (!firing.after) return base;
      await firing.after.catch(() => undefined);
      const running: RunWrite = mode === 'inline' ? { ...base, status: 'running', startedAt: new Date() } : base;
      if (mode === 'inline') await this.options.writer.write(running);
      return running;
    };
    const done = start().then((started) => (mode === 'inline' ? this.runInline(started, graph, firing, !writeFirst) : this.runQueued(started, graph, firing))).then(
      async (finished) => {
        // The start's write, if one was made, lands before the end's (the writer keeps order).
        if (persisted) await persisted;
        // A run recorded only now, at its end, and answered in full needs no fsync before the answer.
        await this.finish(automation, base, finished, persisted === undefined ? 'relaxed' : 'durable');
        return finished.run;
      },
      (error: unknown) => {
        this.options.logger.warn(`Run ${base.id} of automation ${automation.id} could not finish`, error);
        return { runId: base.id, status: 'failed' as const, error: toErrorInfo(error), output: null };
      },
    );
    return { runId: base.id, duplicate: false, status: base.status, done, persist };
  }

  /** Runs the automation again for a failed run whose retry is due: the same input, the next attempt. */
  async retry(run: AutomationRun): Promise<FireOutcome | undefined> {
    const target = await this.options.repository.findForFiring(run.automationId);
    if (!target?.automation.enabled) return undefined;
    const attempt = run.attempt + 1;
    return this.fire(target, {
      trigger: 'retry',
      triggerNodeId: run.triggerNode,
      fireKey: `${run.fireKey.replace(/#attempt-\d+$/, '')}#attempt-${attempt}`,
      fireKeyMayRepeat: true,
      payload: run.input,
      wait: false,
      attempt,
      retryOf: run.retryOf ?? run.id,
    });
  }

  /** Ends a run whose runner went away before it ended, as a failure of the platform (retried by its policy). */
  async failLost(ownerId: string, runId: string): Promise<void> {
    const run = await this.options.runs.findRun(ownerId, runId);
    const target = run && (await this.options.repository.findForFiring(run.automationId));
    if (!run || !target) return;
    const error: ErrorInfo = { code: 'run_lost', kind: 'transient', message: 'The process running this run stopped before it ended' };
    const write: RunWrite = { ...runWriteOf(run, ownerId), status: 'failed', error, finishedAt: new Date() };
    await this.finish(target.automation, write, { run: { runId, status: 'failed', error, output: null }, write });
  }

  /**
   * Ends an open queue run whose items all ended, from the database: for runs whose firing process
   * went away before it saw the end (the queue itself finishes or retries the items).
   */
  async settleQueueRun(ownerId: string, runId: string): Promise<boolean> {
    const run = await this.options.runs.findRun(ownerId, runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running') || run.queueItemIds.length === 0) return false;
    let items: QueueItem[];
    try {
      items = await Promise.all(run.queueItemIds.map((id) => this.options.queue.get(ownerId, id)));
    } catch {
      // An item deleted with its queue (pruned) ends the run as canceled.
      items = [];
    }
    if (items.some((item) => item.status === 'pending' || item.status === 'in_progress')) return false;
    const target = await this.options.repository.findForFiring(run.automationId);
    const graph = target && run.version !== null ? await this.options.repository.versionGraph(ownerId, target.automation.workflowId, run.version) : undefined;
    if (!target || !graph) return false;
    const base = runWriteOf(run, ownerId);
    const result: AutomationGraphResult =
      items.length > 0 ? queueResult(graph, items) : { status: 'canceled', error: { code: 'items_gone', kind: 'user', message: 'The run’s queue items were deleted' }, nodes: [], output: null };
    await this.finish(target.automation, base, this.ended(base, result));
    return true;
  }

  /** Tells the waiting queue runs that an item ended (from the queue's status events). */
  itemEnded(itemId: string): void {
    const waiter = this.queueWaiters.get(itemId);
    if (!waiter) return;
    void this.collect(waiter);
  }

  /** Checks every queue run waiting here against the database (events can be missed). */
  async reconcile(): Promise<void> {
    const waiters = new Set(this.queueWaiters.values());
    for (const waiter of waiters) await this.collect(waiter);
  }

  private runsInline(automation: Automation, graph: Graph): boolean {
    const key = `${automation.id}/${automation.version}`;
    let inline = this.inlineByVersion.get(key);
    if (inline === undefined) {
      inline = runsInline(graph, this.options.registry);
      if (this.inlineByVersion.size > 10_000) this.inlineByVersion.clear();
      this.inlineByVersion.set(key, inline);
    }
    return inline;
  }

  /** `recordThere`: the thread writes the run's record itself if it succeeds (a run recorded once, at its end). */
  private async runInline(base: RunWrite, graph: Graph, firing: Firing, recordThere: boolean): Promise<Ended> {
    const reply = await this.options.inline.run({
      runId: base.id,
      ownerId: base.ownerId,
      graphKey: base.version === null ? `draft/${base.id}` : `${base.automationId}/${base.version}`,
      graph,
      triggerNodeId: firing.triggerNodeId,
      payload: firing.payload,
      ...(firing.image ? { image: firing.image } : {}),
      keepImages: !firing.wait,
      // The record's input is the payload itself (sent once); one too large to keep is recorded here instead.
      ...(recordThere && base.input === firing.payload ? { record: { ...base, input: undefined } } : {}),
    });
    return { ...this.ended(base, reply.result, reply.image), recorded: reply.recorded === true };
  }

  private async runQueued(base: RunWrite, graph: Graph, firing: Firing): Promise<Ended> {
    const withPayload = firing.triggerNodeId ? applyFieldValues(graph, [{ nodeId: firing.triggerNodeId, field: PAYLOAD_INPUT, value: firing.payload }]) : graph;
    const enqueued = await this.options.queue.enqueueBatch(base.ownerId, AUTOMATION_QUEUE, { batch: { graph: withPayload }, origin: `automation:${base.automationId}` });
    const queued = { ...base, queueItemIds: enqueued.itemIds };
    await this.options.writer.write(queued);
    const items = await new Promise<QueueItem[]>((resolve) => {
      const waiter: QueueWaiter = { ownerId: base.ownerId, itemIds: enqueued.itemIds, resolve };
      for (const id of enqueued.itemIds) this.queueWaiters.set(id, waiter);
      void this.collect(waiter);
    });
    return this.ended(queued, queueResult(graph, items));
  }

  private async collect(waiter: QueueWaiter): Promise<void> {
    let items: QueueItem[];
    try {
      items = await Promise.all(waiter.itemIds.map((id) => this.options.queue.get(waiter.ownerId, id)));
    } catch {
      return;
    }
    if (items.some((item) => item.status === 'pending' || item.status === 'in_progress')) return;
    if (!this.queueWaiters.has(waiter.itemIds[0]!)) return;
    for (const id of waiter.itemIds) this.queueWaiters.delete(id);
    waiter.resolve(items);
  }

  private ended(base: RunWrite, result: AutomationGraphResult, image?: { data: Uint8Array; format: string }): Ended {
    const write: RunWrite = { ...base, status: result.status, nodes: result.nodes, output: result.output, error: result.error, finishedAt: new Date(), startedAt: base.startedAt ?? new Date() };
    return { run: { runId: base.id, status: result.status, error: result.error, output: result.output, ...(image ? { image } : {}) }, write };
  }

  private async finish(automation: Automation, base: RunWrite, finished: Ended, durability: Durability = 'durable'): Promise<void> {
    // Written (and told) once: a run another process already ended is left as it is.
    const attempt = base.attempt;
    // A failure of the platform or of the graph is retried while the policy allows, after a growing pause.
    // Not when its input was too large to keep: a retry would run with less than the first attempt had.
    const retry = finished.run.status === 'failed' && attempt <= automation.retry.attempts && !isTruncated(base.input);
    const retryAt = retry ? new Date(Date.now() + automation.retry.backoffSeconds * 1000 * 2 ** (attempt - 1)) : null;
    // A failed run to retry is written durably: its retry must not be lost.
    if (!finished.recorded && !(await this.options.writer.write({ ...finished.write, retryAt }, retryAt ? 'durable' : durability))) return;
    this.options.onRunEnd?.(automation, { ...finished.run, trigger: base.trigger, attempt, willRetry: retry, depth: eventDepthOf(base.input) });
  }
}

/** A stored run as the writer writes it. */
function runWriteOf(run: AutomationRun, ownerId: string): RunWrite {
  return {
    id: run.id,
    automationId: run.automationId,
    ownerId,
    version: run.version,
    trigger: run.trigger,
    triggerNode: run.triggerNode,
    fireKey: run.fireKey,
    attempt: run.attempt,
    retryOf: run.retryOf,
    status: run.status,
    mode: run.mode,
    input: run.input,
    nodes: run.nodes,
    output: run.output,
    error: run.error,
    queueItemIds: run.queueItemIds,
    createdAt: new Date(run.createdAt),
    startedAt: run.startedAt ? new Date(run.startedAt) : null,
    finishedAt: run.finishedAt ? new Date(run.finishedAt) : null,
    retryAt: null,
    runner: null,
  };
}

/** How many runs' ends led to this run through event triggers (0 for a run something else started). */
export function eventDepthOf(input: unknown): number {
  const depth = input !== null && typeof input === 'object' ? (input as { depth?: unknown }).depth : undefined;
  return typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : 0;
}

/** Whether a recorded input is the note of one too large to keep. */
export const isTruncated = (input: unknown): boolean => input !== null && typeof input === 'object' && (input as { truncated?: unknown }).truncated === true;

/** The firing's input as a run record keeps it: whole when small, else its size and a preview. */
function recordedInput(payload: unknown): unknown {
  const text = JSON.stringify(payload ?? null);
  if (text.length <= MAX_RECORDED_INPUT) return payload ?? null;
  return { truncated: true, bytes: text.length, preview: text.slice(0, 1024) };
}

/** A queue run's end from its item: the respond node's output among the item's results. */
function queueResult(graph: Graph, items: readonly QueueItem[]): AutomationGraphResult {
  const item = items[0]!;
  const failed = items.find((entry) => entry.status !== 'completed');
  const outputs = ((item.results as { outputs?: Record<string, Record<string, unknown>[]> } | null)?.outputs ?? {}) as Record<string, Record<string, unknown>[]>;
  const nodes: RunNodeSummary[] = graph.nodes.map((node) => ({
    nodeId: node.id,
    type: node.type,
    ...(node.label ? { label: node.label } : {}),
    status: failed ? (failed.error?.nodeId === node.id ? 'failed' : 'pending') : 'completed',
    ...(outputs[node.id] ? { outputs: outputs[node.id]!.length === 1 ? outputs[node.id]![0] : outputs[node.id] } : {}),
  }));
  const respond = graph.nodes.find((node) => node.type === RESPOND_TYPE);
  const response = respond ? (outputs[respond.id]?.[0]?.['response'] as { status?: number; body?: unknown; image?: { imageName: string } | null } | undefined) : undefined;
  const status: RunStatus = !failed ? 'succeeded' : failed.status === 'canceled' ? 'canceled' : 'failed';
  return {
    status: status === 'succeeded' ? 'succeeded' : status === 'canceled' ? 'canceled' : 'failed',
    error: failed?.error ?? null,
    nodes,
    output: response && status === 'succeeded' ? { status: response.status ?? 200, body: response.body ?? null, image: response.image ? { imageName: response.image.imageName, kept: true } : null } : null,
  };
}
