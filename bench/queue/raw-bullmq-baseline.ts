/**
 * The floor the platform's queue is compared with: bare BullMQ on the same backend and the same
 * connection settings as services/queue/job-transport.ts, a Queue.addBulk of N jobs and a Worker
 * of the same concurrency whose processor does the work of the platform's trivial item (one
 * core.add invocation). No database rows, no API, no engine, no events.
 */
import { createPostgresBackend, Queue, Worker, type Job } from 'bullmq';
import type { AnyNodeDefinition } from '../../engine/node-definition';
import type { NodeContext } from '../../engine/node-context';

export interface RawBaselineOptions {
  readonly name: string;
  /** Empty for the PostgreSQL backend. */
  readonly redisUrl: string;
  readonly postgresUrl: string;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** The node the processor invokes, with the context it gets. */
  readonly node: AnyNodeDefinition;
  readonly context: NodeContext;
}

/** Same chunk size as JobTransport.add. */
const CHUNK = 1000;

/** What the bench uses of a Queue and a Worker, whichever backend (their types differ by backend). */
interface RawQueue {
  addBulk(jobs: { name: string; data: { a: number }; opts: { removeOnComplete: boolean; removeOnFail: boolean } }[]): Promise<unknown>;
  obliterate(options: { force: boolean }): Promise<void>;
  close(): Promise<void>;
}
interface RawWorker {
  on(event: 'completed', listener: () => void): unknown;
  on(event: 'failed', listener: (job: unknown, error: Error) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

export class RawBullmqBaseline {
  private readonly queue: RawQueue;
  private readonly worker: RawWorker;
  private done = 0;
  private target = Infinity;
  private finished: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(options: RawBaselineOptions) {
    const processor = async (job: Job<{ a: number }>) => options.node.invoke({ a: job.data.a, b: 1 }, options.context);
    const workerOptions = {
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: 100,
    };
    if (options.redisUrl) {
      const url = new URL(options.redisUrl);
      const connection = { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), maxRetriesPerRequest: null };
      this.queue = new Queue(options.name, { connection });
      this.worker = new Worker(options.name, processor, { connection, ...workerOptions });
    } else {
      const connection = { connectionString: options.postgresUrl, schema: 'bullmq', migrate: true };
      this.queue = new Queue(options.name, { connection }, createPostgresBackend);
      this.worker = new Worker(options.name, processor, { connection, ...workerOptions }, createPostgresBackend);
    }
    this.worker.on('completed', () => {
      if (++this.done >= this.target) this.finished?.();
    });
    this.worker.on('failed', (_job, error) => {
      this.failure = error;
      this.finished?.();
    });
    this.worker.on('error', () => undefined);
  }

  /** Adds `count` jobs and resolves when the worker has completed them all; returns the wall time in ms. */
  async run(count: number): Promise<number> {
    this.done = 0;
    this.target = count;
    const allDone = new Promise<void>((resolve) => (this.finished = resolve));
    const started = performance.now();
    for (let start = 0; start < count; start += CHUNK) {
      const size = Math.min(CHUNK, count - start);
      await this.queue.addBulk(
        Array.from({ length: size }, (_, index) => ({ name: 'run', data: { a: start + index }, opts: { removeOnComplete: true, removeOnFail: true } })),
      );
    }
    await allDone;
    const elapsed = performance.now() - started;
    this.finished = undefined;
    if (this.failure) throw new Error(`a raw BullMQ job failed: ${this.failure.message}`);
    return elapsed;
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.obliterate({ force: true }).catch(() => undefined);
    await this.queue.close();
  }
}
