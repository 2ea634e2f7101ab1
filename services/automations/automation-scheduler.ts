/**
 * The scheduler's work, one tick at a time, on the one scheduler process that holds the leader
 * lock: fire the schedules that are due, each fire time once (its fire key is unique per
 * automation, so a tick repeated after a crash, or by a second scheduler in the moment before it
 * learns it lost the lock, runs nothing twice). Fire times missed while no scheduler ran follow
 * the trigger's catch-up policy; a fire time while an earlier run is still going follows its
 * overlap policy: skip records a skipped run; queue records the run and starts it once this
 * scheduler's previous run of the automation ended; allow runs it at once.
 */
import type { AutomationTrigger } from './automation-records';
import type { AutomationFiring } from './automation-firing';
import type { AutomationRepository, FiringAutomation } from './automation.repository';
import type { RunRepository, RunWrite } from './run.repository';
import type { RunWriter } from './run-writer';
import { runId } from './run-ids';
import { catchUpFireTimes, missedFireTimes, Schedule } from './schedule';

/** Fire times later than this behind now are "missed" (the catch-up policy decides); newer ones are on time. */
export const ON_TIME_MS = 10_000;
/** Automations handled per tick at most; the rest stay due for the next. */
const DUE_PER_TICK = 5000;
const FIRE_TIMES_PER_TICK = 1000;

type ScheduleTrigger = Extract<AutomationTrigger, { kind: 'schedule' }>;

export interface TickResult {
  readonly fired: number;
  readonly skipped: number;
  readonly duplicates: number;
}

export class AutomationScheduler {
  /** The last run this scheduler started of each automation with overlap "queue", until it ends. */
  private readonly lastRuns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: {
      readonly repository: AutomationRepository;
      readonly runs: RunRepository;
      readonly firing: AutomationFiring;
      readonly writer: RunWriter;
      readonly logger: { warn(...args: unknown[]): void };
    },
  ) {}

  /** Fires what is due at `now` and moves each schedule on. */
  async tick(now = new Date()): Promise<TickResult> {
    const due = await this.options.repository.due(now, DUE_PER_TICK);
    const results = await Promise.all(due.map((target) => this.fireDue(target, now)));
    const moves = results.flatMap((result) => (result.move ? [result.move] : []));
    await this.options.repository.advanceSchedules(moves);
    return results.reduce((sum, result) => ({ fired: sum.fired + result.fired, skipped: sum.skipped + result.skipped, duplicates: sum.duplicates + result.duplicates }), { fired: 0, skipped: 0, duplicates: 0 });
  }

  private async fireDue(target: FiringAutomation, now: Date): Promise<TickResult & { move?: { id: string; from: Date | null; cursor: Date; next: Date | null } }> {
    const { automation } = target;
    const from = target.scheduleCursor ?? new Date(now.getTime() - ON_TIME_MS);
    const counts = { fired: 0, skipped: 0, duplicates: 0 };
    try {
      for (const trigger of automation.triggers) {
        if (trigger.kind !== 'schedule') continue;
        const schedule = Schedule.parse(trigger);
        // On time: within ON_TIME_MS of now. Earlier ones were missed while no scheduler ran (the newest of them, within the window).
        const onTimeFrom = new Date(Math.max(from.getTime(), now.getTime() - ON_TIME_MS));
        const onTime = schedule.between(onTimeFrom, now, FIRE_TIMES_PER_TICK);
        const missed = from < onTimeFrom ? missedFireTimes(schedule, from, onTimeFrom) : [];
        const toFire = [...catchUpFireTimes(schedule, missed, now), ...onTime];
        if (toFire.length === 0) continue;
        if (trigger.overlap === 'skip' && (await this.options.runs.openRuns(automation.id)) > 0) {
          for (const time of toFire) if (await this.recordSkipped(target, trigger, fireKeyOf(trigger, schedule, time), time)) counts.skipped++;
          continue;
        }
        for (const time of toFire) {
          // "queue": recorded now, started when this scheduler's previous run of the automation ended.
          const previous = trigger.overlap === 'queue' ? this.lastRuns.get(automation.id) : undefined;
          const outcome = await this.options.firing.fire(target, {
            trigger: 'schedule',
            triggerNodeId: trigger.nodeId,
            fireKey: fireKeyOf(trigger, schedule, time),
            fireKeyMayRepeat: true,
            payload: { fireTime: time.toISOString() },
            wait: false,
            ...(previous ? { after: previous } : {}),
          });
          if (outcome.duplicate) counts.duplicates++;
          else counts.fired++;
          if (trigger.overlap === 'queue' && !outcome.duplicate) this.remember(automation.id, outcome.done);
        }
      }
    } catch (error) {
      // This automation stays due; the others go on.
      this.options.logger.warn(`Could not fire the schedule of automation ${automation.id}`, error);
      return counts;
    }
    return { ...counts, move: { id: automation.id, from: target.scheduleCursor, cursor: now, next: nextAfter(automation.triggers, now) } };
  }

  private remember(automationId: string, done: Promise<unknown>): void {
    this.lastRuns.set(automationId, done);
    void done.finally(() => {
      if (this.lastRuns.get(automationId) === done) this.lastRuns.delete(automationId);
    });
  }

  private recordSkipped(target: FiringAutomation, trigger: ScheduleTrigger, fireKey: string, time: Date): Promise<boolean> {
    const at = new Date();
    const run: RunWrite = {
      id: runId(),
      automationId: target.automation.id,
      ownerId: target.automation.ownerId,
      version: target.automation.version,
      trigger: 'schedule',
      triggerNode: trigger.nodeId,
      fireKey,
      attempt: 1,
      retryOf: null,
      status: 'skipped',
      mode: 'inline',
      input: { fireTime: time.toISOString() },
      nodes: [],
      output: null,
      error: { code: 'overlap_skipped', kind: 'user', message: 'Skipped: the previous run was still going (the trigger’s overlap policy is "skip")' },
      queueItemIds: [],
      createdAt: at,
      startedAt: null,
      finishedAt: at,
      retryAt: null,
      runner: null,
    };
    return this.options.writer.write(run);
  }
}

const fireKeyOf = (trigger: ScheduleTrigger, schedule: Schedule, time: Date) => `${trigger.nodeId}:${schedule.fireKey(time)}`;

/** The earliest fire time of any schedule trigger after `after`. */
export function nextAfter(triggers: readonly AutomationTrigger[], after: Date): Date | null {
  let next: Date | null = null;
  for (const trigger of triggers) {
    if (trigger.kind !== 'schedule') continue;
    const time = Schedule.parse(trigger).next(after, 1)[0];
    if (time && (!next || time < next)) next = time;
  }
  return next;
}
