/**
 * The contract between the DataSplitter and its strategies: a strategy only says which part each
 * row goes to; sizes, checks, sorting and hashing are the splitter's job.
 */
import type { Rng } from '../core/random.js';
import type { Frame } from '../data/frame.js';
import type { SplitConfig } from './split-config.js';

export const TRAIN = 0;
export const VAL = 1;
export const TEST = 2;

/** Rows per part, from the fractions (the splitter computes it once for all strategies). */
export interface PartSizes {
  train: number;
  val: number;
  test: number;
}

/**
 * What a split strategy gets: the frame, the target, the config, the part sizes and a seeded
 * generator.
 */
export interface SplitContext {
  frame: Frame;
  target: string;
  config: SplitConfig;
  sizes: PartSizes;
  rng: Rng;
}

/** One way to split rows into TRAIN, VAL and TEST; strategies are registered by name. */
export interface SplitStrategy {
  readonly name: string;
  /** Part of every row: TRAIN, VAL or TEST. */
  assign(ctx: SplitContext): Uint8Array;
  /** Columns that describe the split rather than the rows (removed from the features). */
  dropColumns?(config: SplitConfig): string[];
}

/**
 * Sizes as scikit-learn's reference script: floor(train·n), floor(val·n), rest to test; with a
 * test fraction of 0 the rest goes to train instead.
 */
export function partSizes(n: number, f: { train: number; val: number; test: number }): PartSizes {
  const val = Math.floor(f.val * n);
  if (f.test === 0) return { train: n - val, val, test: 0 };
  const train = Math.floor(f.train * n);
  return { train, val, test: n - train - val };
}

/** The first `sizes.train` rows of `order` go to train, the next `sizes.val` to val, the rest to test. */
export function assignInOrder(order: ArrayLike<number>, sizes: PartSizes, part: Uint8Array): void {
  const n = order.length;
  const a = Math.min(n, sizes.train);
  const b = Math.min(n, a + sizes.val);
  for (let k = 0; k < n; k++) part[order[k]] = k < a ? TRAIN : k < b ? VAL : TEST;
}
