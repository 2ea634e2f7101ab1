/**
 * A small seeded pseudo-random generator (mulberry32) for nodes that draw at random (numbers, prompts). Not for security:
 * it exists so that one seed always gives the same numbers, on every worker and after every
 * upgrade, and a saved workflow reproduces its results. Never change the sequence for a seed;
 * a different algorithm would be a new major version of the nodes that use it.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class SeededRandom {
  private state: number;

  /** Any safe integer seeds it; seeds beyond 32 bits fold their high bits in. */
  constructor(seed: number) {
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    this.state = (low ^ Math.imul(high, 0x9e3779b9)) >>> 0;
  }

  /** The next integer in 0 .. 2^32 - 1. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** The next number in [0, 1), with all 53 bits of a double's mantissa random. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /**
   * The next integer in low ..= high, every value equally likely (rejection sampling, no modulo
   * bias). Needs low <= high and at most 2^53 values in between; callers check that.
   */
  nextIntInclusive(low: number, high: number): number {
    const span = high - low + 1;
    if (span <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % span);
      let draw = this.nextUint32();
      while (draw >= limit) draw = this.nextUint32();
      return low + (draw % span);
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % span);
    let draw = this.next53();
    while (draw >= limit) draw = this.next53();
    return low + (draw % span);
  }

  private next53(): number {
    return (this.nextUint32() >>> 11) * TWO_POW_32 + this.nextUint32();
  }
}

/** Most values a random-integer range may span (inclusive ends): every integer exactly drawable. */
export const MAX_RANDOM_SPAN = TWO_POW_53;

/** The largest seed the random nodes take: seeds are unsigned 32-bit, as in InvokeAI. */
export const SEED_MAX = 4294967295;
