/**
 * Carries queue items to workers with BullMQ: on Redis in a cluster, on its PostgreSQL backend by
 * default. Jobs hold only the item id; PostgreSQL holds the item. A worker killed mid-item loses
 * its lock, BullMQ's stalled-job check hands the job to another worker, and the item runs again
 * (bounded by the runner's attempt limit).
 */
import { createPostgresBackend, Queue, Worker, type Job } from 'bullmq';

export interface JobTransportOptions {
  /** Redis URL; the PostgreSQL backend is used when empty. */
  readonly redisUrl: string;
  readonly postgresUrl: string;
  readonly queueName: string;
  /** How long a worker's claim on a job lasts without renewal; a dead worker's job is free after it. */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. */
  readonly stalledIntervalMs?: number;
}

export interface ItemJob {
  readonly itemId: string;
  /** BullMQ priority: 1 runs first. */
  readonly priority: number;
}

export interface JobWorker {
  close(): Promise<void>;
}

/** Batch priorities users may give, 0 (normal) to 9 (most urgent). */
export const MAX_BATCH_PRIORITY = 9;
const RANK_SPAN = 200_000;

/**
 * One BullMQ priority from the batch priority and the item's rank among its owner's waiting
 * items: higher batch priority first; within one, the first waiting item of every user before the
 * second of any, so one user's 10,000 items do not starve another's single item.
 */
export function jobPriority(batchPriority: number, rank: number): number {
  const band = MAX_BATCH_PRIORITY - Math.max(0, Math.min(MAX_BATCH_PRIORITY, Math.trunc(batchPriority)));
  return band * RANK_SPAN + Math.min(Math.max(rank, 0), RANK_SPAN - 1) + 1;
}

export class JobTransport {
  private readonly queue: Queue;
  private readonly workers = new Set<Worker>();

  constructor(private readonly options: JobTransportOptions) {
    this.queue = new Queue(options.queueName, this.queueOptions() as never, this.backend() as never);
  }

  async add(jobs: readonly ItemJob[]): Promise<void> {
    const chunk = 1000;
    for (let start = 0; start < jobs.length; start += chunk) {
      await this.queue.addBulk(
        jobs.slice(start, start + chunk).map((job) => ({
          name: 'run',
          data: { itemId: job.itemId },
          // The item id as job id: adding an item that already has a job is a no-op. A node's failure
          // ends the item without throwing; what throws is the infrastructure (the database went
          // away), so those attempts are retried with backoff rather than dropping the item.
          opts: {
            jobId: `item-${job.itemId}`,
            priority: job.priority,
            attempts: 6,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
  }

  startWorker(process: (itemId: string) => Promise<void>, concurrency: number): JobWorker {
    const worker = new Worker(
      this.options.queueName,
      async (job: Job<{ itemId: string }>) => process(job.data.itemId),
      {
        ...this.queueOptions(),
        concurrency,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        // The runner bounds attempts itself and ends the item with the reason; let BullMQ hand it back.
        maxStalledCount: 100,
      } as never,
      this.backend() as never,
    );
    worker.on('error', () => undefined);
    this.workers.add(worker);
    return {
      close: async () => {
        this.workers.delete(worker);
        await worker.close();
      },
    };
  }

  /** Jobs waiting or running, for tests and metrics. */
  async counts(): Promise<{ waiting: number; active: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'active');
    return { waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0), active: counts['active'] ?? 0 };
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => worker.close()));
    await this.queue.close();
  }

  private queueOptions() {
    if (this.options.redisUrl) {
      const url = new URL(this.options.redisUrl);
      return { connection: { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), maxRetriesPerRequest: null } };
    }
    return { connection: { connectionString: this.options.postgresUrl, schema: 'bullmq', migrate: true } };
  }

  private backend() {
    return this.options.redisUrl ? undefined : createPostgresBackend;
  }
}
