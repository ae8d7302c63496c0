/**
 * The `selection` config section, declared once: how the best candidate is chosen. `cv` scores
 * every candidate by K-fold cross-validation over TRAIN+VAL (preprocessing refitted in each
 * fold) and refits on all of TRAIN+VAL; `holdout` fits on TRAIN and scores on VAL; `auto` takes
 * cross-validation unless the data is large or the estimated cost exceeds the time budget.
 */
import { ConfigError } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { METRIC_NAMES } from '../metrics/regression.js';

/** TRAIN+VAL rows above which `auto` selects on the VAL holdout instead of cross-validating. */
export const CV_MAX_ROWS = 20_000;

/**
 * The `selection` section's parameters: the metric, cross-validation or holdout, folds and the
 * ensemble.
 */
export const SELECTION_PARAMS = {
  metric: { type: 'enum', default: 'r2', values: METRIC_NAMES, doc: 'metric that picks the best model' },
  method: {
    type: 'enum',
    default: 'auto',
    values: ['auto', 'cv', 'holdout'],
    doc:
      'cv: K-fold over TRAIN+VAL, then refit on all of it; holdout: fit on TRAIN, score on VAL; ' +
      `auto: cv up to cv_max_rows TRAIN+VAL rows when the estimated cost fits training.time_budget_s`,
  },
  on: {
    type: 'enum',
    default: 'val',
    values: ['val', 'test'],
    doc: 'holdout only: split the metric is read on; choosing on test leaks it into the decision',
  },
  folds: {
    type: 'number',
    default: 5,
    integer: true,
    min: 2,
    max: 100,
    doc: 'cv: folds K (at most the TRAIN+VAL rows, or groups with split strategy group)',
  },
  repeats: {
    type: 'number?',
    default: null,
    integer: true,
    min: 1,
    max: 20,
    doc: 'cv: repetitions of K-fold with fresh shuffles; null = 3 below 500 TRAIN+VAL rows, else 1',
  },
  cv_max_rows: {
    type: 'number',
    default: CV_MAX_ROWS,
    integer: true,
    min: 0,
    doc: 'auto: above this many TRAIN+VAL rows select on the holdout instead',
  },
  ensemble: {
    type: 'boolean',
    default: true,
    doc: 'add an `ensemble` candidate: a weighted average of the candidates, weights chosen greedily on out-of-fold (cv) or VAL (holdout) predictions',
  },
  ensemble_min_weight: {
    type: 'number',
    default: 0.05,
    min: 0,
    max: 0.5,
    doc: 'ensemble: members below this weight are dropped and the rest renormalised (smaller, faster ensembles; 0 keeps every pick)',
  },
  ensemble_iterations: {
    type: 'number',
    default: 25,
    integer: true,
    min: 1,
    max: 1000,
    doc: 'ensemble: greedy steps with replacement (the best-scoring prefix of them is kept)',
  },
} as const satisfies ParamTable;

/** The resolved `selection` section. */
export type SelectionConfig = ParamsOf<typeof SELECTION_PARAMS>;

export function resolveSelectionConfig(raw: unknown, path = 'selection'): SelectionConfig {
  const cfg = resolveParams(SELECTION_PARAMS, raw, path);
  if (cfg.on === 'test' && cfg.method === 'cv') {
    throw new ConfigError([
      {
        path: `${path}.on`,
        code: 'invalid_value',
        message:
          `${path}.on = "test" is not allowed with ${path}.method = "cv": cross-validation selects on ` +
          'out-of-fold scores; use method holdout to read the metric on a split',
      },
    ]);
  }
  return cfg;
}
