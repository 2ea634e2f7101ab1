/**
 * The queue's housekeeping, on the `scheduler` role (one process in a cluster, the main thread in
 * `all`), not on every api node: when a worker leaves, the items routed to its own queue go back
 * to its pool (at once, and once more a little later for items routed while the news spread); and
 * items still in progress on a worker incarnation that is gone are handed out again after a while.
 * Both are safe to repeat, so a second scheduler doing them too does no harm.
 */
import type { Context, ServiceSchema } from 'moleculer';
import { liveWorkerInstances } from './item-router';
import type { SessionQueue } from './session-queue';

/** How long an item may stay in progress on a worker that is gone before it is handed out again. */
export const ORPHAN_AFTER_MS = 60_000;
/** A second look at a departed worker's queue, for items routed to it while the news spread. */
const SECOND_RELEASE_MS = 10_000;

export function createHousekeepingService(queue: SessionQueue, options: { orphanCheckMs?: number } = {}): ServiceSchema {
  let sweep: NodeJS.Timeout | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const releasing = new Set<Promise<unknown>>();
  let stopping = false;
  return {
    name: 'housekeeping',
    events: {
      '$node.disconnected'(ctx: Context<{ node: { id: string; metadata?: { worker?: { pool?: string } } } }>) {
        const { node } = ctx.params;
        const pool = node.metadata?.worker?.pool;
        if (!pool) return;
        const release = () => {
          if (stopping) return;
          const done = queue.releaseWorkerQueue(node.id, pool).then(
            (moved) => moved > 0 && this.logger.info(`Worker ${node.id} left; ${moved} of its items went back to the ${pool} pool`),
            (error: unknown) => this.logger.warn(`Could not release the queue of worker ${node.id}`, error),
          );
          releasing.add(done);
          void done.finally(() => releasing.delete(done));
        };
        release();
        const again = setTimeout(() => {
          timers.delete(again);
          release();
        }, SECOND_RELEASE_MS);
        timers.add(again);
      },
    },
    started() {
      sweep = setInterval(() => {
        queue.requeueOrphans(liveWorkerInstances(this.broker), ORPHAN_AFTER_MS).catch((error: unknown) => this.logger.warn('Could not look for orphaned queue items', error));
      }, options.orphanCheckMs ?? ORPHAN_AFTER_MS);
      sweep.unref();
    },
    async stopped() {
      stopping = true;
      clearInterval(sweep);
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(releasing);
    },
  };
}
