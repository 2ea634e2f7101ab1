/**
 * A queue wired for specs: the real repository on a test database, the real job transport
 * (PostgreSQL or Redis backend), a runner on the core and test packs, and every queue event
 * recorded. Not used by the platform.
 */
import path from 'node:path';
import type { ServiceSchema } from 'moleculer';
import type { DataSource } from 'typeorm';
import { NodeRegistry } from '../../engine/registry/node-registry';
import { createTestPack, MemoryContextHost, TEST_PACK_MANIFEST } from '../../nodes/sdk/testing';
import { loadPackFromFolder } from '../../services/plugins/pack-loader';
import { JobTransport } from '../../services/queue/job-transport';
import type { QueueEventMap, QueueEventName, QueueEventSink } from '../../services/queue/queue-events';
import { QueueRepository } from '../../services/queue/queue.repository';
import { SessionQueue } from '../../services/queue/session-queue';
import { SessionRunner } from '../../services/queue/session-runner';

export const OWNER_A = '00000000-0000-4000-8000-00000000000a';
export const OWNER_B = '00000000-0000-4000-8000-00000000000b';

export interface RecordedEvent {
  readonly ownerId: string;
  readonly name: QueueEventName;
  readonly payload: QueueEventMap[QueueEventName];
}

export async function createQueueKit(dataSource: DataSource, databaseUrl: string, options: { redisUrl?: string; queueName: string }) {
  await dataSource.query(`INSERT INTO users (id, email, password_hash) VALUES ($1, 'a@example.com', 'x'), ($2, 'b@example.com', 'x') ON CONFLICT DO NOTHING`, [OWNER_A, OWNER_B]);
  const registry = new NodeRegistry();
  await loadPackFromFolder(path.resolve(__dirname, '../../nodes/core'), registry);
  registry.loadPack(TEST_PACK_MANIFEST, Object.entries(createTestPack().nodes).map(([name, definition]) => ({ source: name, definition })));
  const events: RecordedEvent[] = [];
  const sink: QueueEventSink = { emit: (ownerId, name, payload) => events.push({ ownerId, name, payload }) };
  const store = new QueueRepository(dataSource);
  const transport = new JobTransport({ redisUrl: options.redisUrl ?? '', postgresUrl: databaseUrl, queueName: options.queueName, lockDurationMs: 2000, stalledIntervalMs: 1000 });
  const runner = new SessionRunner({ store, registry, events: sink, hostFor: () => new MemoryContextHost(), workerName: 'spec-worker' });
  const queue = new SessionQueue({ store, transport, registry, events: sink, maxBatchItems: 1000, interrupt: (ids) => ids.forEach((id) => runner.interrupt(id)) });
  return { registry, events, store, transport, runner, queue };
}

/** A stand-in for `accounts`: two fixed tokens for two users, so the gateway's auth runs for real. */
export const TWO_USERS: ServiceSchema = {
  name: 'accounts',
  actions: {
    authenticate: {
      handler(ctx) {
        const token = (ctx.params as { token: string }).token;
        if (token === 'token-a') return { id: OWNER_A, email: 'a@example.com', role: 'user', scopes: 'all' };
        if (token === 'token-b') return { id: OWNER_B, email: 'b@example.com', role: 'user', scopes: 'all' };
        throw Object.assign(new Error('unknown token'), { code: 401, type: 'unauthorized' });
      },
    },
  },
};

/** Polls until `check` holds, failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
