/**
 * Per-tree randomness. Each tree draws from its own generator seeded by (model seed, tree index),
 * so a forest is byte-identical whatever the thread count or the order trees finish in.
 */
import type { Rng } from '../../core/random.js';

/** A well-mixed 32-bit seed for tree `t` of a model seeded with `seed` (murmur3 finaliser). */
export function treeSeed(seed: number, t: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(t + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** How many times each of `n` rows is drawn in `k` draws with replacement. */
export function bootstrapCounts(n: number, k: number, rng: Rng): Uint32Array {
  const counts = new Uint32Array(n);
  for (let i = 0; i < k; i++) counts[rng.int(n)]++;
  return counts;
}

/**
 * Indices of the rows with a non-zero count, ascending (the rows a tree is grown on), written to
 * `out[0..m)` (the grower's row index, in the histogram kernel's memory when it runs); returns m.
 */
export function inBagRowsInto(counts: Uint32Array, out: Uint32Array): number {
  let m = 0;
  for (let i = 0; i < counts.length; i++) {
    // Branch-free: write every row, advance past the drawn ones.
    out[m] = i;
    m += +(counts[i] > 0);
  }
  return m;
}
