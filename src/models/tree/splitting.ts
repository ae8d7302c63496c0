/**
 * Best split of one node from its histogram (sklearn's `splitting.pyx`, LightGBM's
 * `feature_histogram.hpp`). The score of a child with sums G, H is G²/(H+λ); a split's gain is
 * left + right − parent. With gradients −w·y and hessians w (λ = 0) that is exactly the weighted
 * variance reduction of a regression tree, so boosting and forests share this code.
 *
 * Numeric features: every bin boundary, with missing values tried on both sides (and "missing vs
 * the rest" as a split of its own). Categorical features: categories sorted by G/(H + smooth) and
 * every prefix of that order tried from both ends (LightGBM / sklearn). Random mode (extra trees):
 * one random threshold per candidate feature.
 */
import type { Rng } from '../../core/random.js';
import type { BinMapper } from './binning.js';

export interface SplitConstraints {
  /** L2 regularisation λ on leaf values. */
  readonly l2: number;
  readonly minSamplesLeaf: number;
  /** Minimum hessian sum (sample weight) in each child. */
  readonly minHessian: number;
  /** A split must gain more than this. */
  readonly minGain: number;
}

/** Categories with fewer rows than this are not placed on the left by the sorted scan (sklearn). */
const MIN_CAT_SUPPORT = 10;
/** Smoothing of the G/H ratio that orders categories (sklearn uses MIN_CAT_SUPPORT too). */
const CAT_SMOOTH = 10;

/** A candidate split; one object per node (never per row). */
export class SplitInfo {
  gain = Number.NEGATIVE_INFINITY;
  feature = -1;
  /** Numeric: rows with bin ≤ bin go left. */
  bin = 0;
  missingLeft = false;
  isCategorical = false;
  /** Categorical: catLeft[b] = 1 when value bin b goes left (missing bin included). */
  readonly catLeft = new Uint8Array(256);
  gL = 0;
  hL = 0;
  nL = 0;
  gR = 0;
  hR = 0;
  nR = 0;

  get found(): boolean {
    return this.feature >= 0;
  }

  reset(): void {
    this.gain = Number.NEGATIVE_INFINITY;
    this.feature = -1;
  }

  /** `lut[b] = 1` for every bin of the split feature that goes left (used to partition rows). */
  goLeftTable(mapper: BinMapper, lut: Uint8Array): void {
    const nb = mapper.nBins[this.feature];
    if (this.isCategorical) {
      for (let b = 0; b <= nb; b++) lut[b] = this.catLeft[b];
      return;
    }
    // fill() is a memset: this runs once per split, thousands of times in a deep forest tree.
    lut.fill(1, 0, this.bin + 1);
    lut.fill(0, this.bin + 1, nb);
    lut[nb] = this.missingLeft ? 1 : 0;
  }
}

/** Leaf value with L2: −G/(H+λ) (a weighted mean of −g/h; 0 for an empty node). */
export function leafValue(g: number, h: number, l2: number): number {
  const d = h + l2;
  return d > 0 ? -g / d : 0;
}

/** A child's contribution to the split gain: G² / (H + λ). */
export function score(g: number, h: number, l2: number): number {
  const d = h + l2;
  return d > 0 ? (g * g) / d : 0;
}

/** Scratch reused across nodes by a split finder (sorted category order). */
export class SplitScratch {
  readonly catBins = new Int32Array(257);
  readonly catKey = new Float64Array(257);
}

/**
 * Find the best split of a node over the candidate features `features[0..nFeatures)`; writes it
 * into `out` (out.found is false when no split satisfies the constraints). `rng` set → random
 * (extra-trees) thresholds.
 */
export function findBestSplit(
  hist: Float64Array,
  mapper: BinMapper,
  features: Int32Array,
  nFeatures: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  out: SplitInfo,
  scratch: SplitScratch,
  rng: Rng | null,
): void {
  out.reset();
  const parent = score(G, H, c.l2);
  // Below this a "gain" is rounding noise (e.g. a constant target), not signal.
  const floor = Math.max(c.minGain, 1e-12 * Math.abs(parent));
  let best = floor;
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const nb = mapper.nBins[j];
    if (nb < 1) continue;
    const before = out.gain;
    if (mapper.isCategorical[j]) {
      if (rng) randomCategorical(hist, mapper, j, G, H, N, parent, c, best, out, rng);
      else bestCategorical(hist, mapper, j, G, H, N, parent, c, best, out, scratch);
    } else if (nb >= 1) {
      numericSplit(hist, mapper, j, G, H, N, parent, c, best, out, rng);
    }
    if (out.gain > before && out.found) best = out.gain;
  }
  if (out.found && !out.isCategorical && out.missingLeft === false) {
    // No missing values seen in this node: send future ones to the larger child.
    const m = 3 * (mapper.offsets[out.feature] + mapper.nBins[out.feature]);
    if (hist[m + 2] === 0) out.missingLeft = out.nL >= out.nR;
  }
}

function numericSplit(
  hist: Float64Array,
  mapper: BinMapper,
  j: number,
  G: number,
  H: number,
  N: number,
  parent: number,
  c: SplitConstraints,
  best: number,
  out: SplitInfo,
  rng: Rng | null,
): void {
  const nb = mapper.nBins[j];
  const lo = 3 * mapper.offsets[j];
  const miss = lo + 3 * nb;
  const gM = hist[miss];
  const hM = hist[miss + 1];
  const nM = hist[miss + 2];
  const l2 = c.l2;
  const msl = c.minSamplesLeaf;
  const mh = c.minHessian;
  let first = 0;
  let last = nb - 2;
  if (rng) {
    // Extra trees: one threshold drawn uniformly between the node's smallest and largest value.
    let bmin = -1;
    let bmax = -1;
    for (let b = 0; b < nb; b++) {
      if (hist[lo + 3 * b + 2] > 0) {
        if (bmin < 0) bmin = b;
        bmax = b;
      }
    }
    if (bmin < 0 || bmin === bmax) {
      if (bmin >= 0 && nM > 0)
        first = last = nb - 1; // only "missing vs rest" is left
      else return;
    } else {
      first = last = drawRandomBin(mapper, j, bmin, bmax, rng);
    }
  }
  let gL = 0;
  let hL = 0;
  let nL = 0;
  for (let b = 0; b <= last; b++) {
    const k = lo + 3 * b;
    gL += hist[k];
    hL += hist[k + 1];
    const cnt = hist[k + 2];
    nL += cnt;
    if (b < first) continue;
    let nR = N - nL;
    // Both children only shrink on the right from here on.
    if (nR < msl) break;
    // Missing go right.
    if (nL >= msl && nR >= msl) {
      const hR = H - hL;
      if (hL >= mh && hR >= mh) {
        const gR = G - gL;
        const gain = score(gL, hL, l2) + score(gR, hR, l2) - parent;
        if (gain > best) {
          best = gain;
          recordSplit(out, j, b, false, gain, gL, hL, nL, gR, hR, nR);
        }
      }
    }
    if (nM > 0 && b < nb - 1) {
      // Missing go left.
      const nL2 = nL + nM;
      nR = N - nL2;
      if (nL2 >= msl && nR >= msl) {
        const hL2 = hL + hM;
        const hR = H - hL2;
        if (hL2 >= mh && hR >= mh) {
          const gL2 = gL + gM;
          const gR = G - gL2;
          const gain = score(gL2, hL2, l2) + score(gR, hR, l2) - parent;
          if (gain > best) {
            best = gain;
            recordSplit(out, j, b, true, gain, gL2, hL2, nL2, gR, hR, nR);
          }
        }
      }
    }
  }
  // "All values left, missing right" — the b = nb-1 boundary, tried when missing values exist.
  if (nM > 0 && last < nb - 1 && !rng) {
    const nR = nM;
    const nL2 = N - nM;
    if (nL2 >= msl && nR >= msl && H - hM >= mh && hM >= mh) {
      const gain = score(G - gM, H - hM, l2) + score(gM, hM, l2) - parent;
      if (gain > best) recordSplit(out, j, nb - 1, false, gain, G - gM, H - hM, nL2, gM, hM, nR);
    }
  }
}

/** Store a numeric split into `out` (shared by the histogram and the small-node split finders). */
export function recordSplit(
  out: SplitInfo,
  j: number,
  b: number,
  missingLeft: boolean,
  gain: number,
  gL: number,
  hL: number,
  nL: number,
  gR: number,
  hR: number,
  nR: number,
): void {
  out.gain = gain;
  out.feature = j;
  out.bin = b;
  out.missingLeft = missingLeft;
  out.isCategorical = false;
  out.gL = gL;
  out.hL = hL;
  out.nL = nL;
  out.gR = gR;
  out.hR = hR;
  out.nR = nR;
}

function bestCategorical(
  hist: Float64Array,
  mapper: BinMapper,
  j: number,
  G: number,
  H: number,
  N: number,
  parent: number,
  c: SplitConstraints,
  best: number,
  out: SplitInfo,
  s: SplitScratch,
): void {
  const nb = mapper.nBins[j];
  const lo = 3 * mapper.offsets[j];
  // Candidate categories (the missing bin counts as one): enough support to estimate a ratio.
  let m = 0;
  for (let b = 0; b <= nb; b++) {
    const k = lo + 3 * b;
    if (hist[k + 2] >= MIN_CAT_SUPPORT) {
      s.catBins[m] = b;
      s.catKey[m] = hist[k] / (hist[k + 1] + CAT_SMOOTH);
      m++;
    }
  }
  if (m < 2 && !(m === 1 && hist[lo + 3 * s.catBins[0] + 2] < N)) return;
  // Insertion sort by ratio (m ≤ 257); ties by bin keep it deterministic.
  for (let a = 1; a < m; a++) {
    const kb = s.catBins[a];
    const kk = s.catKey[a];
    let i = a - 1;
    while (i >= 0 && (s.catKey[i] > kk || (s.catKey[i] === kk && s.catBins[i] > kb))) {
      s.catKey[i + 1] = s.catKey[i];
      s.catBins[i + 1] = s.catBins[i];
      i--;
    }
    s.catKey[i + 1] = kk;
    s.catBins[i + 1] = kb;
  }
  const l2 = c.l2;
  const maxK = Math.max(1, (m + 1) >> 1);
  let bestDir = 0;
  let bestK = 0;
  let bg = 0;
  let bh = 0;
  let bn = 0;
  for (let dir = 0; dir < 2; dir++) {
    let gL = 0;
    let hL = 0;
    let nL = 0;
    for (let t = 0; t < maxK; t++) {
      const b = s.catBins[dir === 0 ? t : m - 1 - t];
      const k = lo + 3 * b;
      gL += hist[k];
      hL += hist[k + 1];
      nL += hist[k + 2];
      const nR = N - nL;
      const hR = H - hL;
      if (nL < c.minSamplesLeaf || nR < c.minSamplesLeaf || hL < c.minHessian || hR < c.minHessian) continue;
      const gain = score(gL, hL, l2) + score(G - gL, hR, l2) - parent;
      if (gain > best) {
        best = gain;
        bestDir = dir;
        bestK = t + 1;
        bg = gL;
        bh = hL;
        bn = nL;
      }
    }
  }
  if (bestK === 0) return;
  out.catLeft.fill(0);
  for (let t = 0; t < bestK; t++) out.catLeft[s.catBins[bestDir === 0 ? t : m - 1 - t]] = 1;
  finishCategorical(out, hist, lo, nb, j, best, bg, bh, bn, G, H, N);
}

function finishCategorical(
  out: SplitInfo,
  hist: Float64Array,
  lo: number,
  nb: number,
  j: number,
  gain: number,
  gL: number,
  hL: number,
  nL: number,
  G: number,
  H: number,
  N: number,
): void {
  // Missing never seen here: future missing values follow the larger child.
  if (hist[lo + 3 * nb + 2] === 0) out.catLeft[nb] = nL >= N - nL ? 1 : 0;
  out.gain = gain;
  out.feature = j;
  out.bin = 0;
  out.missingLeft = out.catLeft[nb] === 1;
  out.isCategorical = true;
  out.gL = gL;
  out.hL = hL;
  out.nL = nL;
  out.gR = G - gL;
  out.hR = H - hL;
  out.nR = N - nL;
}

/** Extra-trees on a categorical feature: a random non-trivial subset of the present categories. */
function randomCategorical(
  hist: Float64Array,
  mapper: BinMapper,
  j: number,
  G: number,
  H: number,
  N: number,
  parent: number,
  c: SplitConstraints,
  best: number,
  out: SplitInfo,
  rng: Rng,
): void {
  const nb = mapper.nBins[j];
  const lo = 3 * mapper.offsets[j];
  let present = 0;
  for (let b = 0; b <= nb; b++) if (hist[lo + 3 * b + 2] > 0) present++;
  if (present < 2) return;
  const left = new Uint8Array(nb + 1);
  let gL = 0;
  let hL = 0;
  let nL = 0;
  let nLeftCats = 0;
  for (let b = 0; b <= nb; b++) {
    const k = lo + 3 * b;
    if (hist[k + 2] === 0) continue;
    if (rng.next() < 0.5) {
      left[b] = 1;
      nLeftCats++;
      gL += hist[k];
      hL += hist[k + 1];
      nL += hist[k + 2];
    }
  }
  if (nLeftCats === 0 || nLeftCats === present) return;
  const nR = N - nL;
  const hR = H - hL;
  if (nL < c.minSamplesLeaf || nR < c.minSamplesLeaf || hL < c.minHessian || hR < c.minHessian) return;
  const gain = score(gL, hL, c.l2) + score(G - gL, hR, c.l2) - parent;
  if (gain <= best) return;
  out.catLeft.fill(0);
  out.catLeft.set(left);
  finishCategorical(out, hist, lo, nb, j, gain, gL, hL, nL, G, H, N);
}

/**
 * Extra trees' split of feature j in a node whose values span bins bmin < bmax: a threshold u
 * drawn uniformly between the node's smallest and largest value, as the bin of the first edge
 * ≥ u (at most bmax − 1). Binary search over the sorted edges: a forest's small nodes would
 * otherwise scan up to 255 bins each.
 */
export function drawRandomBin(mapper: BinMapper, j: number, bmin: number, bmax: number, rng: Rng): number {
  const nb = mapper.nBins[j];
  const thr = mapper.thresholds[j];
  const a = bmin === 0 ? mapper.minValue[j] : thr[bmin - 1];
  const z = bmax === nb - 1 ? mapper.maxValue[j] : thr[bmax];
  const u = a + rng.next() * (z - a);
  let lo = bmin;
  let hi = bmax - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (thr[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
