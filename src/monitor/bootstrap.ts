/**
 * Seeded percentile bootstrap of the RMSE difference between two arms (challenger − champion):
 * negative means the challenger errs less. Independent arms are resampled separately; paired
 * arms (the same rows scored by both) are resampled by row, which keeps their correlation and
 * gives a much narrower interval.
 */
import { Rng } from '../core/random.js';

/** Resamples, confidence level, seed and pairing of the RMSE-difference bootstrap. */
export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  level?: number;
  seed?: number;
  /** The i-th errors of both arms belong to the same row. */
  paired?: boolean;
}

/** A percentile bootstrap interval of RMSE(challenger) − RMSE(champion). */
export interface BootstrapInterval {
  /** RMSE(challenger) − RMSE(champion) on the data as observed. */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  resamples: number;
}

const rmseOf = (sq: Float64Array): number => Math.sqrt(sq.reduce((s, x) => s + x, 0) / sq.length);

/** Interval from signed or absolute errors (only their squares matter). */
export function bootstrapRmseDifference(
  championErrors: ArrayLike<number>,
  challengerErrors: ArrayLike<number>,
  opts: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 10) {
    throw new RangeError(`bootstrap: resamples = ${resamples}, expected an integer ≥ 10`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level = ${level}, expected 0 < level < 1`);
  const a = Float64Array.from(championErrors, (e) => e * e);
  const b = Float64Array.from(challengerErrors, (e) => e * e);
  if (opts.paired && a.length !== b.length) {
    throw new RangeError(`bootstrap: paired arms need the same rows; got ${a.length} and ${b.length} errors`);
  }
  if (a.length === 0 || b.length === 0) {
    return { estimate: Number.NaN, lower: Number.NaN, upper: Number.NaN, level, resamples };
  }
  const rng = new Rng(opts.seed ?? 0);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sa = 0;
    let sb = 0;
    if (opts.paired) {
      for (let k = 0; k < a.length; k++) {
        const i = rng.int(a.length);
        sa += a[i];
        sb += b[i];
      }
    } else {
      for (let k = 0; k < a.length; k++) sa += a[rng.int(a.length)];
      for (let k = 0; k < b.length; k++) sb += b[rng.int(b.length)];
    }
    diffs[r] = Math.sqrt(sb / b.length) - Math.sqrt(sa / a.length);
  }
  diffs.sort();
  const tail = (1 - level) / 2;
  return {
    estimate: rmseOf(b) - rmseOf(a),
    lower: percentile(diffs, tail),
    upper: percentile(diffs, 1 - tail),
    level,
    resamples,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
