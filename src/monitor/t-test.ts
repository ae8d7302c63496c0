/**
 * Student t-tests on errors, equal to scipy.stats.ttest_ind(a, b, equal_var=False) (Welch) and
 * scipy.stats.ttest_rel(a, b) (paired), two-sided. Welch's test does not assume the two arms'
 * errors have equal variance, which a better model rarely has.
 */
import { studentTSf } from './special-functions.js';

/**
 * A t-test of the difference in means: t, degrees of freedom, two-sided p-value and the
 * difference.
 */
export interface TTestResult {
  /** t statistic of mean(a) − mean(b); ±∞ when both samples are constant and differ. */
  t: number;
  df: number;
  /** Two-sided; NaN when undefined (fewer than 2 values per sample, or identical constants). */
  p_value: number;
  /** mean(a) − mean(b). */
  mean_difference: number;
}

function meanVar(a: ArrayLike<number>): [number, number] {
  const n = a.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (a[i] - m) ** 2;
  return [m, v / (n - 1)];
}

function twoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  return Math.min(1, 2 * studentTSf(Math.abs(t), df));
}

const UNDEFINED: TTestResult = {
  t: Number.NaN,
  df: Number.NaN,
  p_value: Number.NaN,
  mean_difference: Number.NaN,
};

/** Welch's unequal-variance t-test of mean(a) = mean(b). */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return UNDEFINED;
  const [ma, va] = meanVar(a);
  const [mb, vb] = meanVar(b);
  const sa = va / na;
  const sb = vb / nb;
  const se2 = sa + sb;
  const diff = ma - mb;
  if (se2 === 0) return constantCase(diff, na + nb - 2);
  const df = (se2 * se2) / ((sa * sa) / (na - 1) + (sb * sb) / (nb - 1));
  const t = diff / Math.sqrt(se2);
  return { t, df, p_value: twoSided(t, df), mean_difference: diff };
}

/** Paired t-test of mean(a − b) = 0 (both arms scored the same rows, e.g. shadow mode). */
export function pairedTTest(a: ArrayLike<number>, b: ArrayLike<number>): TTestResult {
  if (a.length !== b.length)
    throw new RangeError(`pairedTTest: ${a.length} and ${b.length} values are not pairs`);
  const n = a.length;
  if (n < 2) return UNDEFINED;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i] - b[i];
  const [md, vd] = meanVar(d);
  if (vd === 0) return constantCase(md, n - 1);
  const t = md / Math.sqrt(vd / n);
  return { t, df: n - 1, p_value: twoSided(t, n - 1), mean_difference: md };
}

// Zero variance: equal means carry no evidence either way (scipy: NaN); different means are
// as certain as data get.
function constantCase(diff: number, df: number): TTestResult {
  if (diff === 0) return { t: Number.NaN, df, p_value: Number.NaN, mean_difference: 0 };
  return {
    t: diff > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
    df,
    p_value: 0,
    mean_difference: diff,
  };
}
