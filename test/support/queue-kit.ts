/**
 * A queue wired for specs: the real repository on a test database, the real job transport
 * (PostgreSQL or Redis backend), a runner on the core and test packs, and every queue event
 * recorded. Not used by the platform.
 */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { createTestPack, MemoryContextHost, TEST_PACK_MANIFEST } from '../../nodes/sdk/testing';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import { JobTransport } from '../../services/queue/job-transport';
import type { QueueEventMap, QueueEventName, QueueEventSink } from '../../services/queue/queue-events';
import { QueueRepository } from '../../services/queue/queue.repository';
import { SessionQueue, type SessionQueueOptions } from '../../services/queue/session-queue';
import { SessionRunner } from '../../services/queue/session-runner';
import { insertTestUsers } from './test-tenants';

export interface RecordedEvent {
  readonly ownerId: string;
  readonly name: QueueEventName;
  readonly payload: QueueEventMap[QueueEventName];
}

export interface QueueKitOptions {
  readonly redisUrl?: string;
  readonly queueName: string;
  readonly workerName?: string;
  readonly queue?: Partial<Pick<SessionQueueOptions, 'poolOf' | 'workers'>>;
  /** The runner's incarnation (a fresh one when not given) and the live ones it sees. */
  readonly instanceId?: string;
  readonly liveInstances?: () => readonly string[];
}

export async function createQueueKit(dataSource: DataSource, databaseUrl: string, options: QueueKitOptions) {
  await insertTestUsers(dataSource);
  const registry = new NodeRegistry();
  await loadPackFromFolder(path.resolve(__dirname, '../../nodes/core'), registry);
  registry.loadPack(TEST_PACK_MANIFEST, Object.entries(createTestPack().nodes).map(([name, definition]) => ({ source: name, definition })));
  const events: RecordedEvent[] = [];
  const sink: QueueEventSink = { emit: (ownerId, name, payload) => events.push({ ownerId, name, payload }) };
  const store = new QueueRepository(dataSource);
  const transport = new JobTransport({ redisUrl: options.redisUrl ?? '', postgresUrl: databaseUrl, queueName: options.queueName, lockDurationMs: 2000, stalledIntervalMs: 1000 });
  const runner = new SessionRunner({
    store,
    registry,
    events: sink,
    hostFor: () => new MemoryContextHost(),
    workerName: options.workerName ?? 'spec-worker',
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    ...(options.liveInstances ? { liveInstances: options.liveInstances } : {}),
  });
  const queue = new SessionQueue({ store, transport, registry, events: sink, maxBatchItems: 1000, interrupt: (ids) => ids.forEach((id) => runner.interrupt(id)), ...options.queue });
  return { registry, events, store, transport, runner, queue };
}
