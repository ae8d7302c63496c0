/**
 * Drift report: each feature of a current window judged against the reference profile, PSI
 * alongside, and a dataset verdict from the share of drifted features.
 *
 * Method choice (`auto`) follows Evidently's defaults, keyed on the current window's size:
 * numeric — KS (p < 0.05) up to `large_sample_size` values, Wasserstein in reference standard
 * deviations (≥ 0.1) above; categorical — χ² homogeneity (p < 0.05) up to it, Jensen–Shannon
 * (≥ 0.1) above (tests get over-sensitive on large windows; distances do not). Missing values
 * are a bin of their own (a feature that stops arriving drifts), as are unseen categories.
 * Below `min_samples` on either side the verdict is null with the reason: never a guess.
 */
import { type Issue, ValidationError } from '../core/errors.js';
import { chiSquareHomogeneity } from './chi-square.js';
import type { CategoricalWindow, CurrentWindow, NumericWindow } from './current-window.js';
import { type DriftMethod, type DriftParams, resolveDriftParams } from './drift-options.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ksTest } from './ks-test.js';
import { psi } from './psi.js';
import type { CategoricalProfile, NumericProfile, ReferenceProfile } from './reference-profile.js';
import { nextUp } from './sketch.js';
import { normalizedWasserstein } from './wasserstein.js';

/**
 * One feature judged for drift: the test and its statistic, the verdict (or why none), PSI,
 * missing and unseen rates, and both distributions for plots.
 */
export interface FeatureDrift {
  feature: string;
  type: 'numeric' | 'categorical';
  method: DriftMethod;
  /** KS D, normalised Wasserstein, JS distance, χ² or PSI; null when it cannot be computed. */
  statistic: number | null;
  /** For KS and χ² only. */
  p_value: number | null;
  threshold: number;
  /** null when the data do not allow a verdict (see `reason`). */
  drifted: boolean | null;
  reason: string | null;
  psi: number | null;
  psi_threshold: number;
  /** PSI's verdict, judged on all rows (missing is a bin): it catches a feature that stops arriving. */
  psi_drifted: boolean | null;
  /** Values the statistic used: non-missing values for numerics, all rows for categoricals. */
  n_reference: number;
  n_current: number;
  missing_rate_ref: number | null;
  missing_rate_cur: number | null;
  /** Share of current rows in categories never seen in training (null for numerics). */
  unseen_rate: number | null;
  /** Share of current rows whose value could not be read (text in a numeric feature, ...). */
  invalid_rate: number | null;
  unseen_examples: string[];
  /** Proportions per bin, reference vs current (for plots). */
  distribution: { bins: string[]; reference: number[]; current: number[] };
}

/** The dataset-level verdict: the share of judged features that drifted against the threshold. */
export interface DatasetDrift {
  n_features: number;
  /** Features with a non-null verdict. */
  n_judged: number;
  drifted_features: string[];
  /** Drifted / judged; null when nothing could be judged. */
  share: number | null;
  threshold: number;
  drifted: boolean | null;
}

/** Drift of every feature, the prediction and the target, and the dataset-level verdict. */
export interface DriftReport {
  features: FeatureDrift[];
  /** Drift of the prediction distribution, when both sides have predictions. */
  prediction: FeatureDrift | null;
  /** Drift of the target (actuals from feedback vs the training target), when both exist. */
  target: FeatureDrift | null;
  dataset: DatasetDrift;
  params: DriftParams;
}

/** Judge `current` (built from this reference, see current-window.ts) against `reference`. */
export function detectDrift(
  reference: ReferenceProfile,
  current: CurrentWindow,
  options?: Partial<DriftParams> | unknown,
): DriftReport {
  const params = resolveDriftParams(options);
  checkAligned(reference, current);
  const features = reference.features.map((ref, j) => {
    const cur = current.features[j];
    return ref.type === 'numeric'
      ? numericDrift(ref, cur as NumericWindow, params)
      : categoricalDrift(ref, cur as CategoricalWindow, params);
  });
  const prediction =
    reference.prediction && current.prediction
      ? numericDrift(reference.prediction, current.prediction, params)
      : null;
  const target =
    reference.target && current.target ? numericDrift(reference.target, current.target, params) : null;
  const judged = features.filter((f) => f.drifted !== null);
  const drifted = judged.filter((f) => f.drifted).map((f) => f.feature);
  const share = judged.length ? drifted.length / judged.length : null;
  return {
    features,
    prediction,
    target,
    dataset: {
      n_features: features.length,
      n_judged: judged.length,
      drifted_features: drifted,
      share,
      threshold: params.drift_share,
      drifted: share === null ? null : share >= params.drift_share,
    },
    params,
  };
}

function checkAligned(reference: ReferenceProfile, current: CurrentWindow): void {
  const issues = reference.features.flatMap((f, j): Issue[] => {
    const c = current.features[j];
    if (c && c.name === f.name && c.type === f.type) return [];
    return [
      {
        path: f.name,
        code: 'window_mismatch',
        message: `reference feature ${j} is "${f.name}" (${f.type}) but the window has ${
          c ? `"${c.name}" (${c.type})` : 'nothing'
        } there; build the window from this reference`,
      },
    ];
  });
  if (current.features.length !== reference.features.length) {
    issues.push({
      path: 'features',
      code: 'window_mismatch',
      message:
        `the reference has ${reference.features.length} features, ` + `the window ${current.features.length}`,
    });
  }
  if (issues.length) throw new ValidationError(issues, 'The current window does not match the reference');
}

const rate = (k: number, n: number): number | null => (n > 0 ? k / n : null);
const finiteOrNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

function numericDrift(ref: NumericProfile, cur: NumericWindow, p: DriftParams): FeatureDrift {
  const nRef = ref.count;
  const nCur = cur.sorted.length;
  const small = nCur <= p.large_sample_size;
  // Few distinct values (flags, small counts): a test on the value bins, as for categoricals;
  // KS is needlessly conservative on such heavily tied data.
  const discrete = ref.distinct > 0 && ref.distinct <= p.discrete_max_values;
  const method: DriftMethod =
    p.numeric_method !== 'auto'
      ? p.numeric_method
      : discrete
        ? small
          ? 'chisquare'
          : 'jensenshannon'
        : small
          ? 'ks'
          : 'wasserstein';
  // Value bins plus a missing bin (invalid values count as missing: they carry no value).
  const refBins = [...ref.counts, ref.missing];
  const curBins = [...cur.counts, cur.missing + cur.invalid];
  const bins = nonEmpty([...binLabels(ref.edges), '(missing)'], refBins, curBins);
  const psiValue = cur.n > 0 && ref.n > 0 ? psi(bins.ref, bins.cur) : Number.NaN;
  let statistic = Number.NaN;
  let pValue: number | null = null;
  if (nRef > 0 && nCur > 0) {
    if (method === 'ks') {
      const r = ksTest(ref.sketch, cur.sorted, nRef, nCur);
      statistic = r.statistic;
      pValue = r.p_value;
    } else if (method === 'wasserstein') {
      statistic = normalizedWasserstein(ref.sketch, cur.sorted, ref.std);
    } else if (method === 'chisquare') {
      const r = chiSquareHomogeneity(bins.ref, bins.cur);
      statistic = r.statistic;
      pValue = r.p_value;
    } else if (method === 'jensenshannon') {
      statistic = jensenShannonDistance(bins.ref, bins.cur);
    } else {
      statistic = psiValue;
    }
  }
  let reason = nRef === 0 ? 'no non-missing reference values' : insufficient(nRef, nCur, p.min_samples);
  if (reason && nCur < cur.n)
    reason += ` (${cur.missing} missing and ${cur.invalid} invalid of ${cur.n} rows)`;
  // PSI has a missing bin, so its sample is every row: a feature that stops arriving is caught.
  return featureDrift(
    { ref, cur, p, type: 'numeric', method, statistic, pValue, psiValue, reason, bins },
    {
      psiN: [ref.n, cur.n],
      n: [nRef, nCur],
      unseenRate: null,
      unseenExamples: [],
    },
  );
}

function categoricalDrift(ref: CategoricalProfile, cur: CategoricalWindow, p: DriftParams): FeatureDrift {
  const nRef = ref.n;
  const nCur = cur.n;
  const method: DriftMethod =
    p.categorical_method === 'auto'
      ? nCur <= p.large_sample_size
        ? 'chisquare'
        : 'jensenshannon'
      : p.categorical_method;
  const labels = [...ref.categories, '(other)', '(missing)', '(unseen)'];
  const refBins = [...ref.counts, ref.other, ref.missing, 0];
  const curBins = [...cur.counts, cur.other, cur.missing + cur.invalid, cur.unseen];
  const bins = nonEmpty(labels, refBins, curBins);
  let statistic = Number.NaN;
  let pValue: number | null = null;
  const psiValue = nRef > 0 && nCur > 0 ? psi(bins.ref, bins.cur) : Number.NaN;
  if (nRef > 0 && nCur > 0) {
    if (method === 'chisquare') {
      const r = chiSquareHomogeneity(bins.ref, bins.cur);
      statistic = r.statistic;
      pValue = r.p_value;
    } else if (method === 'jensenshannon') {
      statistic = jensenShannonDistance(bins.ref, bins.cur);
    } else {
      statistic = psiValue;
    }
  }
  const reason = insufficient(nRef, nCur, p.min_samples);
  return featureDrift(
    { ref, cur, p, type: 'categorical', method, statistic, pValue, psiValue, reason, bins },
    {
      psiN: [nRef, nCur],
      n: [nRef, nCur],
      unseenRate: rate(cur.unseen, cur.n),
      unseenExamples: [...cur.unseenExamples],
    },
  );
}

/** One feature's result, the same shape for both column types. */
function featureDrift(
  r: {
    ref: { name: string; n: number; missing: number };
    cur: { n: number; missing: number; invalid: number };
    p: DriftParams;
    type: FeatureDrift['type'];
    method: DriftMethod;
    statistic: number;
    pValue: number | null;
    psiValue: number;
    reason: string | null;
    bins: Parameters<typeof proportions>[0];
  },
  o: { psiN: [number, number]; n: [number, number]; unseenRate: number | null; unseenExamples: string[] },
): FeatureDrift {
  const { ref, cur, p, method, statistic, pValue, psiValue, reason } = r;
  const threshold = thresholdOf(method, p);
  return {
    feature: ref.name,
    type: r.type,
    method,
    statistic: finiteOrNull(statistic),
    p_value: pValue === null ? null : finiteOrNull(pValue),
    threshold,
    drifted: reason ? null : verdict(method, statistic, pValue, threshold),
    reason,
    psi: finiteOrNull(psiValue),
    psi_threshold: p.psi_threshold,
    psi_drifted: psiVerdict(psiValue, o.psiN[0], o.psiN[1], p),
    n_reference: o.n[0],
    n_current: o.n[1],
    missing_rate_ref: rate(ref.missing, ref.n),
    missing_rate_cur: rate(cur.missing, cur.n),
    unseen_rate: o.unseenRate,
    invalid_rate: rate(cur.invalid, cur.n),
    unseen_examples: o.unseenExamples,
    distribution: proportions(r.bins),
  };
}

function thresholdOf(method: DriftMethod, p: DriftParams): number {
  switch (method) {
    case 'ks':
    case 'chisquare':
      return p.p_value_threshold;
    case 'wasserstein':
      return p.wasserstein_threshold;
    case 'jensenshannon':
      return p.jensenshannon_threshold;
    case 'psi':
      return p.psi_threshold;
  }
}

function psiVerdict(value: number, nRef: number, nCur: number, p: DriftParams): boolean | null {
  if (Number.isNaN(value) || insufficient(nRef, nCur, p.min_samples)) return null;
  return value >= p.psi_threshold;
}

function insufficient(nRef: number, nCur: number, min: number): string | null {
  if (nCur < min) return `insufficient data: ${nCur} current values, min_samples is ${min}`;
  if (nRef < min) return `insufficient data: ${nRef} reference values, min_samples is ${min}`;
  return null;
}

function verdict(
  method: DriftMethod,
  statistic: number,
  pValue: number | null,
  threshold: number,
): boolean | null {
  if (method === 'ks' || method === 'chisquare') {
    return pValue === null || Number.isNaN(pValue) ? null : pValue < threshold;
  }
  return Number.isNaN(statistic) ? null : statistic >= threshold;
}

/** Keep the bins that hold something on either side (an empty-empty bin says nothing). */
function nonEmpty(
  labels: string[],
  ref: number[],
  cur: number[],
): { labels: string[]; ref: Float64Array; cur: Float64Array } {
  const keep = labels.map((_, i) => i).filter((i) => ref[i] > 0 || cur[i] > 0);
  return {
    labels: keep.map((i) => labels[i]),
    ref: Float64Array.from(keep, (i) => ref[i]),
    cur: Float64Array.from(keep, (i) => cur[i]),
  };
}

function proportions(b: {
  labels: string[];
  ref: Float64Array;
  cur: Float64Array;
}): FeatureDrift['distribution'] {
  const norm = (a: Float64Array): number[] => {
    const s = a.reduce((x, y) => x + y, 0);
    return Array.from(a, (x) => (s > 0 ? x / s : 0));
  };
  return { bins: b.labels, reference: norm(b.ref), current: norm(b.cur) };
}

function binLabels(edges: Float64Array): string[] {
  const fmt = (x: number): string =>
    Number.isFinite(x) ? String(Number(x.toPrecision(6))) : x > 0 ? '∞' : '−∞';
  const out: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    // A one-value bin of a discrete feature (see valueEdges) is labelled by its value.
    const single = Number.isFinite(edges[i]) && edges[i + 1] === nextUp(edges[i]);
    // The gap above such a value starts just after it: (v, next).
    const afterValue = i > 0 && Number.isFinite(edges[i - 1]) && edges[i] === nextUp(edges[i - 1]);
    if (single) out.push(`= ${fmt(edges[i])}`);
    else if (afterValue) out.push(`(${fmt(edges[i - 1])}, ${fmt(edges[i + 1])})`);
    else out.push(`[${fmt(edges[i])}, ${fmt(edges[i + 1])})`);
  }
  return out;
}
