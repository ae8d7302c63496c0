/**
 * Per-node histograms: for every feature and bin, the sums of gradients, hessians and the row
 * count, interleaved as `[g, h, n]` triples in one Float64Array (feature j's bins start at
 * `3 * offsets[j]`). A split finder only needs these sums, never the rows.
 *
 * The subtraction trick (LightGBM, sklearn): a parent's histogram is the sum of its children's,
 * so only the smaller child is built from rows and the sibling is `parent - smaller`.
 */
import type { BinnedData } from './binning.js';

/**
 * Add rows `rows[start..end)` into `hist` (zeroed here) for the listed features. `og`/`oh` hold the
 * gradients/hessians already gathered in row order (`og[k]` belongs to `rows[start + k]`), so the
 * inner loop reads them sequentially. `oh === null` means a constant hessian `hConst`.
 */
export function buildHistogram(
  hist: Float64Array,
  data: BinnedData,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  rows: Uint32Array,
  start: number,
  end: number,
  og: Float64Array,
  oh: Float64Array | null,
  hConst: number,
): void {
  const n = data.nRows;
  const bins = data.bins;
  const cnt = end - start;
  const identity = start === 0 && cnt === n && isIdentity(rows, n);
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    hist.fill(0, 3 * offsets[j], 3 * offsets[j + 1]);
  }
  let f = 0;
  if (!identity && oh === null) {
    // Two features per pass over the rows: the row id and gradient are loaded once for both.
    for (; f + 3 < nFeatures; f += 4) {
      const j1 = features[f];
      const j2 = features[f + 1];
      const j3 = features[f + 2];
      const j4 = features[f + 3];
      accumulateQuadConst(
        hist,
        bins,
        j1 * n,
        j2 * n,
        j3 * n,
        j4 * n,
        3 * offsets[j1],
        3 * offsets[j2],
        3 * offsets[j3],
        3 * offsets[j4],
        rows,
        start,
        og,
        cnt,
      );
    }
    for (; f + 1 < nFeatures; f += 2) {
      const j1 = features[f];
      const j2 = features[f + 1];
      accumulatePairConst(hist, bins, j1 * n, j2 * n, 3 * offsets[j1], 3 * offsets[j2], rows, start, og, cnt);
    }
  }
  for (; f < nFeatures; f++) {
    const j = features[f];
    const lo = 3 * offsets[j];
    const col = j * n;
    if (identity) {
      const colBins = bins.subarray(col, col + n);
      if (oh === null) accumulateDenseConst(hist, colBins, lo, 3 * offsets[j + 1] - lo, og, cnt);
      else accumulateDense(hist, colBins, lo, og, oh, cnt);
    } else if (oh === null) {
      for (let k = 0; k < cnt; k++) {
        const b = lo + 3 * bins[col + rows[start + k]];
        hist[b] += og[k];
        hist[b + 2] += 1;
      }
    } else {
      for (let k = 0; k < cnt; k++) {
        const b = lo + 3 * bins[col + rows[start + k]];
        hist[b] += og[k];
        hist[b + 1] += oh[k];
        hist[b + 2] += 1;
      }
    }
  }
  if (oh === null) {
    // Constant hessian: H of a bin is its count × hConst.
    for (let q = 0; q < nFeatures; q++) {
      const j = features[q];
      const hi = 3 * offsets[j + 1];
      for (let b = 3 * offsets[j]; b < hi; b += 3) hist[b + 1] = hist[b + 2] * hConst;
    }
  }
}

function accumulateQuadConst(
  hist: Float64Array,
  bins: Uint8Array,
  c1: number,
  c2: number,
  c3: number,
  c4: number,
  lo1: number,
  lo2: number,
  lo3: number,
  lo4: number,
  rows: Uint32Array,
  start: number,
  og: Float64Array,
  cnt: number,
): void {
  for (let k = 0; k < cnt; k++) {
    const r = rows[start + k];
    const g = og[k];
    const b1 = lo1 + 3 * bins[c1 + r];
    const b2 = lo2 + 3 * bins[c2 + r];
    const b3 = lo3 + 3 * bins[c3 + r];
    const b4 = lo4 + 3 * bins[c4 + r];
    hist[b1] += g;
    hist[b1 + 2] += 1;
    hist[b2] += g;
    hist[b2 + 2] += 1;
    hist[b3] += g;
    hist[b3 + 2] += 1;
    hist[b4] += g;
    hist[b4 + 2] += 1;
  }
}

function accumulatePairConst(
  hist: Float64Array,
  bins: Uint8Array,
  col1: number,
  col2: number,
  lo1: number,
  lo2: number,
  rows: Uint32Array,
  start: number,
  og: Float64Array,
  cnt: number,
): void {
  for (let k = 0; k < cnt; k++) {
    const r = rows[start + k];
    const g = og[k];
    const b1 = lo1 + 3 * bins[col1 + r];
    const b2 = lo2 + 3 * bins[col2 + r];
    hist[b1] += g;
    hist[b1 + 2] += 1;
    hist[b2] += g;
    hist[b2 + 2] += 1;
  }
}

/**
 * Scratch for two interleaved partial histograms of one feature. Neighbouring rows often fall in
 * the same bin (data sorted by some column), and `hist[b] += g` on the same slot back to back
 * serialises on the store→load latency; alternating two copies halves that chain.
 */
const pairScratch = new Float64Array(2 * 3 * 257);

function accumulateDenseConst(
  hist: Float64Array,
  colBins: Uint8Array,
  lo: number,
  size: number,
  og: Float64Array,
  cnt: number,
): void {
  const a = pairScratch;
  const width = 3 * 257;
  a.fill(0, 0, size);
  a.fill(0, width, width + size);
  let k = 0;
  for (; k + 1 < cnt; k += 2) {
    const b0 = 3 * colBins[k];
    const b1 = width + 3 * colBins[k + 1];
    a[b0] += og[k];
    a[b0 + 2] += 1;
    a[b1] += og[k + 1];
    a[b1 + 2] += 1;
  }
  if (k < cnt) {
    const b0 = 3 * colBins[k];
    a[b0] += og[k];
    a[b0 + 2] += 1;
  }
  for (let b = 0; b < size; b += 3) {
    hist[lo + b] += a[b] + a[width + b];
    hist[lo + b + 2] += a[b + 2] + a[width + b + 2];
  }
}

function accumulateDense(
  hist: Float64Array,
  colBins: Uint8Array,
  lo: number,
  og: Float64Array,
  oh: Float64Array,
  cnt: number,
) {
  for (let k = 0; k < cnt; k++) {
    const b = lo + 3 * colBins[k];
    hist[b] += og[k];
    hist[b + 1] += oh[k];
    hist[b + 2] += 1;
  }
}

/** True when rows[0..n) is 0, 1, ..., n-1. */
export function isIdentity(rows: Uint32Array, n: number): boolean {
  // Cheap check at the ends first; the full scan only runs for the root node.
  if (rows[0] !== 0 || rows[n - 1] !== n - 1) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}

/** `out = parent - child`, element-wise over the listed features (the sibling's histogram). */
export function subtractHistogram(
  out: Float64Array,
  parent: Float64Array,
  child: Float64Array,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
): void {
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const hi = 3 * offsets[j + 1];
    for (let b = 3 * offsets[j]; b < hi; b++) out[b] = parent[b] - child[b];
  }
}

/** Gather per-row values into node order: `out[k] = src[rows[start + k]]`. */
export function gatherOrdered(
  out: Float64Array,
  src: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
) {
  for (let k = 0, i = start; i < end; k++, i++) out[k] = src[rows[i]];
}

/** Row count of every bin over all rows: `counts[3 * (offsets[j] + b) + 2]` (other slots 0). */
export function allRowCounts(data: BinnedData, offsets: Int32Array): Float64Array {
  const n = data.nRows;
  const counts = new Float64Array(3 * offsets[data.nFeatures]);
  for (let j = 0; j < data.nFeatures; j++) {
    const lo = 3 * offsets[j];
    const col = j * n;
    for (let i = 0; i < n; i++) counts[lo + 3 * data.bins[col + i] + 2] += 1;
  }
  return counts;
}

/**
 * Root histogram over all rows in their natural order. Bin counts never change between trees, so
 * they come from `counts` (see allRowCounts) and only gradients (and hessians) are summed: one
 * read-modify-write per row and feature instead of two. `g`/`h` are indexed by row directly.
 */
export function buildRootHistogram(
  hist: Float64Array,
  data: BinnedData,
  offsets: Int32Array,
  features: Int32Array,
  nFeatures: number,
  g: Float64Array,
  h: Float64Array | null,
  hConst: number,
  counts: Float64Array,
): void {
  const n = data.nRows;
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const lo = 3 * offsets[j];
    const hi = 3 * offsets[j + 1];
    hist.fill(0, lo, hi);
    const colBins = data.bins.subarray(j * n, j * n + n);
    if (h === null) accumulateRootG(hist, colBins, lo, hi - lo, g, n);
    else {
      for (let i = 0; i < n; i++) {
        const b = lo + 3 * colBins[i];
        hist[b] += g[i];
        hist[b + 1] += h[i];
      }
    }
    for (let b = lo; b < hi; b += 3) {
      hist[b + 2] = counts[b + 2];
      if (h === null) hist[b + 1] = counts[b + 2] * hConst;
    }
  }
}

/** Gradient sums of one column, alternating two partial histograms (see pairScratch). */
function accumulateRootG(
  hist: Float64Array,
  colBins: Uint8Array,
  lo: number,
  size: number,
  g: Float64Array,
  n: number,
) {
  const a = pairScratch;
  const width = 3 * 257;
  a.fill(0, 0, size);
  a.fill(0, width, width + size);
  let i = 0;
  for (; i + 1 < n; i += 2) {
    a[3 * colBins[i]] += g[i];
    a[width + 3 * colBins[i + 1]] += g[i + 1];
  }
  if (i < n) a[3 * colBins[i]] += g[i];
  for (let b = 0; b < size; b += 3) hist[lo + b] += a[b] + a[width + b];
}
