/**
 * What the queue bench runs on, all of it made by the bench and undone when it ends: fresh
 * databases on the machine's PostgreSQL (as test/support/test-database.ts makes them), an empty
 * Redis database for BullMQ's keys, temp data dirs, and in-process platforms signed in as their
 * admin.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { loadConfig, type PinkseaConfig, type Role } from '../../config/config';
import { startPlatform, type Platform } from '../../services/platform/platform';
import { BenchApi } from './bench-api-client';

/** The queue name platform.ts gives its job transport; its pools' and workers' queues start with it. */
export const PLATFORM_QUEUE_NAME = 'sessions';
const ADMIN_EMAIL = 'bench@example.com';

/**
 * Undo steps, run last-made first. Every open Teardown is also run when the bench is interrupted
 * (Ctrl-C), so an aborted run leaves no database or BullMQ keys behind.
 */
export class Teardown {
  private static readonly open = new Set<Teardown>();
  private readonly steps: { what: string; run: () => Promise<unknown> }[] = [];

  constructor() {
    Teardown.open.add(this);
  }

  defer(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  /** Runs every step even when some fail; the failures are reported, not thrown. */
  async run(): Promise<void> {
    Teardown.open.delete(this);
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup failed: ${step.what}: ${(error as Error).message}`);
      }
    }
  }

  static async runAll(): Promise<void> {
    for (const teardown of [...Teardown.open].reverse()) await teardown.run();
  }
}

/**
 * Runs a bench's `main`: whatever it made is undone when it ends, fails or is interrupted (Ctrl-C,
 * exit 130), and a failure is printed with exit code 1.
 */
export function runBench(main: () => Promise<void>): void {
  process.once('SIGINT', () => {
    console.error('interrupted: cleaning up');
    void Teardown.runAll().finally(() => process.exit(130));
  });
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => Teardown.runAll());
}

/** A new, empty database on the server of `serverUrl`, dropped by `teardown`. */
export async function freshDatabase(serverUrl: string, teardown: Teardown): Promise<string> {
  const name = `pinksea_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  teardown.defer(`drop database ${name}`, () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return withDatabase(serverUrl, name);
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Undefined when Redis answers PING; otherwise why not. */
export async function redisProblem(url: string): Promise<string | undefined> {
  const client = redisClient(url);
  // The socket's own error (ECONNREFUSED, …) says more than connect()'s "Connection is closed".
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis did not answer at ${new URL(url).host} (${(socketError ?? (error as Error)).message || String(error)})`;
  } finally {
    client.disconnect();
  }
}

/**
 * The URL of a Redis logical database that holds no keys, so the platform's fixed queue name
 * cannot meet another process's jobs. `teardown` deletes the keys of `queueNames` there.
 */
export async function emptyRedisDatabase(url: string, queueNames: () => readonly string[], teardown: Teardown): Promise<string> {
  const client = redisClient(url);
  await client.connect();
  try {
    for (let db = 15; db >= 1; db--) {
      await client.select(db);
      if ((await client.dbsize()) > 0) continue;
      const chosen = new URL(url);
      chosen.pathname = `/${db}`;
      teardown.defer(`delete BullMQ keys in Redis db ${db}`, () => deleteQueueKeys(chosen.toString(), queueNames()));
      return chosen.toString();
    }
  } finally {
    client.disconnect();
  }
  throw new Error(`every Redis database 1-15 at ${new URL(url).host} holds keys; the bench needs an empty one`);
}

async function deleteQueueKeys(url: string, queueNames: readonly string[]): Promise<void> {
  const client = redisClient(url);
  await client.connect();
  try {
    for (const name of queueNames) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `bull:${name}*`, 'COUNT', 1000);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    client.disconnect();
  }
}

function redisClient(url: string): Redis {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Failures reach the caller through the rejected command; without a listener ioredis would also log them.
  client.on('error', () => undefined);
  return client;
}

export interface BenchPlatformOptions {
  readonly role: Role;
  readonly databaseUrl: string;
  /** Empty for BullMQ's PostgreSQL backend. */
  readonly redisUrl: string;
  readonly concurrency: number;
  /** More settings, by environment variable (a transporter, a namespace). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface BenchPlatform {
  readonly platform: Platform;
  readonly config: PinkseaConfig;
  /** The gateway, signed in as the platform's admin. */
  readonly api: BenchApi;
}

/** An in-process platform with a temp data dir, stopped (and the dir removed) by `teardown`. */
export async function startBenchPlatform(options: BenchPlatformOptions, teardown: Teardown): Promise<BenchPlatform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-bench-'));
  teardown.defer(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  const password = randomBytes(18).toString('base64url');
  const config = loadConfig({
    PINKSEA_ROLE: options.role,
    PINKSEA_NODE_ID: `bench-${options.role}-${randomBytes(4).toString('hex')}`,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    PINKSEA_PORT: '0',
    PINKSEA_DATA_DIR: dataDir,
    PINKSEA_ADMIN_EMAIL: ADMIN_EMAIL,
    PINKSEA_ADMIN_PASSWORD: password,
    PINKSEA_ACCESS_TOKEN_TTL: '1h',
    PINKSEA_WORKER_CONCURRENCY: String(options.concurrency),
    PINKSEA_LOG_LEVEL: 'warn',
    ...options.env,
  });
  const platform = await startPlatform(config);
  teardown.defer(`stop the ${options.role} platform`, () => platform.stop());
  if (!platform.url) throw new Error(`the ${options.role} platform serves no API`);
  const api = await BenchApi.signIn(platform.url, ADMIN_EMAIL, password);
  return { platform, config, api };
}
