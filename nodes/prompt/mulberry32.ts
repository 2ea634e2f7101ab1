/**
 * Mulberry32: a tiny, fast 32-bit PRNG. Not for secrets; chosen because one seed gives the same
 * sequence on every machine and Node version, so a saved workflow re-run with its seed picks the
 * same prompts. Changing this function changes what old seeds produce: don't, without a new node version.
 */
export type Random = () => number;

/** A generator of floats in [0, 1) from a seed; only the low 32 bits of the seed count. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n), for n >= 1. */
export function randomIndex(random: Random, n: number): number {
  return Math.floor(random() * n);
}
