/**
 * stratified: rows are binned on target quantiles (pandas.qcut-like: right-closed bins, repeated
 * edges merged, missing targets in a bin of their own); every bin is shuffled and cut so that each
 * part gets its share of every bin, while the part totals stay exactly the random strategy's sizes.
 */
import { DataError } from '../../core/errors.js';
import { assignInOrder, type SplitContext, type SplitStrategy } from '../split-strategy.js';

export const stratifiedSplit: SplitStrategy = {
  name: 'stratified',
  assign({ frame, target, config, sizes, rng }: SplitContext): Uint8Array {
    const col = frame.get(target);
    if (col.type !== 'numeric') {
      throw new DataError(
        'target_not_numeric',
        `split.strategy = stratified bins the target "${target}", which is ${col.type}, not numeric`,
      );
    }
    const n = frame.nRows;
    const bin = quantileBins(col.values, config.bins);
    const nBins = bin.reduce((m, b) => Math.max(m, b + 1), 0);
    const members: number[][] = Array.from({ length: nBins }, () => []);
    for (let i = 0; i < n; i++) members[bin[i]].push(i);
    const binSize = members.map((m) => m.length);
    const nTrain = apportion(binSize, sizes.train, n, binSize);
    const room = binSize.map((s, b) => s - nTrain[b]);
    const nVal = apportion(binSize, sizes.val, n, room);
    const part = new Uint8Array(n);
    for (let b = 0; b < nBins; b++) {
      const rows = rng.shuffle(Uint32Array.from(members[b]));
      assignInOrder(rows, { train: nTrain[b], val: nVal[b], test: binSize[b] - nTrain[b] - nVal[b] }, part);
    }
    return part;
  },
};

/** Bin index per row: quantile edges at k/bins (linear interpolation, as numpy), NaN → last bin. */
export function quantileBins(y: Float64Array, bins: number): Uint32Array {
  const sorted = Float64Array.from(y.filter((v) => !Number.isNaN(v))).sort();
  const m = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins && m > 0; k++) {
    const pos = (k / bins) * (m - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, m - 1);
    const e = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    if (!edges.length || e > edges[edges.length - 1]) edges.push(e);
  }
  const out = new Uint32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (Number.isNaN(v)) {
      out[i] = edges.length + 1;
      continue;
    }
    // Number of edges strictly below v: right-closed bins (a, b].
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

/**
 * Split `total` over bins in proportion to binSize/n (largest remainder, ties to the lower bin),
 * never giving a bin more than its `room`.
 */
function apportion(binSize: number[], total: number, n: number, room: number[]): number[] {
  const ideal = binSize.map((s) => (s * total) / n);
  const got = ideal.map((x, b) => Math.min(Math.floor(x), room[b]));
  let left = total - got.reduce((a, b) => a + b, 0);
  const order = ideal
    .map((_, b) => b)
    .sort((a, b) => ideal[b] - Math.floor(ideal[b]) - (ideal[a] - Math.floor(ideal[a])) || a - b);
  while (left > 0) {
    let moved = false;
    for (const b of order) {
      if (left === 0) break;
      if (got[b] < room[b]) {
        got[b]++;
        left--;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return got;
}
