/** diamonds.csv split the way the monitoring story needs it: small stones vs large stones. */
import { Rng } from '../../src/core/random.js';
import type { Frame, NumericColumn } from '../../src/data/frame.js';
import { readBundled } from '../helpers/csv-frame.js';

export interface DiamondSplit {
  all: Frame;
  /** carat < 1.0 (the "training" population). */
  small: Frame;
  /** carat ≥ 1.0 (what arrives later). */
  large: Frame;
}

let cached: DiamondSplit | null = null;

export function diamonds(): DiamondSplit {
  if (cached) return cached;
  const all = readBundled('diamonds');
  const carat = (all.get('carat') as NumericColumn).values;
  const small = new Uint8Array(all.nRows);
  const large = new Uint8Array(all.nRows);
  for (let i = 0; i < all.nRows; i++) (carat[i] < 1 ? small : large)[i] = 1;
  cached = { all, small: all.filter(small), large: all.filter(large) };
  return cached;
}

/** `n` rows of `frame` drawn without replacement, seeded. */
export function sampleRows(frame: Frame, n: number, seed: number): Frame {
  return frame.take(new Rng(seed).permutation(frame.nRows).slice(0, n));
}

/** Split `frame` at random into two disjoint parts of the given sizes, seeded. */
export function randomHalves(frame: Frame, nA: number, nB: number, seed: number): [Frame, Frame] {
  const perm = new Rng(seed).permutation(frame.nRows);
  return [frame.take(perm.slice(0, nA)), frame.take(perm.slice(nA, nA + nB))];
}
