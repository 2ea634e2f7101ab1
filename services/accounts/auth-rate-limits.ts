/**
 * Rate limits of the auth routes, per client IP and per account: password guessing is held back
 * both from one address against many accounts and from many addresses against one account.
 * Over a limit the caller gets RateLimitedError (HTTP 429 with Retry-After).
 */
import { RateLimitedError } from '../kernel/service-errors';
import { systemClock, type Clock } from './clock';
import { TokenBucketLimiter, type BucketSpec } from './rate-limiter';

export type LimitedRoute = 'login' | 'register' | 'refresh' | 'password';

export interface RouteLimits {
  readonly perIp: BucketSpec;
  readonly perAccount: BucketSpec;
}

export type AuthRateLimitSettings = Readonly<Record<LimitedRoute, RouteLimits>>;

const MINUTE = 60_000;

/**
 * Room for people who mistype a password or share an office NAT, little room for a script:
 * e.g. an account takes 10 login attempts at once, then one every 90 s.
 */
export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimitSettings = {
  login: { perIp: { capacity: 30, refillEveryMs: 10_000 }, perAccount: { capacity: 10, refillEveryMs: 90_000 } },
  register: { perIp: { capacity: 10, refillEveryMs: 6 * MINUTE }, perAccount: { capacity: 5, refillEveryMs: 6 * MINUTE } },
  refresh: { perIp: { capacity: 120, refillEveryMs: 1_000 }, perAccount: { capacity: 60, refillEveryMs: 5_000 } },
  password: { perIp: { capacity: 10, refillEveryMs: 3 * MINUTE }, perAccount: { capacity: 5, refillEveryMs: 3 * MINUTE } },
};

export class AuthRateLimits {
  private readonly limiters = new Map<string, TokenBucketLimiter>();

  constructor(settings: Partial<AuthRateLimitSettings> = {}, clock: Clock = systemClock) {
    const merged = { ...DEFAULT_AUTH_RATE_LIMITS, ...settings };
    for (const route of Object.keys(merged) as LimitedRoute[]) {
      this.limiters.set(`${route}:ip`, new TokenBucketLimiter(merged[route].perIp, clock));
      this.limiters.set(`${route}:account`, new TokenBucketLimiter(merged[route].perAccount, clock));
    }
  }

  /** Counts a request from this IP; an empty IP (in-cluster call) is not limited by address. */
  hitIp(route: LimitedRoute, ip: string | undefined): void {
    if (ip) this.take(`${route}:ip`, ip);
  }

  /** Counts a request against one account, named by its id or (before sign-in) its email. */
  hitAccount(route: LimitedRoute, account: string): void {
    this.take(`${route}:account`, account.toLowerCase());
  }

  private take(limiter: string, key: string): void {
    const result = this.limiters.get(limiter)!.take(key);
    if (!result.allowed) throw new RateLimitedError(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  }
}
