/**
 * A token-bucket rate limiter kept in memory: each key (an IP, a user) has a bucket of
 * `capacity` tokens that refills one token every `refillEveryMs`; a request takes one. Bursts up
 * to the capacity pass, a steady stream is held to the refill rate.
 *
 * Buckets live in this process, so in a cluster each api process limits on its own; that still
 * bounds guessing per process, which is what auth routes need.
 */
import { systemClock, type Clock } from './clock';

export interface BucketSpec {
  /** Requests allowed in one burst. */
  readonly capacity: number;
  /** One request's worth of allowance comes back every this many ms. */
  readonly refillEveryMs: number;
}

export type TakeResult = { readonly allowed: true; readonly remaining: number } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Past this many keys, full buckets are dropped (a full bucket is the same as no bucket). */
const SWEEP_AT = 10_000;

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly spec: BucketSpec,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(spec.capacity >= 1) || !(spec.refillEveryMs > 0)) {
      throw new RangeError(`A token bucket needs capacity ≥ 1 and refillEveryMs > 0, got ${JSON.stringify(spec)}`);
    }
  }

  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  take(key: string): TakeResult {
    const now = this.clock();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.set(key, bucket);
      if (this.buckets.size > SWEEP_AT) this.sweep(now);
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    this.buckets.set(key, bucket);
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) * this.spec.refillEveryMs) };
  }

  /** How many keys hold a bucket that is not full (for specs and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.spec.capacity, updatedAt: now };
    // A clock that steps back (NTP) must not drain a bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return { tokens: Math.min(this.spec.capacity, bucket.tokens + elapsed / this.spec.refillEveryMs), updatedAt: now };
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) / this.spec.refillEveryMs >= this.spec.capacity) this.buckets.delete(key);
    }
  }
}
