/**
 * Carries queue items to workers with BullMQ: on Redis in a cluster, on its PostgreSQL backend by
 * default. Jobs hold only item ids; PostgreSQL holds the items. A job carries one item, or a run
 * of consecutive items of one large batch (a chunk): a worker takes the chunk's items one after
 * the other, for a short time budget, and hands the rest back as a new job, so cheap items share
 * the queue's round trips while long ones still spread over every worker one at a time. A worker killed mid-item loses
 * its lock, BullMQ's stalled-job check hands the job to another worker, and the item runs again
 * (bounded by the runner's attempt limit).
 *
 * Each pool has a queue that all its workers take from, and each worker has its own queue for the
 * items routed to it because its model cache holds their models. A worker takes from both within
 * one concurrency limit; when it leaves, its own queue's jobs move back to the pool's queue.
 */
import { createPostgresBackend, DelayedError, Queue, Worker, type Job } from 'bullmq';
import { PinkseaError } from '../../engine/errors';

export interface JobTransportOptions {
  /** Redis URL; the PostgreSQL backend is used when empty. */
  readonly redisUrl: string;
  readonly postgresUrl: string;
  readonly queueName: string;
  /** How long a worker's claim on a job lasts without renewal; a dead worker's job is free after it. */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose worker died. */
  readonly stalledIntervalMs?: number;
  /** The longest pause before a job whose item was busy comes back (10 s). */
  readonly laterMaxDelayMs?: number;
}

export interface ItemJob {
  /** One item, or a chunk of consecutive items of one batch, run in this order. */
  readonly itemIds: readonly string[];
  /** BullMQ priority: 1 runs first. */
  readonly priority: number;
  /** The queue it goes on (a pool's or a worker's); the basic pool's when not given. */
  readonly queue?: string;
  /** A pause before it may run (a chunk's busy items coming back). */
  readonly delayMs?: number;
  /** How often these items came back busy already. */
  readonly later?: number;
}

/** One item's job is `item-<id>`, so a second add of it is a no-op; a chunk's names its first and last item. */
function jobIdOf(job: ItemJob): string {
  const first = job.itemIds[0];
  if (job.itemIds.length === 1) return job.later ? `item-${first}-later-${job.later}` : `item-${first}`;
  return `items-${first}-${job.itemIds.at(-1)}-${job.itemIds.length}${job.later ? `-later-${job.later}` : ''}`;
}

/**
 * What a processor answers: `done` (or nothing) ends the job; `later` says its item is busy on a
 * live worker, and the job comes back after a pause without spending one of its attempts, so a job
 * is never dropped while the item it carries may still need it.
 */
export type JobOutcome = 'done' | 'later';

/** The pause before a job whose item was busy comes back: doubling from 500 ms, at most `maxMs`. */
export function laterDelayMs(timesStarted: number, maxMs = 10_000): number {
  return Math.min(500 * 2 ** Math.max(0, Math.min(timesStarted - 1, 5)), maxMs);
}

/** How long a worker runs a chunk's items before it hands the rest back as a new job. */
export const CHUNK_BUDGET_MS = 100;
/** The most items one job carries. */
export const MAX_CHUNK_ITEMS = 32;
/** A batch is cut into at least this many jobs (when it has that many items), so it spreads over a pool. */
const MIN_JOBS_PER_BATCH = 64;

/**
 * `count` items in jobs: one item each for a batch of up to MIN_JOBS_PER_BATCH items, else chunks
 * of up to MAX_CHUNK_ITEMS. Returns each chunk's start index and length, in order.
 */
export function chunkItems(count: number): { start: number; length: number }[] {
  const size = Math.max(1, Math.min(MAX_CHUNK_ITEMS, Math.floor(count / MIN_JOBS_PER_BATCH)));
  const chunks: { start: number; length: number }[] = [];
  for (let start = 0; start < count; start += size) chunks.push({ start, length: Math.min(size, count - start) });
  return chunks;
}

/** A job's items, in order; jobs from before chunks carried one `itemId`. */
function itemsOf(data: JobData | undefined): readonly string[] {
  if (Array.isArray(data?.itemIds)) return data.itemIds.filter((id): id is string => typeof id === 'string');
  return typeof data?.itemId === 'string' ? [data.itemId] : [];
}

interface JobData {
  readonly itemIds?: readonly string[];
  readonly itemId?: string;
  /** How often a chunk's busy items have come back already (their pause grows with it). */
  readonly later?: number;
}

/** Runs one item. */
export type ItemProcessor = (itemId: string) => Promise<JobOutcome | void>;

/** What became of a chunk's items: those busy on a live worker, and those not started within the budget. */
export interface ChunkResult {
  readonly later: readonly string[];
  readonly unstarted: readonly string[];
}

/** Runs a chunk's items in order for about `budgetMs`. */
export type ChunkProcessor = (itemIds: readonly string[], budgetMs: number) => Promise<ChunkResult>;

/** A chunk as its items one after the other, for processors that run one item at a time. */
function sequentialChunk(process: ItemProcessor): ChunkProcessor {
  return async (itemIds, budgetMs) => {
    const began = performance.now();
    const later: string[] = [];
    let next = 0;
    while (next < itemIds.length && (next === 0 || performance.now() - began < budgetMs)) {
      if ((await process(itemIds[next]!)) === 'later') later.push(itemIds[next]!);
      next += 1;
    }
    return { later, unstarted: itemIds.slice(next) };
  };
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

const DEFAULT_POOL = 'basic';

export class JobTransport {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(private readonly options: JobTransportOptions) {}

  /** The queue every worker of a pool takes from. */
  poolQueue(pool: string): string {
    return `${this.options.queueName}-${pool}`;
  }

  /** A worker's own queue: items routed to it for the models it holds. */
  workerQueue(nodeId: string): string {
    return `${this.options.queueName}-worker-${nodeId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  }

  async add(jobs: readonly ItemJob[]): Promise<void> {
    const byQueue = new Map<string, ItemJob[]>();
    for (const job of jobs) {
      const name = job.queue ?? this.poolQueue(DEFAULT_POOL);
      const list = byQueue.get(name);
      if (list) list.push(job);
      else byQueue.set(name, [job]);
    }
    for (const [name, list] of byQueue) await this.addTo(this.queue(name), list);
  }

  private async addTo(queue: Queue, jobs: readonly ItemJob[]): Promise<void> {
    const toBullmq = (job: ItemJob) => ({
      name: 'run',
      data: { itemIds: job.itemIds, ...(job.later ? { later: job.later } : {}) },
      // The items as job id: adding items that already have a job is a no-op. A node's failure
      // ends the item without throwing; what throws is the infrastructure (the database went
      // away), so those attempts are retried with backoff rather than dropping the item.
      opts: {
        jobId: jobIdOf(job),
        ...(job.delayMs ? { delay: job.delayMs } : {}),
        priority: job.priority,
        attempts: 6,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    });
    // One job (a one-item batch, the common case): add, which on the PostgreSQL backend costs a
    // sixth of addBulk's set-based statement (measured 0.7 ms against 4 ms).
    if (jobs.length === 1) {
      const { name, data, opts } = toBullmq(jobs[0]!);
      await queue.add(name, data, opts);
      return;
    }
    const chunk = 1000;
    for (let start = 0; start < jobs.length; start += chunk) await queue.addBulk(jobs.slice(start, start + chunk).map(toBullmq));
  }

  /**
   * Runs the jobs of `queues` (the basic pool's by default), at most `concurrency` at once across
   * all of them: `process` for a one-item job, `chunk` for a chunk (its items one after the other
   * by default). While every slot is busy, the queues after the first stop taking jobs, so a busy
   * worker does not hold pool jobs that an idle one could run.
   */
  startWorker(
    process: ItemProcessor,
    concurrency: number,
    queues: readonly string[] = [this.poolQueue(DEFAULT_POOL)],
    chunk: ChunkProcessor = sequentialChunk(process),
  ): JobWorker {
    let closing = false;
    const slots = new Slots(concurrency, (full) => {
      if (closing) return;
      for (const worker of started.slice(1)) {
        if (full && !worker.isPaused()) void worker.pause(true);
        else if (!full && worker.isPaused()) worker.resume();
      }
    });
    const started = queues.map((name) => {
      const worker = new Worker(
        name,
        async (job: Job<JobData>, token?: string) => {
          const items = itemsOf(job.data);
          if (items.length <= 1) {
            // One item: when busy on a live worker, this very job comes back later.
            if ((await this.runOne(slots, process, items[0])) === 'later') {
              await job.moveToDelayed(Date.now() + laterDelayMs(job.attemptsStarted, this.options.laterMaxDelayMs), token);
              throw new DelayedError();
            }
            return;
          }
          await this.runChunk(slots, chunk, items, job, name);
        },
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
      return worker;
    });
    return {
      close: async () => {
        for (const worker of started) this.workers.delete(worker);
        closing = true;
        await Promise.all(started.map((worker) => worker.close()));
      },
    };
  }

  private async runOne(slots: Slots, process: ItemProcessor, itemId: string | undefined): Promise<JobOutcome | void> {
    if (itemId === undefined) return 'done';
    await slots.acquire();
    try {
      return await process(itemId);
    } finally {
      slots.release();
    }
  }

  /**
   * A chunk's items, in one slot: the rest after the budget go back as a job of their own
   * (another worker may take it), and items busy on a live worker come back after a pause, before
   * this job ends. A worker dying mid-chunk leaves the whole job to BullMQ's stalled check: its
   * items that ended are not run again (their claim finds them done).
   */
  private async runChunk(slots: Slots, chunk: ChunkProcessor, items: readonly string[], job: Job<JobData>, queue: string): Promise<void> {
    await slots.acquire();
    let result: ChunkResult;
    try {
      result = await chunk(items, CHUNK_BUDGET_MS);
    } finally {
      slots.release();
    }
    const priority = job.opts.priority ?? 1;
    const later = (job.data.later ?? 0) + 1;
    await this.add([
      ...(result.unstarted.length > 0 ? [{ itemIds: result.unstarted, priority, queue }] : []),
      ...(result.later.length > 0 ? [{ itemIds: result.later, priority, queue, later, delayMs: laterDelayMs(later, this.options.laterMaxDelayMs) }] : []),
    ]);
  }

  /**
   * Moves every job of one queue (waiting, delayed or held by a worker that is gone) to another,
   * keeping priorities, and empties the first. For a worker that left: its items go back to the pool.
   */
  async moveJobs(from: string, to: string): Promise<number> {
    const source = this.queue(from);
    const jobs = (await source.getJobs(['waiting', 'prioritized', 'delayed', 'active'], 0, -1)) as (Job<JobData> | undefined)[];
    const moved = jobs.flatMap((job) => (job && itemsOf(job.data).length > 0 ? [{ itemIds: itemsOf(job.data), priority: job.opts.priority ?? 1, queue: to }] : []));
    await this.add(moved);
    await source.obliterate({ force: true });
    return moved.reduce((sum, job) => sum + job.itemIds.length, 0);
  }

  /** Jobs waiting on one queue. */
  async waiting(queue: string): Promise<number> {
    const counts = await this.queue(queue).getJobCounts('waiting', 'prioritized');
    return (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0);
  }

  /** Jobs waiting or running on a queue (the basic pool's by default), for tests and metrics. */
  async counts(queue = this.poolQueue(DEFAULT_POOL)): Promise<{ waiting: number; active: number }> {
    const counts = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'active');
    return { waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0), active: counts['active'] ?? 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    // A queue opened after close would hold its connection for good.
    if (!queue && this.closed) throw new PinkseaError('transport_closed', `The job transport is closed; queue ${name} cannot be opened`, 'transient');
    if (!queue) {
      queue = new Queue(name, this.queueOptions() as never, this.backend() as never);
      this.queues.set(name, queue);
    }
    return queue;
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

/** A counting semaphore that says when it fills up and when it has room again. */
class Slots {
  private readonly waiters: (() => void)[] = [];

  constructor(
    private free: number,
    private readonly onChange: (full: boolean) => void,
  ) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      if (this.free === 0) this.onChange(true);
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) return next();
    this.free += 1;
    if (this.free === 1) this.onChange(false);
  }
}
