/**
 * group: all rows sharing a value of the group column land in one part (no group leaks across
 * train and test). Groups are shuffled with the seed and filled into train, val, test in turn; a
 * group goes to the part that holds the midpoint of its rows in that running order.
 */
import type { Column } from '../../data/frame.js';
import { type SplitContext, type SplitStrategy, TEST, TRAIN, VAL } from '../split-strategy.js';

export const groupSplit: SplitStrategy = {
  name: 'group',
  assign({ frame, config, sizes, rng }: SplitContext): Uint8Array {
    const { ids, count } = groupIds(frame.get(config.group_column as string));
    const n = frame.nRows;
    const size = new Float64Array(count);
    for (let i = 0; i < n; i++) size[ids[i]]++;
    const order = rng.permutation(count);
    const groupPart = new Uint8Array(count);
    const endTrain = sizes.train;
    const endVal = sizes.train + sizes.val;
    let cum = 0;
    for (let k = 0; k < count; k++) {
      const g = order[k];
      const mid = cum + size[g] / 2;
      groupPart[g] = mid < endTrain ? TRAIN : mid < endVal ? VAL : TEST;
      cum += size[g];
    }
    const part = new Uint8Array(n);
    for (let i = 0; i < n; i++) part[i] = groupPart[ids[i]];
    return part;
  },
};

/** Dense group id per row; missing values form one group of their own. */
export function groupIds(col: Column): { ids: Uint32Array; count: number } {
  const n = col.type === 'categorical' ? col.codes.length : col.values.length;
  const ids = new Uint32Array(n);
  const seen = new Map<number, number>();
  const key = (i: number): number => {
    switch (col.type) {
      case 'categorical':
        return col.codes[i];
      case 'boolean':
        return col.values[i];
      default: {
        const v = col.values[i];
        return Number.isNaN(v) ? Number.NaN : v === 0 ? 0 : v;
      }
    }
  };
  for (let i = 0; i < n; i++) {
    const k = key(i);
    // Map keys use SameValueZero, so NaN finds NaN.
    let id = seen.get(k);
    if (id === undefined) {
      id = seen.size;
      seen.set(k, id);
    }
    ids[i] = id;
  }
  return { ids, count: seen.size };
}
