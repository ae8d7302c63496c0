/**
 * Drift thresholds and method choice, declared once (defaults as Evidently's): a config section
 * `monitor.drift` can be passed straight to `detectDrift`.
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The drift tests a numeric feature may use (`auto` picks by sample size, as Evidently does). */
export const NUMERIC_METHODS = ['auto', 'ks', 'wasserstein', 'chisquare', 'jensenshannon', 'psi'] as const;
/** The drift tests a categorical feature may use. */
export const CATEGORICAL_METHODS = ['auto', 'chisquare', 'jensenshannon', 'psi'] as const;
/** The drift test a feature was judged with. */
export type DriftMethod = 'ks' | 'wasserstein' | 'jensenshannon' | 'psi' | 'chisquare';

/** Drift detection's parameters: tests, thresholds and sample sizes (Evidently's defaults). */
export const DRIFT_PARAMS = {
  min_samples: {
    type: 'number',
    default: 100,
    min: 1,
    integer: true,
    doc: 'fewest values on each side before a feature is judged; below it the verdict is null',
  },
  large_sample_size: {
    type: 'number',
    default: 1000,
    min: 1,
    integer: true,
    doc: 'auto method: current windows up to this size get a test (KS, chi-square), larger ones a distance',
  },
  discrete_max_values: {
    type: 'number',
    default: 5,
    min: 0,
    integer: true,
    doc: 'auto method: numeric features with at most this many distinct values are tested as categories',
  },
  p_value_threshold: {
    type: 'number',
    default: 0.05,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'KS and chi-square: drift when p < this',
  },
  wasserstein_threshold: {
    type: 'number',
    default: 0.1,
    min: 0,
    exclusiveMin: true,
    doc: 'Wasserstein distance in reference standard deviations: drift when ≥ this',
  },
  jensenshannon_threshold: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'Jensen-Shannon distance: drift when ≥ this',
  },
  psi_threshold: {
    type: 'number',
    default: 0.1,
    min: 0,
    exclusiveMin: true,
    doc: 'population stability index: drift when ≥ this (reported for every feature)',
  },
  drift_share: {
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'dataset drift when at least this share of the judged features drifted',
  },
  numeric_method: {
    type: 'enum',
    default: 'auto',
    values: NUMERIC_METHODS,
    doc: 'test for numeric features',
  },
  categorical_method: {
    type: 'enum',
    default: 'auto',
    values: CATEGORICAL_METHODS,
    doc: 'test for categorical features',
  },
} as const satisfies ParamTable;

/** Resolved {@link DRIFT_PARAMS}. */
export type DriftParams = ParamsOf<typeof DRIFT_PARAMS>;

/** Defaults merged with `given`; unknown keys and bad values throw a ConfigError naming them. */
export function resolveDriftParams(given?: Partial<DriftParams> | unknown): DriftParams {
  return resolveParams(DRIFT_PARAMS, given ?? {}, 'monitor.drift');
}
