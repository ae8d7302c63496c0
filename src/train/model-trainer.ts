/**
 * ModelTrainer (the seed's STEP 4–6): trains every candidate, evaluates all of them on train,
 * val and test, and selects the best by a metric on a chosen split. One failing or over-budget
 * candidate is recorded and the run goes on.
 */

import type { CandidateJson, CvScoreJson, SplitName, TuningTrialJson } from '../artifacts/run-json.js';
import { ModelError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { takeRows } from '../core/matrix.js';
import { resolveParams } from '../core/params.js';
import { Rng } from '../core/random.js';
import { sampleParams } from '../core/search-space.js';
import { getMetric, isBetter, type MetricName, type MetricValues, scoreAll } from '../metrics/regression.js';
import { getFamily } from '../models/families.js';
import type { FeatureInfo, FittedRegressor, InputEncoding } from '../models/regressor.js';
import { deadlineSignal } from './budget.js';
import type { CandidateSpec } from './candidates.js';

export interface XY {
  readonly X: Matrix;
  readonly y: Float64Array;
}

/** Train/val/test matrices as one preprocessor (of one encoding) produced them. */
export interface PreparedData {
  readonly features: readonly FeatureInfo[];
  readonly train: XY;
  readonly val: XY;
  readonly test: XY;
}

export type { SplitName };

/**
 * One candidate's record in results.json: status, params, scores per split, cross-validation,
 * tuning, importances and notes. The run-folder format defines it; training fills it in.
 */
export type CandidateResult = CandidateJson;

/** Cross-validated selection metric of a candidate: the results.json record (artifacts owns the format). */
export type CvScore = CvScoreJson;

/** One trial of a candidate's tuning, as results.json records it. */
export type TuningTrial = TuningTrialJson;

/**
 * A candidate after training: its spec and record, its fitted model when kept, and predictions
 * reused later.
 */
export interface TrainedCandidate {
  spec: CandidateSpec;
  result: CandidateResult;
  fitted?: FittedRegressor;
  /**
   * Predictions evaluateAll made (train: on its sample of TRAIN rows), kept for what follows —
   * the holdout ensemble weighs the VAL ones, calibration and the saved profile reuse TEST —
   * so a slow model (a large SVR, an ensemble of forests) predicts each split once. Not saved.
   */
  preds?: Partial<Record<SplitName, Float64Array>>;
  /**
   * An ensemble's members (as they were evaluated) and weights, in the ensemble's order: its
   * predictions on a split are their weighted sum, which is what FittedEnsemble.predict computes.
   */
  blendOf?: { readonly members: readonly TrainedCandidate[]; readonly weights: readonly number[] };
}

export type TrainerEvent =
  | { type: 'model_start'; name: string; index: number; total: number }
  | { type: 'model_progress'; name: string; fraction: number }
  | { type: 'model_end'; name: string; result: CandidateResult };

export interface TrainerOptions {
  seed: number;
  /** Train-split metrics use a seeded sample of at most this many rows (null = all): k-NN and SVR predict slowly. */
  trainMetricsRows?: number | null;
  /** Metric that tuning maximises (its direction declared by the metric); default r2. */
  tuneMetric?: MetricName;
  candidateBudgetS: number | null;
  totalBudgetS: number | null;
  threads?: number | null;
  onEvent?: (e: TrainerEvent) => void;
}

/**
 * Trains, tunes and scores the candidates of a run within their time budgets, each on the encoding
 * its family wants.
 */
export class ModelTrainer {
  readonly candidates: readonly CandidateSpec[];
  readonly options: TrainerOptions;

  constructor(candidates: readonly CandidateSpec[], options: TrainerOptions) {
    this.candidates = candidates;
    this.options = options;
  }

  /** Encodings the candidates need, so the pipeline fits only those preprocessors. */
  encodings(): InputEncoding[] {
    return [...new Set(this.candidates.map((c) => getFamily(c.model).input))];
  }

  /** Fit every candidate on TRAIN (VAL only for early stopping), one after another. */
  async trainAll(data: (enc: InputEncoding) => PreparedData): Promise<TrainedCandidate[]> {
    const start = performance.now();
    const out: TrainedCandidate[] = [];
    for (const [index, spec] of this.candidates.entries())
      out.push(await this.trainOne(spec, index, data, start));
    return out;
  }

  /**
   * A candidate's record before it is fitted, or its `skipped` record when the run's budget (from
   * `start`) is used up; emits model_start or model_end accordingly.
   */
  begin(spec: CandidateSpec, index: number, start: number): TrainedCandidate {
    const { totalBudgetS, onEvent } = this.options;
    const result: CandidateResult = {
      name: spec.name,
      model: spec.model,
      status: 'ok',
      params: spec.params,
      encoding: getFamily(spec.model).input,
      fit_seconds: 0,
      notes: [],
    };
    const elapsed = (performance.now() - start) / 1000;
    if (totalBudgetS !== null && elapsed >= totalBudgetS) {
      result.status = 'skipped';
      result.error = `not started: the run's time budget of ${totalBudgetS} s was used up`;
      onEvent?.({ type: 'model_end', name: spec.name, result });
    } else onEvent?.({ type: 'model_start', name: spec.name, index, total: this.candidates.length });
    return { spec, result };
  }

  /** The seconds a candidate started now may take: its own budget within what the run has left. */
  budgetFrom(start: number): number | null {
    const { candidateBudgetS, totalBudgetS } = this.options;
    const elapsed = (performance.now() - start) / 1000;
    return minBudget(candidateBudgetS, totalBudgetS === null ? null : totalBudgetS - elapsed);
  }

  /** Fit (and tune) one candidate in this process; a failure is recorded, not thrown. */
  async trainOne(
    spec: CandidateSpec,
    index: number,
    data: (enc: InputEncoding) => PreparedData,
    start: number,
  ): Promise<TrainedCandidate> {
    const { seed, onEvent } = this.options;
    const family = getFamily(spec.model);
    const begun = this.begin(spec, index, start);
    const { result } = begun;
    if (result.status === 'skipped') return begun;
    const budget = this.budgetFrom(start);
    const t0 = performance.now();
    try {
      const d = data(family.input);
      const fit = (
        params: Record<string, unknown>,
        budgetS: number | null,
        progress: (f: number) => void,
        onValPredictions?: (pred: Float64Array) => void,
      ) =>
        family.create(params).fit(d.train.X, d.train.y, {
          features: d.features,
          seed,
          val: d.val.y.length ? d.val : undefined,
          signal: deadlineSignal(budgetS),
          threads: this.options.threads ?? undefined,
          onProgress: progress,
          onValPredictions,
        });
      const progress = (fraction: number) => onEvent?.({ type: 'model_progress', name: spec.name, fraction });
      // Early stopping predicted VAL with the returned model already: evaluateAll reuses them.
      let val: Float64Array | undefined;
      const fitted = spec.tuning
        ? await this.tune(spec, d, budget, fit, result, progress)
        : await fit(spec.params, budget, progress, (p) => {
            val = p;
          });
      result.fit_seconds = (performance.now() - t0) / 1000;
      result.notes.push(...fitted.notes);
      result.feature_importance = importanceBySource(fitted.featureImportances(), d.features);
      onEvent?.({ type: 'model_end', name: spec.name, result });
      return { spec, result, fitted, ...(val ? { preds: { val } } : {}) };
    } catch (e) {
      result.fit_seconds = (performance.now() - t0) / 1000;
      result.status = 'failed';
      result.error = e instanceof Error ? e.message : String(e);
      onEvent?.({ type: 'model_end', name: spec.name, result });
      return { spec, result };
    }
  }

  /**
   * Seeded random search on VAL: trial 0 is the configured params, the others draw the family's
   * search space over them. Each trial fits on TRAIN only; the best VAL score (by the selection
   * metric) wins. Stops starting trials when the tuning or candidate budget runs out and keeps
   * the best so far; trial 0 always runs to the end of the candidate budget.
   */
  private async tune(
    spec: CandidateSpec,
    d: PreparedData,
    budgetS: number | null,
    fit: (
      params: Record<string, unknown>,
      budgetS: number | null,
      progress: (f: number) => void,
    ) => Promise<FittedRegressor>,
    result: CandidateResult,
    progress: (fraction: number) => void,
  ): Promise<FittedRegressor> {
    const tuning = spec.tuning!;
    if (d.val.y.length === 0) {
      throw noValForTuning(spec);
    }
    const metric = getMetric(this.options.tuneMetric ?? 'r2');
    const limit = minBudget(tuning.time_budget_s, budgetS);
    const trials = trialParams(spec, this.options.seed, d.train.y.length);
    const t0 = performance.now();
    const history: TuningTrial[] = [];
    let best: { fitted: FittedRegressor; score: number; params: Record<string, unknown> } | undefined;
    for (let trial = 0; trial < tuning.trials; trial++) {
      const elapsed = (performance.now() - t0) / 1000;
      if (limit !== null && elapsed >= limit) break;
      const params = trials[trial];
      const t1 = performance.now();
      // Trial 0 (the configured params) is the candidate untuned: only the candidate's budget
      // bounds it, so tuning never leaves a candidate worse off than not tuning. Later trials
      // stop at the tuning deadline.
      const trialBudget = trial === 0 ? budgetS : limit === null ? null : limit - elapsed;
      try {
        const fitted = await fit(params, trialBudget, (f) => progress((trial + f) / tuning.trials));
        const score = metric.compute(d.val.y, fitted.predict(d.val.X));
        history.push({
          params,
          val_score: score,
          fit_seconds: (performance.now() - t1) / 1000,
          status: 'ok',
        });
        if (!best || isBetter(metric, score, best.score)) best = { fitted, score, params };
      } catch (e) {
        history.push({
          params,
          fit_seconds: (performance.now() - t1) / 1000,
          status: 'failed',
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    recordTuning(spec, result, metric, history, best);
    return best!.fitted;
  }

  /** R², RMSE, MAE, MAPE and median AE on train, val and test for every fitted candidate. */
  evaluateAll(trained: TrainedCandidate[], data: (enc: InputEncoding) => PreparedData): void {
    for (const t of trained) {
      // A final model scored where it was fitted brings its predictions instead (cross-validation);
      // a fitted one may bring its VAL predictions (made while it stopped early).
      const ready = t.fitted ? (t.preds?.val ? { val: t.preds.val } : undefined) : t.preds;
      if (!t.fitted && !ready) continue;
      const d = data(t.result.encoding);
      const metrics: Partial<Record<SplitName, MetricValues>> = {};
      try {
        const t0 = performance.now();
        for (const split of ['train', 'val', 'test'] as const) {
          const { X, y } = split === 'train' ? this.trainSample(d) : d[split];
          if (y.length === 0) continue;
          const p = blended(t, split) ?? ready?.[split] ?? t.fitted!.predict(X);
          t.preds = { ...t.preds, [split]: p };
          if (split === 'test' && t.fitted) t.result.predict_seconds = (performance.now() - t0) / 1000;
          if (!p.every(Number.isFinite)) throw new Error(`predictions on ${split} contain non-finite values`);
          metrics[split] = scoreAll(y, p);
        }
        t.result.metrics = metrics;
      } catch (e) {
        t.result.status = 'failed';
        t.result.error = `evaluation failed: ${e instanceof Error ? e.message : String(e)}`;
        t.fitted = undefined;
        t.preds = undefined;
      }
    }
  }

  private readonly samples = new WeakMap<PreparedData, XY>();

  /** The matrices evaluateAll scores a candidate on: its TRAIN sample and TEST. */
  metricRows(d: PreparedData): { train: Matrix; test: Matrix } {
    return { train: this.trainSample(d).X, test: d.test.X };
  }

  /** Seeded sample of TRAIN rows for train metrics (the same rows for every candidate). */
  private trainSample(d: PreparedData): XY {
    const cap = this.options.trainMetricsRows ?? null;
    if (cap === null || d.train.y.length <= cap) return d.train;
    let s = this.samples.get(d);
    if (!s) {
      const idx = new Rng(this.options.seed).permutation(d.train.y.length).slice(0, cap).sort();
      s = { X: takeRows(d.train.X, idx), y: Float64Array.from(idx, (i) => d.train.y[i]) };
      this.samples.set(d, s);
    }
    return s;
  }

  /** The best candidate by `metric` on `on` (the metric declares its direction); undefined if none is ok. */
  selectBest(
    trained: TrainedCandidate[],
    metricName: MetricName,
    on: SplitName,
  ): TrainedCandidate | undefined {
    const metric = getMetric(metricName);
    let best: TrainedCandidate | undefined;
    for (const t of trained) {
      const v = t.result.metrics?.[on]?.[metricName];
      if (!t.fitted || v === undefined) continue;
      const bv = best?.result.metrics?.[on]?.[metricName];
      if (best === undefined || bv === undefined || isBetter(metric, v, bv)) best = t;
    }
    return best;
  }
}

/**
 * An ensemble's predictions from its members' kept ones: Σ weight × member, members in order —
 * the sum FittedEnsemble.predict computes, to the bit. Undefined when a member has none.
 */
function blended(t: TrainedCandidate, split: SplitName): Float64Array | undefined {
  const b = t.blendOf;
  if (!b || b.members.some((m) => !m.preds?.[split])) return undefined;
  const out = new Float64Array(b.members[0].preds![split]!.length);
  b.members.forEach((m, k) => {
    const p = m.preds![split]!;
    const w = b.weights[k];
    for (let i = 0; i < out.length; i++) out[i] += w * p[i];
  });
  return out;
}

/** The tighter of two budgets in seconds (null: none), never below 0. */
export function minBudget(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(0, Math.min(a, b));
}

/** Sum matrix-column importances into the input columns they come from. */
export function importanceBySource(
  imp: Float64Array,
  features: readonly FeatureInfo[],
): Record<string, number> {
  const out: Record<string, number> = {};
  features.forEach((f, j) => {
    out[f.source] = (out[f.source] ?? 0) + (imp[j] ?? 0);
  });
  const sorted = Object.entries(out).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(sorted);
}

/** A tuned candidate without VAL rows: the error, named. */
export function noValForTuning(spec: CandidateSpec): ModelError {
  return new ModelError(
    'no_val',
    `${spec.name}: tuning needs validation rows; set split.val > 0 or drop tuning`,
  );
}

/**
 * The params of every tuning trial of `spec` on VAL, in trial order: trial 0 is the configured
 * params, the others seeded draws from the family's search space over them (the same draws
 * whether the trials then run one by one or as parallel jobs).
 */
export function trialParams(spec: CandidateSpec, seed: number, trainRows: number): Record<string, unknown>[] {
  const rng = new Rng(seed ^ 0x7f4a7c15);
  const family = getFamily(spec.model);
  const space = family.searchSpace!;
  return Array.from({ length: spec.tuning!.trials }, (_, t) =>
    t === 0
      ? spec.params
      : resolveParams(family.params, { ...spec.params, ...sampleParams(space, rng, trainRows) }),
  );
}

/**
 * The tuning's record in the candidate's result (the winner's params, every trial run, a note);
 * without a successful trial, the error.
 */
export function recordTuning(
  spec: CandidateSpec,
  result: CandidateResult,
  metric: { readonly name: MetricName },
  history: readonly TuningTrial[],
  best: { readonly score: number; readonly params: Record<string, unknown> } | undefined,
): void {
  if (!best)
    throw new ModelError(
      'tuning_failed',
      `${spec.name}: no tuning trial succeeded (${history[0]?.error ?? 'no time'})`,
    );
  result.params = best.params;
  result.tuning = {
    metric: metric.name,
    on: 'val',
    trials_requested: spec.tuning!.trials,
    trials_run: history.length,
    best_trial: history.findIndex((h) => h.val_score === best.score && h.params === best.params),
    history: [...history],
  };
  result.notes.push(
    `tuned on VAL: best of ${history.length} trials by ${metric.name} (${best.score.toPrecision(5)})`,
  );
}
