/**
 * time: rows ordered by a datetime (or numeric) column; oldest go to train, then val, newest to
 * test. A cut never separates rows with the same time: it moves to the nearer end of the tie.
 */
import { DataError } from '../../core/errors.js';
import { type SplitContext, type SplitStrategy, TEST, TRAIN, VAL } from '../split-strategy.js';

export const timeSplit: SplitStrategy = {
  name: 'time',
  assign({ frame, config, sizes }: SplitContext): Uint8Array {
    const name = config.time_column as string;
    const col = frame.get(name);
    if (col.type !== 'datetime' && col.type !== 'numeric') {
      throw new DataError(
        'bad_time_column',
        `split.time_column "${name}" is ${col.type}; it must be datetime or numeric ` +
          `(for dates stored as text set cleaning.types.${name}: datetime)`,
      );
    }
    const t = col.values;
    const n = t.length;
    let missing = 0;
    for (let i = 0; i < n; i++) if (Number.isNaN(t[i])) missing++;
    if (missing) {
      throw new DataError(
        'missing_time',
        `split.time_column "${name}" is missing in ${missing} of ${n} rows; a time split needs a time for every row`,
      );
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => t[a] - t[b] || a - b);
    const c1 = tieCut(order, t, sizes.train, 0, n);
    const c2 = tieCut(order, t, c1 + sizes.val, c1, n);
    const part = new Uint8Array(n);
    for (let k = 0; k < n; k++) part[order[k]] = k < c1 ? TRAIN : k < c2 ? VAL : TEST;
    return part;
  },
};

/** Move cut position `c` (rows before it) out of a run of equal times, to the nearer end within [lo, hi]. */
function tieCut(order: Uint32Array, t: Float64Array, c: number, lo: number, hi: number): number {
  if (c <= lo || c >= hi || t[order[c - 1]] !== t[order[c]]) return Math.max(lo, Math.min(c, hi));
  const v = t[order[c]];
  let a = c;
  while (a > lo && t[order[a - 1]] === v) a--;
  let b = c;
  while (b < hi && t[order[b]] === v) b++;
  // Prefer the nearer end, but not one that empties the part before or after the cut.
  const first = c - a <= b - c ? a : b;
  const second = first === a ? b : a;
  return first > lo && first < hi ? first : second;
}
