/**
 * Search spaces for hyperparameter tuning (random search on VAL, or successive halving inside
 * cross-validation), one per model family: the ranges a practitioner would try first (log scale
 * for penalties and rates; leaf sizes bounded by the training rows). A family without a space
 * cannot be tuned; asking for it is a ConfigError.
 */
import type { Rng } from '../core/random.js';

export type Dimension =
  | { kind: 'log'; min: number; max: number }
  | { kind: 'uniform'; min: number; max: number }
  /**
   * `rowsFraction`: the upper end shrinks to this fraction of the training rows (never below
   * `min`), so leaf sizes stay meaningful on small data (a 100-row leaf on 700 rows is a stump).
   */
  | { kind: 'int'; min: number; max: number; rowsFraction?: number }
  | { kind: 'choice'; values: readonly (string | number | boolean | null)[] };

export type SearchSpace = Record<string, Dimension>;

const forest: SearchSpace = {
  max_features: { kind: 'choice', values: [1, 0.7, 0.5, 0.33, 'sqrt'] },
  min_samples_leaf: { kind: 'int', min: 1, max: 10, rowsFraction: 0.01 },
};

export const SEARCH_SPACES: Readonly<Record<string, SearchSpace>> = {
  ridge: { alpha: { kind: 'log', min: 1e-3, max: 1e3 } },
  lasso: { alpha: { kind: 'log', min: 1e-5, max: 10 } },
  elasticnet: {
    alpha: { kind: 'log', min: 1e-5, max: 10 },
    l1_ratio: { kind: 'uniform', min: 0.05, max: 0.95 },
  },
  tree: {
    max_depth: { kind: 'choice', values: [null, 4, 6, 8, 12, 16] },
    min_samples_leaf: { kind: 'int', min: 1, max: 50 },
  },
  random_forest: forest,
  extra_trees: forest,
  // Shallow, strongly shrunk trees (scikit-learn GradientBoosting's depth 3) are in reach: on
  // small tabular data they often beat deep ones.
  gbdt: {
    learning_rate: { kind: 'log', min: 0.02, max: 0.3 },
    max_leaves: { kind: 'int', min: 8, max: 127 },
    max_depth: { kind: 'choice', values: [null, null, 3, 4, 6] },
    min_samples_leaf: { kind: 'int', min: 2, max: 100, rowsFraction: 0.02 },
    l2: { kind: 'log', min: 1e-3, max: 10 },
    colsample: { kind: 'uniform', min: 0.5, max: 1 },
    subsample: { kind: 'uniform', min: 0.6, max: 1 },
  },
  svr: { C: { kind: 'log', min: 0.1, max: 100 }, epsilon: { kind: 'log', min: 0.01, max: 1 } },
  knn: {
    n_neighbors: { kind: 'int', min: 2, max: 30 },
    weights: { kind: 'choice', values: ['uniform', 'distance'] },
  },
};

/** One seeded draw from a space; `rows` (training rows) bounds the dimensions scaled to it. */
export function sampleParams(
  space: SearchSpace,
  rng: Rng,
  rows = Number.POSITIVE_INFINITY,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(space)) {
    switch (d.kind) {
      case 'log':
        out[name] = Number(
          Math.exp(Math.log(d.min) + rng.next() * (Math.log(d.max) - Math.log(d.min))).toPrecision(4),
        );
        break;
      case 'uniform':
        out[name] = Number((d.min + rng.next() * (d.max - d.min)).toPrecision(4));
        break;
      case 'int': {
        const max = d.rowsFraction
          ? Math.max(d.min, Math.min(d.max, Math.floor(rows * d.rowsFraction)))
          : d.max;
        out[name] = d.min + rng.int(max - d.min + 1);
        break;
      }
      case 'choice':
        out[name] = d.values[rng.int(d.values.length)];
        break;
    }
  }
  return out;
}
