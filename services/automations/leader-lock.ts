/**
 * One leader among many processes: a PostgreSQL session-level advisory lock held on a connection of
 * its own. PostgreSQL keeps the lock exactly as long as that session lives, so a process that dies,
 * even by kill -9, loses it when the server ends its session, and nobody has to expire a lease.
 *
 * A LeaderLock tries `pg_try_advisory_lock` every `retryMs`; when it gets the lock it calls
 * onElected. While leading it checks its connection with `SELECT 1` every `retryMs`; when the
 * connection errors, ends or stops answering it calls onDeposed at once and goes back to trying,
 * on a new connection. onElected and onDeposed alternate, onElected first; stop() deposes too.
 *
 * Two leaders at once: PostgreSQL grants the lock to one session at a time, but a leader learns of
 * losing its session only when its connection tells it (at once when the server ends the session,
 * within about retryMs plus the query timeout when the network goes quiet). Work that must never
 * happen twice keeps its own fence too, such as a unique key per schedule fire time.
 *
 * Its timers and its socket are unref'd: a LeaderLock never holds a process open.
 */
import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { Client } from 'pg';

export interface LeaderLockLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

export interface LeaderLockOptions {
  /** The PostgreSQL to elect on (the platform's database URL). */
  readonly url: string;
  /** What is being led, e.g. 'pinksea:scheduler'; hashed to the advisory lock's bigint id. */
  readonly key: string;
  /** How often to try for the lock, and to check the connection while leading. Default 2000. */
  readonly retryMs?: number;
  /** Shown in pg_stat_activity; default `pinksea leader <key>` (PostgreSQL keeps 63 bytes). */
  readonly applicationName?: string;
  /** Called when this lock becomes the leader; if it throws, the lock lets go and tries again later. */
  onElected(): void;
  /** Called when this lock stops leading: its connection failed, or stop(). */
  onDeposed(reason: string): void;
  readonly logger?: LeaderLockLogger;
}

const DEFAULT_RETRY_MS = 2000;
/** The least time a connection attempt or a query gets before it counts as failed. */
const MIN_TIMEOUT_MS = 5000;
const SILENT_LOGGER: LeaderLockLogger = { info: () => undefined, warn: () => undefined };

/** The advisory lock id of a key: the first 8 bytes of its SHA-256, as a signed bigint. */
export function advisoryLockId(key: string): bigint {
  return createHash('sha256').update(key, 'utf8').digest().readBigInt64BE(0);
}

export class LeaderLock {
  private readonly lockId: string;
  private readonly retryMs: number;
  private readonly timeoutMs: number;
  private readonly applicationName: string;
  private readonly logger: LeaderLockLogger;
  private client: Client | undefined;
  private isLeading = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** The last problem logged, so a database that stays down is reported once, not every retry. */
  private lastProblem: string | undefined;

  constructor(private readonly options: LeaderLockOptions) {
    this.lockId = advisoryLockId(options.key).toString();
    this.retryMs = Math.max(1, Math.floor(options.retryMs ?? DEFAULT_RETRY_MS));
    this.timeoutMs = Math.max(MIN_TIMEOUT_MS, 2 * this.retryMs);
    this.applicationName = (options.applicationName ?? `pinksea leader ${options.key}`).slice(0, 63);
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Whether this lock holds leadership now, as far as its connection has told it. */
  get leading(): boolean {
    return this.isLeading;
  }

  /** Starts trying; resolves after the first try, led or not. A database that is down is retried, not thrown. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.runTry();
  }

  /** Stops trying; when leading, deposes (reason 'stopped'), releases the lock and closes the connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    await this.inFlight;
    const client = this.client;
    this.client = undefined;
    const wasLeading = this.isLeading;
    if (wasLeading) this.depose('stopped');
    if (!client) return;
    if (wasLeading) {
      await this.withTimeout(client.query('SELECT pg_advisory_unlock($1)', [this.lockId])).catch((error: unknown) => {
        this.logger.warn(`[leader ${this.options.key}] could not release the lock (closing the connection releases it): ${messageOf(error)}`);
      });
    }
    await this.withTimeout(client.end()).catch(() => undefined);
  }

  private runTry(): Promise<void> {
    const attempt = this.attempt().finally(() => {
      this.inFlight = undefined;
      if (!this.running) return;
      this.timer = setTimeout(() => void this.runTry(), this.retryMs);
      this.timer.unref();
    });
    this.inFlight = attempt;
    return attempt;
  }

  /** One try for the lock, or one check of the connection while leading. Never rejects. */
  private async attempt(): Promise<void> {
    const client = this.client ?? (await this.connect());
    if (!client || !this.running) return;
    try {
      if (this.isLeading) {
        await this.withTimeout(client.query('SELECT 1'));
        return;
      }
      const result = await this.withTimeout(client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.lockId]));
      // Lost meanwhile: the session is gone, and with it any lock it took. Stopping: stop() closes it.
      if (client !== this.client || !this.running) return;
      if (result.rows[0]?.locked) this.elect(client);
      else this.report(undefined);
    } catch (error) {
      this.lose(client, `the lock's connection failed: ${messageOf(error)}`);
    }
  }

  private async connect(): Promise<Client | undefined> {
    const client = new Client({
      connectionString: this.options.url,
      application_name: this.applicationName,
      connectionTimeoutMillis: this.timeoutMs,
      keepAlive: true,
    });
    // Listeners stay for the client's life: an 'error' with no listener would crash the process.
    client.on('error', (error) => this.lose(client, `the lock's connection failed: ${error.message}`));
    client.on('end', () => this.lose(client, "the lock's connection ended"));
    if (client.connection.stream instanceof Socket) client.connection.stream.unref();
    this.client = client;
    try {
      await client.connect();
      return client;
    } catch (error) {
      this.lose(client, `cannot connect to PostgreSQL: ${messageOf(error)}`);
      return undefined;
    }
  }

  private elect(client: Client): void {
    this.isLeading = true;
    this.lastProblem = undefined;
    this.logger.info(`[leader ${this.options.key}] elected`);
    try {
      this.options.onElected();
    } catch (error) {
      this.lose(client, `onElected failed: ${messageOf(error)}`);
    }
  }

  /** Drops a failed connection (later events of an old one are ignored); deposes when it held the lock. */
  private lose(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (this.isLeading) this.depose(reason);
    else this.report(reason);
  }

  private depose(reason: string): void {
    this.isLeading = false;
    this.logger.warn(`[leader ${this.options.key}] deposed: ${reason}`);
    try {
      this.options.onDeposed(reason);
    } catch (error) {
      this.logger.warn(`[leader ${this.options.key}] onDeposed failed: ${messageOf(error)}`);
    }
  }

  /** Logs a problem while not leading once until it changes; undefined means things work again. */
  private report(problem: string | undefined): void {
    if (problem === this.lastProblem) return;
    if (problem) this.logger.warn(`[leader ${this.options.key}] ${problem}; retrying every ${this.retryMs} ms`);
    else if (this.lastProblem) this.logger.info(`[leader ${this.options.key}] connected again; waiting for the lock`);
    this.lastProblem = problem;
  }

  /** Rejects when `work` takes longer than the timeout, on a timer that does not hold the process open. */
  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LeaderLockTimeoutError(this.timeoutMs)), this.timeoutMs);
      timer.unref();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

class LeaderLockTimeoutError extends Error {
  override readonly name = 'LeaderLockTimeoutError';
  constructor(ms: number) {
    super(`PostgreSQL did not answer within ${ms} ms`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
