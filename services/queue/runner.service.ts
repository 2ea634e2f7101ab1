/**
 * The session runner on a worker (role `worker`): takes queue items from its own queue (items
 * routed to it for the models it holds) and from its pool's queue, and runs them; stops an item
 * when any gateway broadcasts that it was canceled. Stopping hands its own queue back to the pool.
 * Starting hands out again what this node id held when it last died (kill -9, a lost host).
 */
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import { EventWatchers, WATCHERS_EVENT, type WatchersAnnouncement } from './event-watchers';
import { jobPriority, type JobTransport, type JobWorker } from './job-transport';
import { compactEvents, SESSION_EVENTS, type QueueEventSink, type SessionEventEnvelope } from './queue-events';
import type { SessionRunner } from './session-runner';

export const INTERRUPT_EVENT = 'queue.interrupt';

export interface RunnerServiceOptions {
  readonly transport: JobTransport;
  /** Kept up to date from the gateways' announcements, for the event sink. */
  readonly watchers?: EventWatchers;
  readonly runner: SessionRunner;
  readonly concurrency: number;
  readonly pool: string;
}

export function createRunnerService(options: RunnerServiceOptions): ServiceSchema {
  const { transport, pool } = options;
  let worker: JobWorker | undefined;
  return {
    name: 'runner',
    events: {
      [INTERRUPT_EVENT]: {
        handler(ctx: Context<{ itemIds: string[] }>) {
          for (const itemId of ctx.params.itemIds) options.runner.interrupt(itemId);
        },
      },
      [WATCHERS_EVENT]: {
        handler(ctx: Context<WatchersAnnouncement>) {
          options.watchers?.announce(ctx.params);
        },
      },
      '$node.disconnected': {
        handler(ctx: Context<{ node: { id: string } }>) {
          options.watchers?.nodeLeft(ctx.params.node.id);
        },
      },
    },
    async started() {
      // An item claimed by this node id's former life is free (that incarnation is gone), but its
      // job may be gone too: give each one, so it runs without waiting for an api node's sweep.
      try {
        const former = await options.runner.heldInFormerLives();
        await transport.add(former.map((item, rank) => ({ itemIds: [item.id], priority: jobPriority(item.priority, rank), queue: transport.poolQueue(item.pool) })));
        if (former.length > 0) this.logger.info(`${former.length} items this worker held before it restarted went back to their pools`);
      } catch (error) {
        this.logger.warn('Could not hand out the items this worker held before it restarted; the api nodes\' sweep will', error);
      }
      const queues = [transport.workerQueue(this.broker.nodeID), transport.poolQueue(pool)];
      worker = transport.startWorker(
        (itemId) => options.runner.process(itemId),
        options.concurrency,
        queues,
        (itemIds, budgetMs) => options.runner.processChunk(itemIds, budgetMs),
      );
    },
    async stopped() {
      await worker?.close();
      await transport.moveJobs(transport.workerQueue(this.broker.nodeID), transport.poolQueue(pool)).catch((error: unknown) => {
        this.logger.warn('Could not hand this worker\'s queue back to its pool; the api nodes will', error);
      });
    },
  };
}

/** Events sent in one broker packet at most; a burst beyond it goes in several. */
const MAX_EVENTS_PER_PACKET = 500;

/**
 * Queue events leave through the broker, so every gateway can forward them to its sockets. They
 * go in batches: everything emitted before the event loop turns (a burst of cheap steps, say)
 * travels as one packet, in order, so a graph of thousands of steps cannot flood the gateway.
 */
export function brokerEventSink(broker: ServiceBroker, watchers?: EventWatchers): QueueEventSink {
  let pending: SessionEventEnvelope[] = [];
  const flush = () => {
    const events = pending;
    pending = [];
    if (events.length > 0) void broker.broadcast(SESSION_EVENTS, { events: compactEvents(events) });
  };
  return {
    wants: (ownerId, name) => watchers?.wants(ownerId, name) ?? true,
    emit(ownerId, name, payload) {
      if (watchers && !watchers.wants(ownerId, name)) return;
      if (pending.length === 0) setImmediate(flush);
      pending.push({ ownerId, name, payload });
      if (pending.length >= MAX_EVENTS_PER_PACKET) flush();
    },
  };
}

/** Tells every worker to stop these items. */
export function brokerInterrupt(broker: ServiceBroker): (itemIds: readonly string[]) => void {
  return (itemIds) => void broker.broadcast(INTERRUPT_EVENT, { itemIds });
}
