/**
 * The session runner on a worker (role `worker`): takes queue items from the job transport and
 * runs them; stops an item when any gateway broadcasts that it was canceled.
 */
import type { Context, ServiceBroker, ServiceSchema } from 'moleculer';
import type { JobTransport, JobWorker } from './job-transport';
import { SESSION_EVENT, type QueueEventSink } from './queue-events';
import type { SessionRunner } from './session-runner';

export const INTERRUPT_EVENT = 'queue.interrupt';

export function createRunnerService(options: { transport: JobTransport; runner: SessionRunner; concurrency: number }): ServiceSchema {
  let worker: JobWorker | undefined;
  return {
    name: 'runner',
    events: {
      [INTERRUPT_EVENT]: {
        handler(ctx: Context<{ itemIds: string[] }>) {
          for (const itemId of ctx.params.itemIds) options.runner.interrupt(itemId);
        },
      },
    },
    started() {
      worker = options.transport.startWorker((itemId) => options.runner.process(itemId), options.concurrency);
    },
    async stopped() {
      await worker?.close();
    },
  };
}

/** Queue events leave through the broker, so every gateway can forward them to its sockets. */
export function brokerEventSink(broker: ServiceBroker): QueueEventSink {
  return {
    emit(ownerId, name, payload) {
      void broker.broadcast(SESSION_EVENT, { ownerId, name, payload });
    },
  };
}

/** Tells every worker to stop these items. */
export function brokerInterrupt(broker: ServiceBroker): (itemIds: readonly string[]) => void {
  return (itemIds) => void broker.broadcast(INTERRUPT_EVENT, { itemIds });
}
