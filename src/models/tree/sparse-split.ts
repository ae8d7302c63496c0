/**
 * Best split of a small node straight from its rows, without a histogram. A dense histogram costs
 * O(total bins) per node to clear, subtract and scan — fine for boosting's 31 leaves, but a fully
 * grown forest tree has tens of thousands of nodes with a handful of rows each, where that scan
 * dominates. Here only the bins present in the node are touched (O(rows · features)).
 *
 * The result is identical to `findBestSplit` on the node's dense histogram — same candidates in
 * the same order, same sums in the same order, same random draws — so a grower may pick either
 * path per node without changing the tree.
 */
import type { Rng } from '../../core/random.js';
import type { BinMapper, BinnedData } from './binning.js';
import type { SparseCollectKernel } from './sparse-kernel.js';
import { drawRandomBin, recordSplit, type SplitConstraints, type SplitInfo, score } from './splitting.js';

const MIN_CAT_SUPPORT = 10;
const CAT_SMOOTH = 10;

/**
 * Per-grower scratch: per-bin accumulators (kept zeroed between uses) and the present-bin list.
 * With a `kernel` (sparse-kernel.ts), the present bins are collected in WebAssembly and the list
 * is the kernel's memory.
 */
export class SparseScratch {
  readonly accG = new Float64Array(257);
  readonly accH = new Float64Array(257);
  readonly accN = new Float64Array(257);
  /** Present bins of the current feature, ascending, with their sums. */
  readonly pb: Int32Array;
  /** Bitmap of the bins seen in the current feature (9 words cover 257 bins). */
  readonly seen = new Int32Array(9);
  readonly pg: Float64Array;
  readonly ph: Float64Array;
  readonly pn: Float64Array;
  m = 0;
  readonly kernel: SparseCollectKernel | null;
  /** The current node is loaded in the kernel (it fits its buffers). */
  inKernel = false;
  /** Missing rows of the feature `kernelNumeric` last improved the best split with. */
  nM = 0;

  constructor(kernel: SparseCollectKernel | null = null) {
    this.kernel = kernel;
    this.pb = kernel ? kernel.pb : new Int32Array(257);
    this.pg = kernel ? kernel.pg : new Float64Array(257);
    this.ph = kernel ? kernel.ph : new Float64Array(257);
    this.pn = kernel ? kernel.pn : new Float64Array(257);
  }
  readonly catBins = new Int32Array(257);
  readonly catKey = new Float64Array(257);
  readonly catIdx = new Int32Array(257);
  /** Random categorical split: the categories drawn to the left. */
  readonly catTmp = new Uint8Array(257);
  /**
   * The node being split, set by findBestSplitSparse: rows[start..start+cnt) with gradients `og`
   * and hessians `oh` (or the constant `hConst`) in node order.
   */
  rows: Uint32Array = new Uint32Array(0);
  start = 0;
  cnt = 0;
  og: Float64Array = new Float64Array(0);
  oh: Float64Array | null = null;
  hConst = 0;
}

/**
 * Collect the present bins of the feature at `col` over the node's rows into scratch (pb/pg/ph/pn,
 * ascending), summing in row order exactly as `buildHistogram` does.
 */
function collect(s: SparseScratch, bins: Uint8Array, col: number): void {
  if (s.inKernel) {
    s.m = (s.kernel as SparseCollectKernel).collect(col, s.cnt, s.oh !== null);
    return;
  }
  const { accG, accH, accN, pb, seen, rows, start, cnt, og, oh } = s;
  // `words`: which 32-bin words of the bitmap are in use (bit w), so extraction skips the rest.
  let words = 0;
  if (oh === null) {
    for (let k = 0; k < cnt; k++) {
      const b = bins[col + rows[start + k]];
      const w = b >>> 5;
      seen[w] |= 1 << (b & 31);
      words |= 1 << w;
      accG[b] += og[k];
      accN[b] += 1;
    }
  } else {
    for (let k = 0; k < cnt; k++) {
      const b = bins[col + rows[start + k]];
      const w = b >>> 5;
      seen[w] |= 1 << (b & 31);
      words |= 1 << w;
      accG[b] += og[k];
      accH[b] += oh[k];
      accN[b] += 1;
    }
  }
  // Present bins in ascending order from the bitmap: O(words + bins present), no sort.
  let m = 0;
  while (words !== 0) {
    const lowWord = words & -words;
    const w = 31 - Math.clz32(lowWord);
    words ^= lowWord;
    let word = seen[w];
    seen[w] = 0;
    while (word !== 0) {
      const low = word & -word;
      pb[m++] = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
    }
  }
  for (let i = 0; i < m; i++) {
    const b = pb[i];
    s.pg[i] = accG[b];
    s.ph[i] = accH[b];
    s.pn[i] = accN[b];
    accG[b] = 0;
    accH[b] = 0;
    accN[b] = 0;
  }
  s.m = m;
}

/**
 * Same contract as `findBestSplit`, for the node holding rows[start..end) with gradients `og`
 * (and hessians `oh`, or the constant `hConst`) gathered in node order. `constant` (optional, per
 * feature): features marked 1 are skipped, and features found constant in this node get marked —
 * a feature constant in a node is constant in its whole subtree (sklearn's constant-feature
 * tracking), so a grower passes a parent's marks down to its children.
 */
export function findBestSplitSparse(
  data: BinnedData,
  mapper: BinMapper,
  rows: Uint32Array,
  start: number,
  end: number,
  og: Float64Array,
  oh: Float64Array | null,
  hConst: number,
  features: Int32Array,
  nFeatures: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  out: SplitInfo,
  s: SparseScratch,
  rng: Rng | null,
  constant: Uint8Array | null = null,
): void {
  out.reset();
  const parent = score(G, H, c.l2);
  const floor = Math.max(c.minGain, 1e-12 * Math.abs(parent));
  let best = floor;
  const n = data.nRows;
  const cnt = end - start;
  let bestNM = 0;
  const bins = data.bins;
  // Two rows (the most common inner node of a fully grown tree): a numeric feature without
  // missing values splits them iff their bins differ, with the lower row on the left.
  const pair = cnt === 2 && !rng && c.minSamplesLeaf <= 1;
  s.rows = rows;
  s.start = start;
  s.cnt = cnt;
  s.og = og;
  s.oh = oh;
  s.hConst = hConst;
  s.inKernel = loadKernel(s, G, H, N, c, parent);
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const nb = mapper.nBins[j];
    if (nb < 1) continue;
    // Constant in an ancestor, so constant here: no split (and, as the finders, no random draw).
    if (constant !== null && constant[j] === 1) continue;
    const isCat = mapper.isCategorical[j] === 1;
    // Best categorical splits only consider categories with MIN_CAT_SUPPORT rows.
    if (isCat && !rng && N < MIN_CAT_SUPPORT) continue;
    if (pair && !isCat) {
      const before = out.gain;
      const r = pairSplit(s, bins, j * n, nb, j, G, H, c, parent, best, out);
      if (r === PAIR_CONSTANT && constant !== null) constant[j] = 1;
      if (r === PAIR_DECIDED && out.gain > before && out.found) {
        best = out.gain;
        bestNM = 0;
      }
      if (r !== PAIR_GENERAL) continue;
    }
    if (rng && !isCat) {
      const before = out.gain;
      const nM = randomNumeric(s, bins, j * n, mapper, j, G, H, N, c, parent, best, out, rng);
      if (nM < 0) {
        if (constant !== null) constant[j] = 1;
        continue;
      }
      if (out.gain > before && out.found) {
        best = out.gain;
        bestNM = nM;
      }
      continue;
    }
    if (s.inKernel && !isCat && !rng) {
      const was = best;
      best = kernelNumeric(s, mapper, j, nb, j * n, G, H, N, c, parent, best, out, constant);
      if (best !== was) bestNM = s.nM;
      continue;
    }
    collect(s, bins, j * n);
    if (s.m === 1) {
      // One bin (value or missing) for every row: no finder splits it, here or below.
      if (constant !== null) constant[j] = 1;
      continue;
    }
    if (oh === null) for (let i = 0; i < s.m; i++) s.ph[i] = s.pn[i] * hConst;
    const before = out.gain;
    const m = s.m;
    const nM = s.pb[m - 1] === nb ? s.pn[m - 1] : 0;
    if (isCat) {
      if (rng) randomCategorical(s, nb, j, G, H, N, c, parent, best, out, rng);
      else bestCategorical(s, nb, j, G, H, N, c, parent, best, out);
    } else numericSplit(s, mapper, j, G, H, N, c, parent, best, out, rng);
    if (out.gain > before && out.found) {
      best = out.gain;
      bestNM = nM;
    }
  }
  if (out.found && !out.isCategorical && out.missingLeft === false && bestNM === 0) {
    out.missingLeft = out.nL >= out.nR;
  }
}

/**
 * Load the node set in `s` into its kernel when there is one and the node fits (two-row nodes
 * take the pair shortcut instead); returns whether it was loaded.
 */
function loadKernel(s: SparseScratch, G: number, H: number, N: number, c: SplitConstraints, parent: number) {
  const k = s.kernel;
  if (k === null || s.cnt > k.capacity || s.cnt <= 2) return false;
  k.load(s.rows, s.start, s.cnt, s.og, s.oh);
  k.setNode(G, H, N, c.l2, c.minSamplesLeaf, c.minHessian, parent, s.hConst);
  return true;
}

/**
 * A numeric feature of a node loaded in the kernel: collected and, without missing values,
 * scanned in WebAssembly (the same candidates and sums); with missing values, scanned here.
 * Returns the best gain so far; when it improved, `s.nM` holds the feature's missing-row count.
 */
function kernelNumeric(
  s: SparseScratch,
  mapper: BinMapper,
  j: number,
  nb: number,
  col: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
  constant: Uint8Array | null,
): number {
  const kern = s.kernel as SparseCollectKernel;
  const r = kern.collectScan(col, s.cnt, s.oh !== null, nb, best);
  s.m = kern.res[0];
  s.nM = 0;
  if (r === -3 && constant !== null) constant[j] = 1;
  if (r >= 0) return recordScan(s, out, j, r, G, H, N);
  if (r !== -2) return best;
  const before = out.gain;
  numericSplit(s, mapper, j, G, H, N, c, parent, best, out, null);
  if (!(out.gain > before && out.found)) return best;
  s.nM = s.pn[s.m - 1];
  return out.gain;
}

/** Record the kernel's best present-bin split (index `r` in pb); returns its gain. */
function recordScan(s: SparseScratch, out: SplitInfo, j: number, r: number, G: number, H: number, N: number) {
  const q = (s.kernel as SparseCollectKernel).res;
  recordSplit(out, j, s.pb[r], false, q[1], q[2], q[3], q[4], G - q[2], H - q[3], N - q[4]);
  return q[1];
}

/** What {@link pairSplit} found for a feature. */
const PAIR_CONSTANT = 0;
const PAIR_DECIDED = 1;
/** A row's value is missing: the general path decides. */
const PAIR_GENERAL = 2;

/**
 * A node of two rows, a numeric feature: they split iff their bins differ, with the lower row on
 * the left; the split is recorded in `out` when it beats `best`.
 */
function pairSplit(
  s: SparseScratch,
  bins: Uint8Array,
  col: number,
  nb: number,
  j: number,
  G: number,
  H: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
): number {
  const { rows, start, og, oh, hConst } = s;
  const b0 = bins[col + rows[start]];
  const b1 = bins[col + rows[start + 1]];
  if (b0 === b1) return PAIR_CONSTANT;
  if (b0 === nb || b1 === nb) return PAIR_GENERAL;
  const lo = b0 < b1 ? 0 : 1;
  // `0 +` as the general path's sums (turns a -0 into +0 the same way).
  const gL = 0 + og[lo];
  const hL = 0 + (oh === null ? hConst : oh[lo]);
  const gR = G - gL;
  const hR = H - hL;
  if (hL >= c.minHessian && hR >= c.minHessian) {
    const gain = score(gL, hL, c.l2) + score(gR, hR, c.l2) - parent;
    if (gain > best) recordSplit(out, j, Math.min(b0, b1), false, gain, gL, hL, 1, gR, hR, 1);
  }
  return PAIR_DECIDED;
}

function numericSplit(
  s: SparseScratch,
  mapper: BinMapper,
  j: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
  rng: Rng | null,
): void {
  const nb = mapper.nBins[j];
  const { pb, pg, ph, pn } = s;
  // The missing bin (the last, nb) is kept apart: its rows go left or right as a block.
  let m = s.m;
  let gM = 0;
  let hM = 0;
  let nM = 0;
  if (m > 0 && pb[m - 1] === nb) {
    m--;
    gM = pg[m];
    hM = ph[m];
    nM = pn[m];
  }
  if (nM === 0 && !rng) {
    presentBinsSplit(s, m, j, G, H, N, c, parent, best, out);
    return;
  }
  let first = 0;
  let last = nb - 2;
  if (rng) {
    const bmin = m > 0 ? pb[0] : -1;
    const bmax = m > 0 ? pb[m - 1] : -1;
    if (bmin < 0 || bmin === bmax) {
      if (bmin >= 0 && nM > 0) first = last = nb - 1;
      else return;
    } else {
      first = last = drawRandomBin(mapper, j, bmin, bmax, rng);
    }
  }
  best = candidateRangeSplit(s, m, j, nb, first, last, gM, hM, nM, G, H, N, c, parent, best, out);
  if (nM > 0 && last < nb - 1 && !rng) {
    const nR = nM;
    const nL2 = N - nM;
    const { l2, minSamplesLeaf: msl, minHessian: mh } = c;
    if (nL2 >= msl && nR >= msl && H - hM >= mh && hM >= mh) {
      // Every present bin left, the missing rows alone on the right.
      const gain = score(G - gM, H - hM, l2) + score(gM, hM, l2) - parent;
      if (gain > best) recordSplit(out, j, nb - 1, false, gain, G - gM, H - hM, nL2, gM, hM, nR);
    }
  }
}

/**
 * The common case, no missing values in the node: the candidates are the present bins but the last
 * (splitting after the last leaves the right side empty). Same sums, same order as
 * candidateRangeSplit.
 */
function presentBinsSplit(
  s: SparseScratch,
  m: number,
  j: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
): void {
  const { pb, pg, ph, pn } = s;
  const { l2, minSamplesLeaf: msl, minHessian: mh } = c;
  let gL = 0;
  let hL = 0;
  let nL = 0;
  for (let i = 0; i < m - 1; i++) {
    gL += pg[i];
    hL += ph[i];
    nL += pn[i];
    if (nL < msl) continue;
    const nR = N - nL;
    if (nR < msl) break;
    const hR = H - hL;
    if (hL < mh || hR < mh) continue;
    const gR = G - gL;
    const gain = score(gL, hL, l2) + score(gR, hR, l2) - parent;
    if (gain > best) {
      best = gain;
      recordSplit(out, j, pb[i], false, gain, gL, hL, nL, gR, hR, nR);
    }
  }
}

/**
 * Candidates in bins [first, last] with the missing rows (sums gM/hM/nM) tried on either side;
 * returns the best gain so far. Dense scan semantics: a candidate at bin b sees the sums of all bins
 * ≤ b; between present bins the sums do not change, and the first bin of a run wins ties. So
 * candidates are: bin `first` (sums of bins ≤ first) and each present bin in (first, last].
 */
function candidateRangeSplit(
  s: SparseScratch,
  m: number,
  j: number,
  nb: number,
  first: number,
  last: number,
  gM: number,
  hM: number,
  nM: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
): number {
  const { pb, pg, ph, pn } = s;
  const { l2, minSamplesLeaf: msl, minHessian: mh } = c;
  let gL = 0;
  let hL = 0;
  let nL = 0;
  let i = 0;
  while (i < m && pb[i] <= first) {
    gL += pg[i];
    hL += ph[i];
    nL += pn[i];
    i++;
  }
  for (let b = first; b <= last; ) {
    // Missing go right.
    let nR = N - nL;
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
    if (i >= m || pb[i] > last) break;
    b = pb[i];
    gL += pg[i];
    hL += ph[i];
    nL += pn[i];
    i++;
  }
  return best;
}

/**
 * Extra-trees split of a numeric feature straight from the rows: one pass for the node's bin range
 * (the same draw as the histogram finder), one for the sums left of the threshold. The sums are
 * added in row order, so they can differ from the histogram's in the last bits. Returns the
 * number of rows with a missing value, or -1 when the feature is constant in the node.
 */
function randomNumeric(
  s: SparseScratch,
  bins: Uint8Array,
  col: number,
  mapper: BinMapper,
  j: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
  rng: Rng,
): number {
  const { rows, start, cnt, og, oh, hConst } = s;
  const nb = mapper.nBins[j];
  let bmin = 256;
  let bmax = -1;
  let nM = 0;
  for (let k = 0; k < cnt; k++) {
    const b = bins[col + rows[start + k]];
    if (b === nb) nM++;
    else {
      if (b < bmin) bmin = b;
      if (b > bmax) bmax = b;
    }
  }
  // A single bin for every row: constant in this node (-1 tells the caller; no draw was made).
  if ((bmax < 0 && nM === cnt) || (bmin === bmax && nM === 0)) return -1;
  let t: number;
  if (bmax < 0 || bmin === bmax) {
    if (bmax >= 0 && nM > 0)
      t = nb - 1; // only "missing vs the rest" is left
    else return nM;
  } else {
    t = drawRandomBin(mapper, j, bmin, bmax, rng);
  }
  let gL = 0;
  let hL = 0;
  let nL = 0;
  let gM = 0;
  let hM = 0;
  // Branch-free: which side a row falls on is unpredictable. left = (b ≤ t); missing bins are > t.
  for (let k = 0; k < cnt; k++) {
    const b = bins[col + rows[start + k]];
    const g = og[k];
    const h = oh === null ? hConst : oh[k];
    const left = ((t - b) >>> 31) ^ 1;
    const miss = nM > 0 && b === nb ? 1 : 0;
    gL += left * g;
    hL += left * h;
    nL += left;
    gM += miss * g;
    hM += miss * h;
  }
  const l2 = c.l2;
  const msl = c.minSamplesLeaf;
  const mh = c.minHessian;
  let nR = N - nL;
  if (nL >= msl && nR >= msl) {
    const hR = H - hL;
    if (hL >= mh && hR >= mh) {
      const gR = G - gL;
      const gain = score(gL, hL, l2) + score(gR, hR, l2) - parent;
      if (gain > best) {
        best = gain;
        recordSplit(out, j, t, false, gain, gL, hL, nL, gR, hR, nR);
      }
    }
  }
  if (nM > 0 && t < nb - 1) {
    const nL2 = nL + nM;
    nR = N - nL2;
    if (nL2 >= msl && nR >= msl) {
      const hL2 = hL + hM;
      const hR = H - hL2;
      if (hL2 >= mh && hR >= mh) {
        const gL2 = gL + gM;
        const gR = G - gL2;
        const gain = score(gL2, hL2, l2) + score(gR, hR, l2) - parent;
        if (gain > best) recordSplit(out, j, t, true, gain, gL2, hL2, nL2, gR, hR, nR);
      }
    }
  }
  return nM;
}

function bestCategorical(
  s: SparseScratch,
  nb: number,
  j: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
): void {
  const { pb, pg, ph, pn, catBins, catKey, catIdx } = s;
  let m = 0;
  for (let i = 0; i < s.m; i++) {
    if (pn[i] >= MIN_CAT_SUPPORT) {
      catBins[m] = pb[i];
      catIdx[m] = i;
      catKey[m] = pg[i] / (ph[i] + CAT_SMOOTH);
      m++;
    }
  }
  if (m < 2 && !(m === 1 && pn[catIdx[0]] < N)) return;
  for (let a = 1; a < m; a++) {
    const kb = catBins[a];
    const kk = catKey[a];
    const ki = catIdx[a];
    let i = a - 1;
    while (i >= 0 && (catKey[i] > kk || (catKey[i] === kk && catBins[i] > kb))) {
      catKey[i + 1] = catKey[i];
      catBins[i + 1] = catBins[i];
      catIdx[i + 1] = catIdx[i];
      i--;
    }
    catKey[i + 1] = kk;
    catBins[i + 1] = kb;
    catIdx[i + 1] = ki;
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
      const q = catIdx[dir === 0 ? t : m - 1 - t];
      gL += pg[q];
      hL += ph[q];
      nL += pn[q];
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
  for (let t = 0; t < bestK; t++) out.catLeft[catBins[bestDir === 0 ? t : m - 1 - t]] = 1;
  const nM = s.m > 0 && pb[s.m - 1] === nb ? pn[s.m - 1] : 0;
  finishCategorical(out, nM, nb, j, best, bg, bh, bn, G, H, N);
}

function finishCategorical(
  out: SplitInfo,
  nM: number,
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
  if (nM === 0) out.catLeft[nb] = nL >= N - nL ? 1 : 0;
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

function randomCategorical(
  s: SparseScratch,
  nb: number,
  j: number,
  G: number,
  H: number,
  N: number,
  c: SplitConstraints,
  parent: number,
  best: number,
  out: SplitInfo,
  rng: Rng,
): void {
  const { pb, pg, ph, pn } = s;
  const present = s.m;
  if (present < 2) return;
  const left = s.catTmp;
  left.fill(0, 0, nb + 1);
  let gL = 0;
  let hL = 0;
  let nL = 0;
  let nLeftCats = 0;
  for (let i = 0; i < present; i++) {
    if (rng.next() < 0.5) {
      left[pb[i]] = 1;
      nLeftCats++;
      gL += pg[i];
      hL += ph[i];
      nL += pn[i];
    }
  }
  if (nLeftCats === 0 || nLeftCats === present) return;
  const nR = N - nL;
  const hR = H - hL;
  if (nL < c.minSamplesLeaf || nR < c.minSamplesLeaf || hL < c.minHessian || hR < c.minHessian) return;
  const gain = score(gL, hL, c.l2) + score(G - gL, hR, c.l2) - parent;
  if (gain <= best) return;
  out.catLeft.fill(0);
  out.catLeft.set(left.subarray(0, nb + 1));
  const nM = pb[present - 1] === nb ? pn[present - 1] : 0;
  finishCategorical(out, nM, nb, j, gain, gL, hL, nL, G, H, N);
}
