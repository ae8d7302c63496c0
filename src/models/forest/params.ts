/**
 * Hyperparameters of `random_forest` and `extra_trees`, declared once (defaults follow
 * scikit-learn's RandomForestRegressor / ExtraTreesRegressor), plus the checks a table cannot
 * express. Fractions and counts share one number: a value in (0, 1] is a fraction (so 1 means
 * "all", as sklearn's 1.0), an integer ≥ 2 is a count.
 */
import { ConfigError, type Issue } from '../../core/errors.js';
import type { ParamsOf, ParamTable } from '../../core/params.js';

function table(bootstrap: boolean) {
  return {
    n_estimators: {
      type: 'number',
      default: 100,
      min: 1,
      max: 10_000,
      integer: true,
      doc: 'number of trees',
    },
    max_features: {
      type: 'number|enum',
      default: 1,
      values: ['sqrt', 'log2'] as const,
      min: 0,
      doc: 'features tried per split: fraction in (0, 1], integer count ≥ 2, sqrt or log2',
    },
    min_samples_leaf: {
      type: 'number',
      default: 1,
      min: 1,
      integer: true,
      doc: 'minimum training rows in a leaf',
    },
    max_depth: {
      type: 'number?',
      default: null,
      min: 1,
      integer: true,
      doc: 'maximum tree depth; null = unlimited',
    },
    bootstrap: {
      type: 'boolean',
      default: bootstrap,
      doc: 'fit each tree on a bootstrap sample of the rows',
    },
    max_samples: {
      type: 'number?',
      default: null,
      min: 0,
      doc: 'rows drawn per bootstrap sample: fraction in (0, 1] or count ≥ 2; null = all',
    },
    oob_score: {
      type: 'boolean',
      default: bootstrap,
      doc: 'out-of-bag R² on train rows left out of each bootstrap (needs bootstrap)',
    },
    n_jobs: {
      type: 'number?',
      default: null,
      min: 1,
      integer: true,
      doc: 'worker threads; null = all cores',
    },
    max_bins: {
      type: 'number',
      default: 255,
      min: 2,
      max: 255,
      integer: true,
      doc: 'histogram bins per feature',
    },
  } as const satisfies ParamTable;
}

export const RANDOM_FOREST_PARAMS = table(true);
export const EXTRA_TREES_PARAMS = table(false);
export type ForestParams = ParamsOf<typeof RANDOM_FOREST_PARAMS>;

function checkCountOrFraction(kind: string, key: string, v: number, issues: Issue[]): void {
  if (!(v > 0) || (v > 1 && !Number.isInteger(v))) {
    issues.push({
      path: `${kind}.${key}`,
      code: 'invalid_value',
      message: `${kind}: ${key} = ${v} is not allowed: expected a fraction in (0, 1] or an integer count ≥ 2`,
    });
  }
}

/** Checks across or beyond single table entries; throws a ConfigError listing every problem. */
export function checkForestParams(kind: string, p: ForestParams): void {
  const issues: Issue[] = [];
  if (typeof p.max_features === 'number') checkCountOrFraction(kind, 'max_features', p.max_features, issues);
  if (p.max_samples !== null) {
    checkCountOrFraction(kind, 'max_samples', p.max_samples, issues);
    if (!p.bootstrap) {
      issues.push({
        path: `${kind}.max_samples`,
        code: 'invalid_combination',
        message: `${kind}: max_samples = ${p.max_samples} needs bootstrap = true (got false)`,
      });
    }
  }
  if (p.oob_score && !p.bootstrap) {
    issues.push({
      path: `${kind}.oob_score`,
      code: 'invalid_combination',
      message: `${kind}: oob_score = true needs bootstrap = true (got false): without bootstrap no row is out of bag`,
    });
  }
  if (issues.length) throw new ConfigError(issues);
}

/** Features tried per split for `p` features (at least 1). */
export function resolveMaxFeatures(v: number | 'sqrt' | 'log2', p: number): number {
  let k: number;
  if (v === 'sqrt') k = Math.floor(Math.sqrt(p));
  else if (v === 'log2') k = Math.floor(Math.log2(p));
  else if (v <= 1) k = Math.floor(v * p);
  else k = v;
  return Math.min(p, Math.max(1, k));
}

/** Rows drawn per bootstrap sample from `n` training rows (at least 1). */
export function resolveMaxSamples(v: number | null, n: number): number {
  if (v === null) return n;
  const k = v <= 1 ? Math.round(v * n) : v;
  return Math.min(n, Math.max(1, k));
}
