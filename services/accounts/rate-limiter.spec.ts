import { RateLimitedError } from '../kernel/service-errors';
import { AuthRateLimits, DEFAULT_AUTH_RATE_LIMITS } from './auth-rate-limits';
import { ManualClock } from './accounts-testing';
import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  it('lets a burst up to the capacity through, then refuses with the time until the next token', () => {
    const clock = new ManualClock();
    const limiter = new TokenBucketLimiter({ capacity: 3, refillEveryMs: 1000 }, clock.clock);
    expect([1, 2, 3].map(() => limiter.take('ip-a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('ip-a')).toEqual({ allowed: false, retryAfterMs: 1000 });
    clock.advance(400);
    expect(limiter.take('ip-a')).toEqual({ allowed: false, retryAfterMs: 600 });
  });

  it('refills one token per interval, never above the capacity', () => {
    const clock = new ManualClock();
    const limiter = new TokenBucketLimiter({ capacity: 2, refillEveryMs: 1000 }, clock.clock);
    limiter.take('k');
    limiter.take('k');
    clock.advance(1000);
    expect(limiter.take('k').allowed).toBeTrue();
    expect(limiter.take('k').allowed).toBeFalse();
    clock.advance(60_000);
    expect(limiter.take('k')).toEqual({ allowed: true, remaining: 1 });
    expect(limiter.take('k').allowed).toBeTrue();
    expect(limiter.take('k').allowed).toBeFalse();
  });

  it('keeps one bucket per key', () => {
    const limiter = new TokenBucketLimiter({ capacity: 1, refillEveryMs: 1000 }, new ManualClock().clock);
    expect(limiter.take('a').allowed).toBeTrue();
    expect(limiter.take('a').allowed).toBeFalse();
    expect(limiter.take('b').allowed).toBeTrue();
  });

  it('does not drain a bucket when the clock steps back', () => {
    const clock = new ManualClock();
    const limiter = new TokenBucketLimiter({ capacity: 2, refillEveryMs: 1000 }, clock.clock);
    limiter.take('k');
    clock.advance(-5000);
    expect(limiter.take('k').allowed).toBeTrue();
  });

  it('forgets full buckets once it holds many keys, so memory stays bounded', () => {
    const clock = new ManualClock();
    const limiter = new TokenBucketLimiter({ capacity: 1, refillEveryMs: 10 }, clock.clock);
    for (let i = 0; i < 10_000; i += 1) limiter.take(`ip-${i}`);
    clock.advance(1000);
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });

  it('rejects a bucket that could never allow anything', () => {
    expect(() => new TokenBucketLimiter({ capacity: 0, refillEveryMs: 1000 })).toThrowError(RangeError);
  });
});

describe('AuthRateLimits', () => {
  const narrow = { perIp: { capacity: 2, refillEveryMs: 30_000 }, perAccount: { capacity: 1, refillEveryMs: 90_000 } };

  it('limits per IP across accounts and throws RateLimitedError with whole seconds to wait', () => {
    const limits = new AuthRateLimits({ login: narrow }, new ManualClock().clock);
    limits.hitIp('login', '10.0.0.1');
    limits.hitIp('login', '10.0.0.1');
    let thrown: unknown;
    try {
      limits.hitIp('login', '10.0.0.1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toEqual(jasmine.any(RateLimitedError));
    expect((thrown as RateLimitedError).retryAfterSeconds).toBe(30);
    expect(() => limits.hitIp('login', '10.0.0.2')).not.toThrow();
  });

  it('limits per account across IPs, case-insensitively, and each route on its own', () => {
    const clock = new ManualClock();
    const limits = new AuthRateLimits({ login: narrow, register: narrow }, clock.clock);
    limits.hitAccount('login', 'Ada@example.com');
    expect(() => limits.hitAccount('login', 'ada@EXAMPLE.com')).toThrowError(RateLimitedError, /try again in 90 s/);
    expect(() => limits.hitAccount('register', 'ada@example.com')).not.toThrow();
    clock.advance(90_000);
    expect(() => limits.hitAccount('login', 'ada@example.com')).not.toThrow();
  });

  it('does not limit in-cluster calls that carry no IP', () => {
    const limits = new AuthRateLimits({ login: narrow }, new ManualClock().clock);
    for (let i = 0; i < 5; i += 1) expect(() => limits.hitIp('login', undefined)).not.toThrow();
  });

  it('defaults allow a short burst of logins per account but not a guessing run', () => {
    const limits = new AuthRateLimits({}, new ManualClock().clock);
    const capacity = DEFAULT_AUTH_RATE_LIMITS.login.perAccount.capacity;
    for (let i = 0; i < capacity; i += 1) limits.hitAccount('login', 'ada@example.com');
    expect(() => limits.hitAccount('login', 'ada@example.com')).toThrowError(RateLimitedError);
  });
});
