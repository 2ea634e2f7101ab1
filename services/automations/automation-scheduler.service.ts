/**
 * The automation scheduler (service `automation-scheduler`, role `scheduler`): one process of the
 * cluster at a time leads, by a PostgreSQL advisory lock, and ticks: schedules that are due fire
 * (automation-scheduler.ts). Every few seconds it also ends runs whose process went away (an inline
 * run lost with its process fails and is retried by its policy; a queue run ends with its items),
 * starts the retries that are due, and once an hour deletes runs past their retention. A standby
 * scheduler takes over within the lock's retry time when the leader dies.
 */
import type { ServiceSchema } from 'moleculer';
import { AutomationScheduler } from './automation-scheduler';
import type { AutomationRuntime } from './automation-runtime';
import { LeaderLock } from './leader-lock';

export interface AutomationSchedulerServiceOptions {
  readonly runtime: AutomationRuntime;
  readonly databaseUrl: string;
  readonly tickMs: number;
  /** How often a standby tries for leadership (2 s). */
  readonly leaderRetryMs?: number;
  /** How often lost runs, queue runs and retries are looked at (5 s). */
  readonly sweepMs?: number;
}

/** An inline run's process must have been gone this long before its run counts as lost. */
const LOST_AFTER_MS = 15_000;
const PRUNE_EVERY_MS = 3_600_000;
const SWEEP_BATCH = 500;

export function createAutomationSchedulerService(options: AutomationSchedulerServiceOptions): ServiceSchema {
  const { runtime } = options;
  let lock: LeaderLock | undefined;
  let leading = false;
  let timer: NodeJS.Timeout | undefined;
  let working: Promise<void> = Promise.resolve();
  let lastSweep = 0;
  let lastPrune = 0;

  return {
    name: 'automation-scheduler',
    async started() {
      const scheduler = new AutomationScheduler({ repository: runtime.repository, runs: runtime.runs, firing: runtime.firing, writer: runtime.writer, logger: this.logger });
      const liveNodes = () => (this.broker.registry.getNodeList({ onlyAvailable: true, withServices: false }) as unknown as { id: string }[]).map((node) => node.id);

      const sweep = async () => {
        const { runs, firing } = runtime;
        for (const run of await runs.lostInlineRuns(liveNodes(), new Date(Date.now() - LOST_AFTER_MS), SWEEP_BATCH)) await firing.failLost(run.ownerId, run.id);
        for (const run of await runs.openQueueRuns(SWEEP_BATCH)) await firing.settleQueueRun(run.ownerId, run.id);
        for (const run of await runs.claimDueRetries(new Date(), SWEEP_BATCH)) await firing.retry(run);
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          const pruned = await runs.pruneRuns();
          if (pruned > 0) this.logger.info(`Deleted ${pruned} automation runs past their retention`);
        }
      };

      const tick = () => {
        timer = undefined;
        if (!leading) return;
        working = (async () => {
          try {
            await scheduler.tick();
            if (Date.now() - lastSweep >= (options.sweepMs ?? 5000)) {
              lastSweep = Date.now();
              await sweep();
            }
          } catch (error) {
            this.logger.warn('The automation scheduler tick failed; trying again at the next', error);
          }
        })();
        void working.finally(() => {
          // The next tick at the next multiple of tickMs, so fire times are met on the second.
          if (leading) timer = setTimeout(tick, options.tickMs - (Date.now() % options.tickMs));
        });
      };

      lock = new LeaderLock({
        url: options.databaseUrl,
        key: 'pinksea:automation-scheduler',
        applicationName: `pinksea scheduler ${this.broker.nodeID}`,
        ...(options.leaderRetryMs ? { retryMs: options.leaderRetryMs } : {}),
        logger: this.logger,
        onElected: () => {
          this.logger.info('This process is now the active automation scheduler');
          leading = true;
          tick();
        },
        onDeposed: (reason) => {
          this.logger.warn(`This process is no longer the active automation scheduler: ${reason}`);
          leading = false;
          clearTimeout(timer);
        },
      });
      await lock.start();
    },
    async stopped() {
      leading = false;
      clearTimeout(timer);
      await working;
      await lock?.stop();
    },
  };
}
