/**
 * For the accounts specs: the accounts service on the gateway over a test database, a clock the
 * spec moves, and a quick way to sign up users. Rate limits are wide unless a spec narrows them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PinkseaError } from '../../engine/errors';
import type { TestDatabase } from '../../test/support/test-database';
import { request, startTestPlatform, type ApiResponse, type TestPlatform } from '../../test/support/test-platform';
import type { Session } from './account-views';
import { createAccountsService } from './accounts.service';
import type { AuthRateLimitSettings, RouteLimits } from './auth-rate-limits';
import type { Clock } from './clock';
import { ensureAdmin } from './ensure-admin';
import { resolveJwtSecret } from './jwt-secret';

export class ManualClock {
  constructor(public nowMs = Date.parse('2026-01-01T00:00:00Z')) {}
  readonly clock: Clock = () => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

const WIDE: RouteLimits = { perIp: { capacity: 10_000, refillEveryMs: 1 }, perAccount: { capacity: 10_000, refillEveryMs: 1 } };
export const WIDE_LIMITS: AuthRateLimitSettings = { login: WIDE, register: WIDE, refresh: WIDE, password: WIDE };

export const ACCESS_TTL_MS = 15 * 60_000;
export const REFRESH_TTL_MS = 7 * 86_400_000;
export const SESSION_CHECK_MS = 5_000;

export type RequestOptions = NonNullable<Parameters<typeof request>[3]>;

export interface AccountsHarness {
  readonly url: string;
  readonly clock: ManualClock;
  readonly platform: TestPlatform;
  call<T = unknown>(method: string, route: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Registers a new user with a unique email and returns its session and password. */
  signUp(name?: string): Promise<{ email: string; password: string; session: Session }>;
  /** Creates the admin on first use (as the platform starter does) and signs in as it. */
  signInAdmin(): Promise<Session>;
  /** The secret the platform signs access tokens with (generated in its data dir). */
  jwtSecret(): Promise<string>;
}

export const ADMIN = { adminEmail: 'root@example.com', adminPassword: 'admin password for specs' } as const;

/** Starts the platform in beforeAll (after the database) and stops it in afterAll. */
export function useAccountsPlatform(db: TestDatabase, rateLimits: Partial<AuthRateLimitSettings> = {}): AccountsHarness {
  const clock = new ManualClock();
  let platform: TestPlatform | undefined;
  let dataDir = '';

  beforeAll(async () => {
    try {
      void db.dataSource;
    } catch {
      return; // PostgreSQL is missing: every spec is pending
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'pinksea-accounts-'));
    const config = { jwtSecret: '', dataDir, accessTokenTtlMs: ACCESS_TTL_MS, refreshTokenTtlMs: REFRESH_TTL_MS, sessionCheckIntervalMs: SESSION_CHECK_MS };
    platform = await startTestPlatform([
      createAccountsService({ dataSource: db.dataSource, config, clock: clock.clock, rateLimits: { ...WIDE_LIMITS, ...rateLimits } }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await platform?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const harness: AccountsHarness = {
    get url() {
      return platform!.url;
    },
    get platform() {
      return platform!;
    },
    clock,
    call: (method, route, options = {}) => request(platform!.url, method, route, options),
    async signUp(name = 'user') {
      const email = `${name}-${randomBytes(4).toString('hex')}@example.com`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const response = await harness.call<Session>('POST', '/auth/register', { body: { email, password, displayName: name } });
      if (response.status !== 201) throw new PinkseaError('test_sign_up_failed', `sign-up failed: ${response.status} ${JSON.stringify(response.body)}`, 'internal');
      return { email, password, session: response.body };
    },
    async signInAdmin() {
      await ensureAdmin({ dataSource: db.dataSource, config: ADMIN });
      const response = await harness.call<Session>('POST', '/auth/login', { body: { email: ADMIN.adminEmail, password: ADMIN.adminPassword } });
      if (response.status !== 200) throw new PinkseaError('test_sign_in_failed', `admin sign-in failed: ${response.status} ${JSON.stringify(response.body)}`, 'internal');
      return response.body;
    },
    jwtSecret: () => resolveJwtSecret({ jwtSecret: '', dataDir }),
  };
  return harness;
}
