/**
 * What firing automations takes on one process, made once and shared by the `automations` service
 * (webhooks, manual runs, events) and the scheduler: the store, the batched run writer, the
 * firing itself with its inline run threads, and the event triggers that a run's end fires (its
 * `automation.succeeded` / `automation.failed` listeners, and the error workflow of a run that
 * failed for good).
 */
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import type { NodeRegistry } from '../../engine/registry/node-registry';
import type { SessionQueue } from '../queue/session-queue';
import { AutomationFiring, type FinishedRun, type Firing, type FireOutcome } from './automation-firing';
import type { Automation, AutomationEvent, AutomationTrigger, RunTrigger } from './automation-records';
import { AutomationRepository, type FiringAutomation } from './automation.repository';
import type { InlineRuns } from './inline-runs';
import { RunWriter } from './run-writer';
import { RunRepository } from './run.repository';

export interface AutomationRuntimeOptions {
  readonly dataSource: DataSource;
  readonly registry: NodeRegistry;
  readonly queue: SessionQueue;
  readonly inline: InlineRuns;
  readonly nodeId: string;
  readonly logger: { warn(...args: unknown[]): void; info(...args: unknown[]): void };
  /** Stores a posted image as the owner's (intermediate) image, for runs that outlive the request. */
  readonly keepImage: (ownerId: string, data: Uint8Array) => Promise<{ imageName: string }>;
}

type EventTrigger = Extract<AutomationTrigger, { kind: 'event' }>;

/**
 * How many runs may lead to one another through event triggers (A's end starts B, whose end starts
 * A…): past it the chain stops, so two automations listening to each other do not loop forever.
 */
export const MAX_EVENT_DEPTH = 8;

/** How long an owner's event listeners are trusted from memory (changes here or broadcast clear them at once). */
const LISTENERS_TTL_MS = 2000;

export class AutomationRuntime {
  readonly repository: AutomationRepository;
  readonly runs: RunRepository;
  readonly writer: RunWriter;
  readonly firing: AutomationFiring;
  readonly inline: InlineRuns;
  private readonly logger: AutomationRuntimeOptions['logger'];
  /** Each owner's automations listening to an event, by `<owner> <event>`: most runs end with nobody listening. */
  private readonly listeners = new LRUCache<string, { at: number; found: Promise<FiringAutomation[]> }>({ max: 10_000 });

  constructor(options: AutomationRuntimeOptions) {
    this.repository = new AutomationRepository(options.dataSource);
    this.runs = new RunRepository(options.dataSource);
    this.writer = new RunWriter(this.runs);
    this.inline = options.inline;
    this.logger = options.logger;
    this.firing = new AutomationFiring({
      repository: this.repository,
      runs: this.runs,
      writer: this.writer,
      registry: options.registry,
      inline: options.inline,
      queue: options.queue,
      nodeId: options.nodeId,
      logger: options.logger,
      keepImage: options.keepImage,
      onRunEnd: (automation, run) => this.runEnded(automation, run),
    });
  }

  /** Forgets what it knows of automations (one changed, here or on another process). */
  forget(): void {
    this.listeners.clear();
  }

  /** Stops the inline run threads and closes what the store opened. */
  async stop(): Promise<void> {
    await this.inline.stop();
    await this.runs.close();
  }

  /** Fires an automation by id through its first trigger of `kind` (else its first trigger); undefined when it is missing or disabled. */
  async fireById(automationId: string, kind: AutomationTrigger['kind'] | undefined, firingOf: (trigger: AutomationTrigger) => Firing): Promise<FireOutcome | undefined> {
    const target = await this.repository.findForFiring(automationId);
    if (!target?.automation.enabled) return undefined;
    const trigger = target.automation.triggers.find((entry) => kind === undefined || entry.kind === kind) ?? target.automation.triggers[0];
    if (!trigger) return undefined;
    return this.firing.fire(target, firingOf(trigger));
  }

  /**
   * Fires the owner's event triggers listening to `event` that `matches` accepts, each once per
   * `key` (the event's identity), with the event's subject (and image) as their payload.
   */
  async fireEvent(
    ownerId: string,
    event: AutomationEvent,
    subject: Record<string, unknown>,
    key: string,
    matches: (trigger: EventTrigger) => boolean,
    image?: { imageName: string },
    depth = 1,
  ): Promise<void> {
    if (depth > MAX_EVENT_DEPTH) {
      this.logger.warn(`Not firing "${event}" triggers of ${ownerId}: ${MAX_EVENT_DEPTH} runs in a row already started one another through events`);
      return;
    }
    try {
      for (const target of await this.listenersOf(ownerId, event)) {
        // A run never starts its own automation again: an automation listening to its own end would loop.
        if (subject['automationId'] === target.automation.id) continue;
        for (const trigger of target.automation.triggers) {
          if (trigger.kind !== 'event' || trigger.event !== event || !matches(trigger)) continue;
          await this.firing.fire(target, {
            trigger: 'event',
            triggerNodeId: trigger.nodeId,
            fireKey: `event:${key}:${trigger.nodeId}`,
            fireKeyMayRepeat: true,
            payload: { event, subject, ...(image ? { image } : {}), firedAt: new Date().toISOString(), depth },
            wait: false,
          });
        }
      }
    } catch (error) {
      this.logger.warn(`Could not fire the "${event}" triggers of ${ownerId}`, error);
    }
  }

  private listenersOf(ownerId: string, event: AutomationEvent): Promise<FiringAutomation[]> {
    const key = `${ownerId} ${event}`;
    const cached = this.listeners.get(key);
    if (cached && Date.now() - cached.at < LISTENERS_TTL_MS) return cached.found;
    const found = this.repository.eventListeners(ownerId, event);
    this.listeners.set(key, { at: Date.now(), found });
    found.catch(() => this.listeners.delete(key));
    return found;
  }

  private runEnded(automation: Automation, run: FinishedRun & { readonly trigger: RunTrigger; readonly attempt: number; readonly willRetry: boolean; readonly depth: number }): void {
    if (run.status !== 'succeeded' && run.status !== 'failed') return;
    const event: AutomationEvent = run.status === 'succeeded' ? 'automation.succeeded' : 'automation.failed';
    const subject = { runId: run.runId, automationId: automation.id, automationName: automation.name, status: run.status, error: run.error };
    void this.fireEvent(automation.ownerId, event, subject, `run:${run.runId}`, (trigger) => trigger.automationId === null || trigger.automationId === automation.id, undefined, run.depth + 1);
    // The error workflow receives a run that failed for good (no retry left).
    const errorAutomation = automation.errorAutomationId;
    if (run.status !== 'failed' || !errorAutomation || errorAutomation === automation.id || run.willRetry || run.depth + 1 > MAX_EVENT_DEPTH) return;
    this.fireById(errorAutomation, 'event', (trigger) => ({
      trigger: 'event',
      triggerNodeId: trigger.nodeId,
      fireKey: `error-of:${run.runId}`,
      fireKeyMayRepeat: true,
      payload: { event: 'automation.failed', subject, firedAt: new Date().toISOString(), depth: run.depth + 1 },
      wait: false,
    })).catch((error: unknown) => this.logger.warn(`Could not start the error workflow of automation ${automation.id}`, error));
  }
}
