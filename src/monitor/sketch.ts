/**
 * Compact numeric summaries of a training column: a quantile sketch that stands in for the
 * sample in KS and Wasserstein, and quantile bin edges for PSI and histograms.
 */
import { sortedWithoutNaN } from '../core/sort.js';

/** The finite values of `values`, sorted ascending (NaN = missing is dropped). */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  return finitePart(sortedWithoutNaN(values));
}

/** The finite part of an ascending array without NaN: the view without its −∞ and +∞ ends. */
export function finitePart(sorted: Float64Array): Float64Array {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi && sorted[lo] === Number.NEGATIVE_INFINITY) lo++;
  while (hi > lo && sorted[hi - 1] === Number.POSITIVE_INFINITY) hi--;
  return sorted.subarray(lo, hi);
}

/**
 * `size` equally weighted points whose empirical CDF is within 1/(2·size) of the sample's
 * everywhere (ties included): the inverted-CDF quantiles at the mid-probabilities (i + ½)/size.
 * A sample no larger than `size` is kept whole, so KS and Wasserstein are then exact.
 */
export function quantileSketch(sorted: Float64Array, size: number): Float64Array {
  const n = sorted.length;
  if (n <= size) return sorted.slice();
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const idx = Math.ceil(((i + 0.5) * n) / size) - 1;
    out[i] = sorted[Math.min(n - 1, Math.max(0, idx))];
  }
  return out;
}

/** Linear-interpolation quantile of a sorted sample (numpy's default method). */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Bin edges at the quantiles 1/bins … (bins−1)/bins of the sample, duplicates removed, with
 * −∞ and +∞ outside so every current value falls in some bin. Bins are [edge_i, edge_i+1).
 * An empty sample gives the single bin (−∞, +∞).
 */
export function quantileEdges(sorted: Float64Array, bins: number): Float64Array {
  const inner: number[] = [];
  if (sorted.length > 0) {
    for (let j = 1; j < bins; j++) {
      const q = quantileSorted(sorted, j / bins);
      if (q > sorted[0] && (inner.length === 0 || q > inner[inner.length - 1])) inner.push(q);
    }
  }
  return Float64Array.from([Number.NEGATIVE_INFINITY, ...inner, Number.POSITIVE_INFINITY]);
}

/** Index of the bin [edges[i], edges[i+1]) holding x (x finite, edges from quantileEdges). */
export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Counts of the finite values per bin. */
export function histogram(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  const counts = new Float64Array(edges.length - 1);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isFinite(x)) counts[binOf(edges, x)]++;
  }
  return counts;
}

/** Number of distinct values in a sorted sample. */
export function distinctCount(sorted: Float64Array): number {
  let k = sorted.length ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) k++;
  return k;
}

/**
 * Edges that give each distinct value v of a sorted sample its own bin [v, v⁺) (v⁺ the next
 * double up), with the gaps between values as bins of their own: the right histogram for a
 * discrete feature (flags, small counts). Quantile edges would merge values, and a value never
 * seen in training lands in an empty gap bin instead of passing for its neighbour.
 */
export function valueEdges(sorted: Float64Array): Float64Array {
  const edges = [Number.NEGATIVE_INFINITY];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) continue;
    const v = sorted[i];
    if (v > edges[edges.length - 1]) edges.push(v);
    edges.push(nextUp(v));
  }
  edges.push(Number.POSITIVE_INFINITY);
  return Float64Array.from(edges);
}

/** The next representable double above a finite x. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += x > 0 ? 1n : -1n;
  return f[0];
}
