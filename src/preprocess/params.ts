/**
 * The `preprocessing` config section, declared once. One flat table (not nested sections) so
 * `resolveParams`, `describeParams` and `tabflow init` work on it unchanged; keys are prefixed by
 * the column kind they act on. Defaults match the reference scikit-learn workflow: median +
 * standard scaling for numbers, most-frequent + one-hot (unknown ignored) for categories.
 */
import { ConfigError, type Issue } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/**
 * The `preprocessing` section's parameters: imputation, outlier clipping, scaling, encoding and
 * datetime parts.
 */
export const PREPROCESS_PARAMS = {
  numeric_impute: {
    type: 'enum',
    default: 'median',
    values: ['median', 'mean', 'constant'],
    doc: 'fill for missing numbers, learned on train (constant uses numeric_fill_value)',
  },
  numeric_fill_value: {
    type: 'number',
    default: 0,
    doc: 'fill for numeric_impute: constant, and for columns with no value at all in train',
  },
  add_missing_indicator: {
    type: 'boolean',
    default: false,
    doc: 'add a 0/1 "<column>:missing" feature for each numeric/boolean/datetime column missing in train',
  },
  outliers: {
    type: 'enum',
    default: 'none',
    values: ['none', 'iqr', 'quantile'],
    doc: 'clip numbers at bounds learned on train: iqr [Q1 - k·IQR, Q3 + k·IQR], quantile [clip_quantile_low, clip_quantile_high]',
  },
  iqr_factor: { type: 'number', default: 1.5, min: 0, doc: 'k of the IQR bounds (outliers: iqr)' },
  clip_quantile_low: {
    type: 'number',
    default: 0.01,
    min: 0,
    max: 1,
    doc: 'lower quantile (outliers: quantile)',
  },
  clip_quantile_high: {
    type: 'number',
    default: 0.99,
    min: 0,
    max: 1,
    doc: 'upper quantile (outliers: quantile)',
  },
  scaling: {
    type: 'enum',
    default: 'standard',
    values: ['standard', 'robust', 'minmax', 'none'],
    doc: 'numeric scaling learned on train: standard (mean/std), robust (median/IQR), minmax (train → [0, 1])',
  },
  categorical_impute: {
    type: 'enum',
    default: 'most_frequent',
    values: ['most_frequent', 'constant'],
    doc: 'fill for missing categories: the most frequent train level, or categorical_fill_value',
  },
  categorical_fill_value: {
    type: 'string',
    default: 'missing',
    doc: 'level used by categorical_impute: constant',
  },
  encoding: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'onehot', 'ordinal'],
    doc: 'categorical encoding; auto = what each model family asks for (linear: onehot, trees: ordinal)',
  },
  max_categories: {
    type: 'number?',
    default: null,
    min: 2,
    integer: true,
    doc: 'at most this many levels per column, infrequent bucket included; rarer levels join the bucket',
  },
  min_frequency: {
    type: 'number',
    default: 0,
    min: 0,
    doc: 'levels seen fewer times in train join the infrequent bucket; below 1 = a fraction of train rows',
  },
  handle_unknown: {
    type: 'enum',
    default: 'ignore',
    values: ['ignore', 'infrequent', 'error'],
    doc: 'a level unseen in train: ignore (one-hot zeros, ordinal missing), infrequent (the bucket if any), error',
  },
} as const satisfies ParamTable;

/** The resolved `preprocessing` section. */
export type PreprocessConfig = ParamsOf<typeof PREPROCESS_PARAMS>;

/** Validate a raw `preprocessing` section; a ConfigError lists every problem (key, value, rule). */
export function resolvePreprocessConfig(raw: unknown, path = 'preprocessing'): PreprocessConfig {
  const cfg = resolveParams(PREPROCESS_PARAMS, raw, path);
  const issues: Issue[] = [];
  if (cfg.clip_quantile_low >= cfg.clip_quantile_high) {
    issues.push({
      path: `${path}.clip_quantile_low`,
      code: 'invalid_value',
      message:
        `${path}.clip_quantile_low = ${cfg.clip_quantile_low} is not allowed: expected a number below ` +
        `clip_quantile_high (${cfg.clip_quantile_high})`,
    });
  }
  if (cfg.min_frequency >= 1 && !Number.isInteger(cfg.min_frequency)) {
    issues.push({
      path: `${path}.min_frequency`,
      code: 'invalid_value',
      message:
        `${path}.min_frequency = ${cfg.min_frequency} is not allowed: expected a fraction in [0, 1) ` +
        'or a whole count ≥ 1',
    });
  }
  if (issues.length) throw new ConfigError(issues);
  return cfg;
}
