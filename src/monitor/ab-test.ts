/**
 * Champion vs challenger from their live feedback: a verdict only when the evidence is there.
 *
 * metric 'mae': t-test on absolute errors — Welch for independent arms (traffic split), paired
 * on the per-row difference when both arms scored the same rows (shadow mode).
 * metric 'rmse': seeded bootstrap interval of RMSE(challenger) − RMSE(champion) at level 1 − α,
 * resampled by row when paired. Both are always reported; the metric picks the one that decides.
 * Fewer than `min_samples` valid rows in an arm gives 'insufficient_data', never a guess.
 */
import { ValidationError } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { type BootstrapInterval, bootstrapRmseDifference } from './bootstrap.js';
import { type LiveMetrics, liveMetrics, type Scored } from './live-metrics.js';
import { pairedTTest, type TTestResult, welchTTest } from './t-test.js';

/**
 * The parameters of an A/B comparison: sample sizes, significance level, the test and the
 * bootstrap.
 */
export const AB_TEST_PARAMS = {
  min_samples: {
    type: 'number',
    default: 100,
    min: 2,
    integer: true,
    doc: 'valid feedback rows each arm needs before a verdict',
  },
  alpha: { type: 'number', default: 0.05, min: 0, max: 0.5, exclusiveMin: true, doc: 'significance level' },
  metric: {
    type: 'enum',
    default: 'mae',
    values: ['mae', 'rmse'],
    doc: 'mae: t-test on |error|; rmse: bootstrap',
  },
  paired: { type: 'boolean', default: false, doc: 'both arms scored the same rows (shadow mode)' },
  resamples: { type: 'number', default: 2000, min: 10, integer: true, doc: 'bootstrap resamples' },
  seed: { type: 'number', default: 0, integer: true, doc: 'bootstrap seed' },
} as const satisfies ParamTable;
/** Resolved {@link AB_TEST_PARAMS}. */
export type AbTestParams = ParamsOf<typeof AB_TEST_PARAMS>;

/** What an A/B comparison concludes. */
export type AbVerdict = 'challenger_better' | 'champion_better' | 'no_difference' | 'insufficient_data';

/**
 * The comparison of two arms on their absolute errors: live metrics of each, the difference, the
 * test and the verdict with its reason.
 */
export interface ArmComparison {
  verdict: AbVerdict;
  reason: string;
  params: AbTestParams;
  champion: LiveMetrics;
  challenger: LiveMetrics;
  /** On absolute errors, challenger − champion (negative: the challenger errs less). */
  t_test: (TTestResult & { name: 'welch' | 'paired' }) | null;
  /** RMSE(challenger) − RMSE(champion). */
  bootstrap: BootstrapInterval | null;
}

/**
 * Compare champion and challenger on their feedback's absolute errors: a paired t-test when
 * `paired` (both arms scored the same rows, as in shadow mode), Welch's otherwise, and a bootstrap
 * interval of the RMSE difference.
 */
export function compareArms(
  champion: Scored,
  challenger: Scored,
  options?: Partial<AbTestParams> | unknown,
): ArmComparison {
  const params = resolveParams(AB_TEST_PARAMS, options ?? {}, 'ab_test');
  const champ = liveMetrics(champion);
  const chal = liveMetrics(challenger);
  const [errChamp, errChal] = params.paired
    ? pairedErrors(champion, challenger)
    : [errors(champion), errors(challenger)];
  const base = { params, champion: champ, challenger: chal };
  const nMin = Math.min(errChamp.length, errChal.length);
  if (nMin < params.min_samples) {
    return {
      ...base,
      verdict: 'insufficient_data',
      reason:
        `${nMin} valid ${params.paired ? 'paired rows' : 'rows in the smaller arm'}, ` +
        `min_samples is ${params.min_samples}`,
      t_test: null,
      bootstrap: null,
    };
  }
  const absChamp = errChamp.map(Math.abs);
  const absChal = errChal.map(Math.abs);
  const t = params.paired ? pairedTTest(absChal, absChamp) : welchTTest(absChal, absChamp);
  const tTest = { name: params.paired ? ('paired' as const) : ('welch' as const), ...t };
  const boot = bootstrapRmseDifference(errChamp, errChal, {
    resamples: params.resamples,
    level: 1 - params.alpha,
    seed: params.seed,
    paired: params.paired,
  });
  return { ...base, ...decide(params, tTest, boot), t_test: tTest, bootstrap: boot };
}

function decide(
  p: AbTestParams,
  t: TTestResult,
  boot: BootstrapInterval,
): { verdict: AbVerdict; reason: string } {
  if (p.metric === 'mae') {
    const what = `${p.paired ? 'paired' : "Welch's"} t-test on absolute errors`;
    if (!(t.p_value < p.alpha)) {
      return { verdict: 'no_difference', reason: `${what}: p = ${fmt(t.p_value)} ≥ α = ${p.alpha}` };
    }
    return {
      verdict: t.mean_difference < 0 ? 'challenger_better' : 'champion_better',
      reason: `${what}: MAE difference ${fmt(t.mean_difference)}, p = ${fmt(t.p_value)} < α = ${p.alpha}`,
    };
  }
  const level = Math.round((1 - p.alpha) * 100);
  const ci = `${level}% bootstrap interval of the RMSE difference [${fmt(boot.lower)}, ${fmt(boot.upper)}]`;
  if (boot.upper < 0) return { verdict: 'challenger_better', reason: `${ci} is below 0` };
  if (boot.lower > 0) return { verdict: 'champion_better', reason: `${ci} is above 0` };
  return { verdict: 'no_difference', reason: `${ci} contains 0` };
}

const fmt = (x: number): string => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));

/** Signed errors (actual − prediction) of the valid rows. */
function errors(s: Scored): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < s.prediction.length; i++) {
    const e = s.actual[i] - s.prediction[i];
    if (Number.isFinite(e)) out.push(e);
  }
  return Float64Array.from(out);
}

/** Errors of the rows valid in both arms; the arms must be the same rows (same actuals). */
function pairedErrors(a: Scored, b: Scored): [Float64Array, Float64Array] {
  const n = a.prediction.length;
  if (b.prediction.length !== n || a.actual.length !== n || b.actual.length !== n) {
    throw new ValidationError(
      [
        {
          path: 'paired',
          code: 'not_paired',
          message: `paired arms need the same rows; got ${n} and ${b.prediction.length}`,
        },
      ],
      'Cannot compare the arms as pairs',
    );
  }
  const ea: number[] = [];
  const eb: number[] = [];
  for (let i = 0; i < n; i++) {
    const ya = a.actual[i];
    const yb = b.actual[i];
    if (Number.isFinite(ya) && Number.isFinite(yb) && ya !== yb) {
      throw new ValidationError(
        [
          {
            path: `actual[${i}]`,
            code: 'not_paired',
            message: `row ${i} has actual ${ya} in one arm and ${yb} in the other`,
          },
        ],
        'Cannot compare the arms as pairs',
      );
    }
    const da = ya - a.prediction[i];
    const db = yb - b.prediction[i];
    if (Number.isFinite(da) && Number.isFinite(db)) {
      ea.push(da);
      eb.push(db);
    }
  }
  return [Float64Array.from(ea), Float64Array.from(eb)];
}
