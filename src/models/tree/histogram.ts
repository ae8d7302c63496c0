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
    const lo = 3 * offsets[j];
    const hi = 3 * offsets[j + 1];
    hist.fill(0, lo, hi);
    const col = j * n;
    if (identity) {
      const colBins = bins.subarray(col, col + n);
      if (oh === null) accumulateDenseConst(hist, colBins, lo, og, cnt);
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
    if (oh === null) for (let b = lo; b < hi; b += 3) hist[b + 1] = hist[b + 2] * hConst;
  }
}

function accumulateDenseConst(
  hist: Float64Array,
  colBins: Uint8Array,
  lo: number,
  og: Float64Array,
  cnt: number,
) {
  for (let k = 0; k < cnt; k++) {
    const b = lo + 3 * colBins[k];
    hist[b] += og[k];
    hist[b + 2] += 1;
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

function isIdentity(rows: Uint32Array, n: number): boolean {
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
