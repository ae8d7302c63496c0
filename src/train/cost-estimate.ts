/**
 * A rough, documented estimate of what cross-validation will cost, made before anything is
 * fitted: `auto` compares it with `training.time_budget_s`, and an explicit `cv` whose budget
 * cannot hold one fold fails before training. Seconds per fit on one core of the reference
 * machine (2 cores, Node 20), from single-thread fits on concrete (800 × 8) and ames (2,300 × 73
 * ordinal / 304 one-hot): good to a factor of about two, which is what a go / no-go needs.
 */
import { getFamily } from '../models/families.js';
import type { CandidateSpec } from './candidates.js';

type Cost = (n: number, p: number, params: Record<string, unknown>) => number;

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

/** Seconds for one fit of n rows × p model columns (plus predicting a fold's held-out rows). */
const COSTS: Record<string, Cost> = {
  linear: (n, p) => 1e-3 + 1e-9 * n * p * p,
  ridge: (n, p) => 1e-3 + 4e-10 * n * p * p,
  lasso: (n, p) => 1e-3 + 3.6e-6 * n * p,
  elasticnet: (n, p) => 1e-3 + 1.5e-6 * n * p,
  tree: (n, p) => 3e-3 + 1.5e-7 * n * p,
  random_forest: (n, p, o) => 1e-2 + 1.5e-5 * n * p * (num(o.n_estimators, 100) / 100),
  extra_trees: (n, p, o) => 1e-2 + 3e-5 * n * p * (num(o.n_estimators, 100) / 100),
  gbdt: (n, p, o) => 2e-2 + 2e-6 * n * p * (num(o.max_iter, 300) / 300),
  svr: (n, p) => 3e-2 + 2e-9 * Math.min(n, 20_000) ** 2 * Math.sqrt(p),
  knn: (n, p) => 1e-3 + 2e-10 * n * n * p,
};
/** Families without an entry: a middling tree-ensemble-like cost. */
const DEFAULT_COST: Cost = (n, p) => 1e-2 + 1e-5 * n * p;

export function estimateFitSeconds(c: CandidateSpec, n: number, p: number): number {
  const cost = COSTS[c.model] ?? DEFAULT_COST;
  const trials = c.tuning ? Math.min(c.tuning.trials, 3) : 1;
  return cost(n, p, c.params) * trials;
}

export interface CvCostInput {
  readonly candidates: readonly CandidateSpec[];
  /** TRAIN+VAL rows. */
  readonly rows: number;
  /** Model-matrix columns per encoding (one-hot is wider). */
  readonly width: { readonly onehot: number; readonly ordinal: number };
  readonly folds: number;
  readonly repeats: number;
  /** Fits running at once. */
  readonly lanes: number;
}

export interface CvCost {
  /** Wall seconds of one fold over every candidate. */
  readonly perFold: number;
  /** Every fold and the refit on all rows. */
  readonly total: number;
}

/**
 * A fit in a cross-validation worker takes about twice its warm single-thread time: each worker
 * compiles every family's code afresh (V8's JIT), and two busy cores share memory bandwidth
 * (measured on concrete: 5 folds of the default candidates 1.95 s vs 0.85 s estimated warm).
 */
const WORKER_FACTOR = 2;
/** Starting the worker pool (loading the model families). */
const POOL_START_S = 0.4;

export function estimateCvCost(o: CvCostInput): CvCost {
  const nFit = Math.round((o.rows * (o.folds - 1)) / o.folds);
  let fold = 0;
  let refit = 0;
  for (const c of o.candidates) {
    const p = o.width[getFamily(c.model).input];
    fold += estimateFitSeconds(c, nFit, p);
    refit += estimateFitSeconds(c, o.rows, p);
  }
  const lanes = Math.max(1, o.lanes);
  const perFold = (WORKER_FACTOR * fold) / lanes;
  return {
    perFold,
    total: POOL_START_S + perFold * o.folds * o.repeats + (WORKER_FACTOR * refit) / lanes,
  };
}
