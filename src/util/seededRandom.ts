/**
 * A small seeded PRNG (mulberry32): fault scenarios, generated benchmark corpora and fuzz runs
 * replay exactly with the same seed.
 */

/** A function returning numbers in [0, 1). */
export type Random = () => number;

/** A deterministic random source for `seed` (any 32-bit integer). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
