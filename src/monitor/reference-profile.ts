/**
 * Reference profile: what monitoring keeps of the training data, so drift can be judged later
 * from the prediction log alone. Built once at training time from the raw TRAIN feature rows
 * (plus, optionally, the model's predictions on TEST and the target), stored with the artifacts
 * (see profile-codec.ts).
 *
 * Numeric (and datetime, as epoch ms) features keep quantile bin edges (one bin per value, and
 * per gap between values, when there are no more distinct values than bins) with counts, a
 * quantile sketch for KS/Wasserstein, mean/std/min/max and the missing count. Categorical (and
 * boolean, as 'false'/'true') features keep category counts, most frequent first; categories
 * beyond `max_categories` are pooled into one "other" count.
 */
import { ValidationError } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { SortedOnce } from '../core/sort.js';
import { BOOL_MISSING, type Column, type Frame } from '../data/frame.js';
import {
  distinctCount,
  finitePart,
  histogram,
  quantileEdges,
  quantileSketch,
  sortedFinite,
  valueEdges,
} from './sketch.js';

/**
 * How the reference profile summarises training data: histogram bins, sample size and category
 * cap.
 */
export const PROFILE_PARAMS = {
  bins: {
    type: 'number',
    default: 10,
    min: 2,
    max: 100,
    integer: true,
    doc: 'quantile bins per numeric feature',
  },
  sketch_size: {
    type: 'number',
    default: 1000,
    min: 10,
    max: 100_000,
    integer: true,
    doc: 'quantiles kept per numeric feature for KS and Wasserstein (smaller samples are kept whole)',
  },
  max_categories: {
    type: 'number',
    default: 1000,
    min: 1,
    max: 100_000,
    integer: true,
    doc: 'categories kept per categorical feature; rarer ones are pooled into "other"',
  },
} as const satisfies ParamTable;
/** Resolved {@link PROFILE_PARAMS}. */
export type ProfileParams = ParamsOf<typeof PROFILE_PARAMS>;

/**
 * A numeric (or datetime) feature at training time: counts, a sorted sample, quantiles and
 * histogram edges.
 */
export interface NumericProfile {
  readonly type: 'numeric';
  readonly name: string;
  /** The Frame column type it came from: datetime values are epoch milliseconds. */
  readonly source: 'numeric' | 'datetime';
  /** Rows, missing rows, and non-missing values (n = missing + count). */
  readonly n: number;
  readonly missing: number;
  readonly count: number;
  readonly mean: number;
  /** Population standard deviation (ddof 0, as Evidently normalises Wasserstein). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** Distinct non-missing values. */
  readonly distinct: number;
  /** Bin edges, −∞ … +∞; bin i is [edges[i], edges[i+1]). */
  readonly edges: Float64Array;
  /** Non-missing values per bin. */
  readonly counts: Float64Array;
  /** Sorted quantile sketch (see sketch.ts). */
  readonly sketch: Float64Array;
}

/** A categorical (or boolean) feature at training time: its categories and their counts. */
export interface CategoricalProfile {
  readonly type: 'categorical';
  readonly name: string;
  readonly source: 'categorical' | 'boolean';
  readonly n: number;
  readonly missing: number;
  /** Categories, most frequent first, and their counts. */
  readonly categories: readonly string[];
  readonly counts: Float64Array;
  /** Rows in categories beyond max_categories. */
  readonly other: number;
}

/** One feature's summary at training time. */
export type FeatureProfile = NumericProfile | CategoricalProfile;

/**
 * The training data as monitoring remembers it (profile.json): each feature, the TEST predictions
 * and the target.
 */
export interface ReferenceProfile {
  readonly params: ProfileParams;
  readonly nRows: number;
  readonly features: readonly FeatureProfile[];
  /** The model's predictions on TEST, if given. */
  readonly prediction: NumericProfile | null;
  /** The target on the rows given, if any. */
  readonly target: NumericProfile | null;
}

/**
 * What the reference profile covers: the features, the predictions and target to add, and the
 * summary parameters.
 */
export interface ReferenceOptions {
  /**
   * Features to profile (default: every column but datetimes — a timestamp always "drifts" as
   * time passes; list one explicitly to profile it anyway).
   */
  features?: readonly string[];
  /** The model's predictions on TEST (NaN = none). */
  predictions?: ArrayLike<number>;
  /** Target values, named, e.g. `{name: 'price', values: yTrain}`. */
  target?: { name: string; values: ArrayLike<number> };
  /** bins, sketch_size, max_categories (see PROFILE_PARAMS). */
  params?: Partial<ProfileParams>;
  /**
   * Sorted columns shared with other summaries of the same frame (the data contract's
   * quantiles), so each numeric column is sorted once; default: sorted here.
   */
  sorted?: SortedOnce;
}

/** Profile the raw TRAIN feature rows of `frame` (before preprocessing). */
export function buildReferenceProfile(frame: Frame, opts: ReferenceOptions = {}): ReferenceProfile {
  const params = resolveParams(PROFILE_PARAMS, opts.params ?? {}, 'monitor.profile');
  const names = opts.features ?? frame.names.filter((n) => frame.typeOf(n) !== 'datetime');
  const absent = names.filter((n) => !frame.has(n));
  if (absent.length) {
    throw new ValidationError(
      absent.map((n) => ({
        path: n,
        code: 'missing_column',
        message:
          `feature "${n}" is not a column of the reference frame; ` +
          `columns are: ${frame.names.join(', ')}`,
      })),
      'Cannot build the reference profile',
    );
  }
  const sorted = opts.sorted ?? new SortedOnce();
  const features = names.map((n) => profileColumn(n, frame.get(n), params, sorted));
  const prediction = opts.predictions
    ? numericProfile('prediction', opts.predictions, params, 'numeric', sorted)
    : null;
  const target = opts.target
    ? numericProfile(opts.target.name, opts.target.values, params, 'numeric', sorted)
    : null;
  return { params, nRows: frame.nRows, features, prediction, target };
}

/** One column's profile (`sorted`: where numeric columns are sorted, shared with other readers). */
export function profileColumn(
  name: string,
  col: Column,
  params: ProfileParams,
  sorted?: SortedOnce,
): FeatureProfile {
  switch (col.type) {
    case 'numeric':
    case 'datetime':
      return numericProfile(name, col.values, params, col.type, sorted);
    case 'categorical': {
      const counts = new Float64Array(col.dictionary.length);
      let missing = 0;
      for (let i = 0; i < col.codes.length; i++) {
        if (col.codes[i] < 0) missing++;
        else counts[col.codes[i]]++;
      }
      return categoricalProfile(name, col.dictionary, counts, missing, params, 'categorical');
    }
    case 'boolean': {
      const counts = new Float64Array(2);
      let missing = 0;
      for (let i = 0; i < col.values.length; i++) {
        if (col.values[i] === BOOL_MISSING) missing++;
        else counts[col.values[i]]++;
      }
      return categoricalProfile(name, ['false', 'true'], counts, missing, params, 'boolean');
    }
  }
}

/** Profile of a numeric array (NaN or ±∞ = missing); `once` sorts it, if given. */
export function numericProfile(
  name: string,
  values: ArrayLike<number>,
  params: ProfileParams,
  source: 'numeric' | 'datetime' = 'numeric',
  once?: SortedOnce,
): NumericProfile {
  const sorted = once ? finitePart(once.get(values)) : sortedFinite(values);
  const count = sorted.length;
  let mean = 0;
  for (let i = 0; i < count; i++) mean += sorted[i];
  mean = count ? mean / count : Number.NaN;
  let ss = 0;
  for (let i = 0; i < count; i++) ss += (sorted[i] - mean) ** 2;
  const distinct = distinctCount(sorted);
  // A discrete feature (no more distinct values than bins) gets one bin per value (and per gap).
  const edges = distinct <= params.bins ? valueEdges(sorted) : quantileEdges(sorted, params.bins);
  return {
    type: 'numeric',
    name,
    source,
    n: values.length,
    missing: values.length - count,
    count,
    mean,
    std: count ? Math.sqrt(ss / count) : Number.NaN,
    min: count ? sorted[0] : Number.NaN,
    max: count ? sorted[count - 1] : Number.NaN,
    distinct,
    edges,
    counts: histogram(sorted, edges),
    sketch: quantileSketch(sorted, params.sketch_size),
  };
}

function categoricalProfile(
  name: string,
  dictionary: readonly string[],
  counts: Float64Array,
  missing: number,
  params: ProfileParams,
  source: 'categorical' | 'boolean',
): CategoricalProfile {
  // Most frequent first (ties by name, so the order is deterministic); unused codes dropped.
  const order = [...dictionary.keys()]
    .filter((i) => counts[i] > 0)
    .sort((a, b) => counts[b] - counts[a] || (dictionary[a] < dictionary[b] ? -1 : 1));
  const kept = order.slice(0, params.max_categories);
  let other = 0;
  for (const i of order.slice(params.max_categories)) other += counts[i];
  return {
    type: 'categorical',
    name,
    source,
    n: counts.reduce((s, c) => s + c, 0) + missing,
    missing,
    categories: kept.map((i) => dictionary[i]),
    counts: Float64Array.from(kept, (i) => counts[i]),
    other,
  };
}
