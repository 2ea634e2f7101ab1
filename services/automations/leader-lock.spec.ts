import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { inheritedEnvironment } from '../../config/config';
import { missingService, serviceUrls } from '../../test/support/services-available';
import { LeaderLock, advisoryLockId, type LeaderLockOptions } from './leader-lock';

const ROOT = path.resolve(__dirname, '../..');
const RETRY_MS = 100;

interface TestLock {
  readonly key: string;
  readonly lock: LeaderLock;
  /** 'elected' and 'deposed: <reason>', in order. */
  readonly events: string[];
  readonly warnings: string[];
}

/** Polls until `condition` holds; the milliseconds it took. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(5);
  }
  return Date.now() - started;
}

const LOCK_HOLDERS_SQL = `SELECT l.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
  WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`;

describe('LeaderLock', () => {
  const url = serviceUrls().postgres;
  let missing: string | undefined;
  let admin: Client | undefined;
  let created: TestLock[] = [];
  let overlaps: string[] = [];

  beforeAll(async () => {
    missing = await missingService('PostgreSQL', url);
    if (missing) return;
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end();
  });

  beforeEach(() => {
    if (missing) pending(missing);
    created = [];
    overlaps = [];
  });

  afterEach(async () => {
    await Promise.all(created.map(({ lock }) => lock.stop()));
  });

  const uniqueKey = () => `pinksea:test:${randomBytes(6).toString('hex')}`;

  /** A lock on `key`; when elected it checks that no other lock on the same key leads at that moment. */
  function createLock(key: string, overrides: Partial<LeaderLockOptions> = {}): TestLock {
    const events: string[] = [];
    const warnings: string[] = [];
    const self: TestLock = {
      key,
      events,
      warnings,
      lock: new LeaderLock({
        url,
        key,
        retryMs: RETRY_MS,
        onElected: () => {
          events.push('elected');
          const others = created.filter((other) => other !== self && other.key === key && other.lock.leading);
          if (others.length > 0) overlaps.push(`elected while another lock on ${key} led`);
        },
        onDeposed: (reason) => events.push(`deposed: ${reason}`),
        logger: { info: () => undefined, warn: (...args) => warnings.push(args.join(' ')) },
        ...overrides,
      }),
    };
    created.push(self);
    return self;
  }

  /** Samples `leading` of the locks every 2 ms; `both` counts the samples where more than one led. */
  function sample(locks: readonly TestLock[]) {
    const counts = { samples: 0, both: 0 };
    const timer = setInterval(() => {
      counts.samples += 1;
      if (locks.filter(({ lock }) => lock.leading).length > 1) counts.both += 1;
    }, 2);
    return { counts, stop: () => clearInterval(timer) };
  }

  async function holders(key: string): Promise<{ pid: number; application_name: string }[]> {
    return (await admin!.query<{ pid: number; application_name: string }>(LOCK_HOLDERS_SQL, [advisoryLockId(key).toString()])).rows;
  }

  it('hashes a key to the same lock id in every release, so old and new processes contend for one lock', () => {
    expect(advisoryLockId('pinksea:scheduler')).toBe(3922730968045723855n);
    expect(advisoryLockId('a')).toBe(-3848465438864589366n);
  });

  it('lets exactly one of two locks on the same key lead', async () => {
    const key = uniqueKey();
    const [a, b] = [createLock(key), createLock(key)];
    const sampler = sample([a, b]);
    await Promise.all([a.lock.start(), b.lock.start()]);
    await sleep(8 * RETRY_MS);
    sampler.stop();
    expect([a.lock.leading, b.lock.leading].filter(Boolean).length).toBe(1);
    expect([...a.events, ...b.events]).toEqual(['elected']);
    expect(sampler.counts.samples).toBeGreaterThan(50);
    expect(sampler.counts.both).toBe(0);
    expect(overlaps).toEqual([]);
    const held = await holders(key);
    expect(held.length).toBe(1);
    expect(held[0]!.application_name).toBe(`pinksea leader ${key}`);
  });

  it('hands leadership to the other lock within about retryMs when the leader stops', async () => {
    const key = uniqueKey();
    const [a, b] = [createLock(key), createLock(key)];
    await a.lock.start();
    await b.lock.start();
    expect([a.lock.leading, b.lock.leading]).toEqual([true, false]);
    const sampler = sample([a, b]);
    await a.lock.stop();
    expect(a.lock.leading).toBeFalse();
    expect(a.events).toEqual(['elected', 'deposed: stopped']);
    const tookMs = await until(() => b.lock.leading, 10 * RETRY_MS, 'the other lock leads');
    sampler.stop();
    expect(tookMs).toBeLessThan(5 * RETRY_MS);
    expect(sampler.counts.both).toBe(0);
    expect(b.events).toEqual(['elected']);
    // The stopped lock closed its connection: one session left on the lock, none for the stopped one.
    expect((await holders(key)).length).toBe(1);
  });

  it('leads independently of a lock on another key', async () => {
    const [a, b] = [createLock(uniqueKey()), createLock(uniqueKey())];
    await Promise.all([a.lock.start(), b.lock.start()]);
    expect([a.lock.leading, b.lock.leading]).toEqual([true, true]);
  });

  it('reports the leader deposed when PostgreSQL ends its session, and never lets two lead', async () => {
    const key = uniqueKey();
    const [a, b] = [createLock(key), createLock(key)];
    const sampler = sample([a, b]);
    await a.lock.start();
    await b.lock.start();
    const leader = a.lock.leading ? a : b;
    const [before] = await holders(key);
    expect(before?.application_name).toBe(`pinksea leader ${key}`);

    await admin!.query('SELECT pg_terminate_backend($1)', [before!.pid]);
    await until(() => leader.events.some((event) => event.startsWith('deposed: ')), 20 * RETRY_MS, 'the leader reports itself deposed');
    await until(() => a.lock.leading || b.lock.leading, 20 * RETRY_MS, 'a lock leads again');
    await sleep(3 * RETRY_MS);
    sampler.stop();

    expect(leader.events[1]).toMatch(/^deposed: the lock's connection (failed: terminating connection due to administrator command|ended)$/);
    expect([a.lock.leading, b.lock.leading].filter(Boolean).length).toBe(1);
    expect(sampler.counts.both).toBe(0);
    expect(overlaps).toEqual([]);
    const after = await holders(key);
    expect(after.length).toBe(1);
    expect(after[0]!.pid).not.toBe(before!.pid);
  });

  it('loses the lock to another process when its process is killed with -9', async () => {
    const key = uniqueKey();
    const child = startChild(key, 'keep-alive');
    try {
      await child.waitFor(/elected/);
      const local = createLock(key);
      await local.lock.start();
      expect(local.lock.leading).toBeFalse();
      child.process.kill('SIGKILL');
      await until(() => local.lock.leading, 10_000, 'the lock outlives the killed process');
      expect(local.events).toEqual(['elected']);
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 30_000);

  it('never holds a process open: a process whose other work is done exits while leading', async () => {
    const key = uniqueKey();
    const child = startChild(key, 'exit-when-done');
    const code = await child.exited(15_000);
    expect(child.output()).toContain('elected');
    expect(child.output()).toContain('other work done');
    expect(code).toBe(0);
  }, 30_000);

  it('keeps neither its retry timer nor its connection among what keeps the event loop alive', async () => {
    const ours = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'TCPSocketWrap');
    const { lock } = createLock(uniqueKey(), { retryMs: 60_000 });
    await lock.start();
    expect(lock.leading).toBeTrue();
    const leading = ours();
    await lock.stop();
    expect(leading).toEqual(ours());
  });

  it('keeps retrying while PostgreSQL is unreachable, warning once, and stops cleanly', async () => {
    const down = createLock(uniqueKey(), { url: 'postgres://postgres@127.0.0.1:1/none' });
    await down.lock.start();
    await sleep(5 * RETRY_MS);
    expect(down.lock.leading).toBeFalse();
    expect(down.events).toEqual([]);
    expect(down.warnings.length).toBe(1);
    expect(down.warnings[0]).toContain('cannot connect to PostgreSQL');
    await down.lock.stop();
  });

  it('lets go of the lock when onElected throws, so another process can lead', async () => {
    const key = uniqueKey();
    const failing = createLock(key, {
      onElected: () => {
        throw new Error('scheduler would not start');
      },
    });
    await failing.lock.start();
    expect(failing.lock.leading).toBeFalse();
    const other = createLock(key);
    await other.lock.start();
    await until(() => other.lock.leading, 20 * RETRY_MS, 'the other lock leads');
    expect(other.lock.leading).toBeTrue();
  });

  /** A process that leads `key` and prints what happens; 'keep-alive' runs until killed. */
  function startChild(key: string, mode: 'keep-alive' | 'exit-when-done') {
    const script = `
      const { LeaderLock } = require(${JSON.stringify(path.join(ROOT, 'services/automations/leader-lock.ts'))});
      const lock = new LeaderLock({
        url: process.env.LOCK_URL, key: process.env.LOCK_KEY, retryMs: ${RETRY_MS},
        onElected: () => console.log('elected'), onDeposed: (reason) => console.log('deposed', reason),
      });
      lock.start();
      ${mode === 'keep-alive' ? 'setInterval(() => undefined, 1000);' : "setTimeout(() => console.log('other work done'), 1500);"}
    `;
    const child = spawn(path.join(ROOT, 'node_modules/.bin/node'), ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env: { ...inheritedEnvironment(), LOCK_URL: url, LOCK_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
      process: child,
      output: () => output,
      waitFor: (pattern: RegExp) => until(() => pattern.test(output), 15_000, `the child prints ${pattern}; it printed: ${output}`),
      exited: async (timeoutMs: number) => {
        const timedOut = Symbol('timed out');
        const result = await Promise.race([exit, sleep(timeoutMs, timedOut)]);
        if (result === timedOut) {
          child.kill('SIGKILL');
          throw new Error(`the child was still running after ${timeoutMs} ms; it printed: ${output}`);
        }
        return result as number | null;
      },
    };
  }
});
