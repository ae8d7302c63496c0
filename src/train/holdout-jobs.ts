/**
 * Holdout training with the candidates as jobs on a runner (a queue of worker processes): each
 * fits on TRAIN (VAL for early stopping) where a worker is free, longest first by the cost model
 * so the lanes finish together, and its model comes back to be evaluated here exactly as a local
 * fit would be. A tuned candidate's trials are jobs too: the same seeded draws as a local search,
 * scored on VAL, the best kept (ties to the earlier trial); when the tuning budget runs out no
 * further trial starts.
 */
import { getMetric, isBetter } from '../metrics/regression.js';
import { getFamily } from '../models/families.js';
import type { FittedRegressor, InputEncoding } from '../models/regressor.js';
import type { CandidateSpec } from './candidates.js';
import { estimateFitSeconds } from './cost-estimate.js';
import type { FitResult } from './cv/fit-job.js';
import type { JobRunner } from './cv/job-runner.js';
import {
  importanceBySource,
  type ModelTrainer,
  minBudget,
  noValForTuning,
  type PreparedData,
  recordTuning,
  type TrainedCandidate,
  type TuningTrial,
  trialParams,
} from './model-trainer.js';

/** Every candidate of `trainer` fitted on `runner`'s lanes; results in the candidates' order. */
export async function trainOnRunner(
  trainer: ModelTrainer,
  runner: JobRunner,
  data: (enc: InputEncoding) => PreparedData,
): Promise<TrainedCandidate[]> {
  const start = performance.now();
  const specs = trainer.candidates;
  const cost = specs.map((c) => {
    const d = data(getFamily(c.model).input);
    return estimateFitSeconds(c, d.train.y.length, d.train.X.cols);
  });
  const order = specs.map((_, k) => k).sort((a, b) => cost[b] - cost[a] || a - b);
  const out = new Array<TrainedCandidate>(specs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const k = order[next++];
      out[k] = specs[k].tuning
        ? await tuneAsJobs(trainer, runner, k, data, start)
        : await fitAsJob(trainer, runner, k, data, start);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
  return out;
}

/** One job: fit `params` on TRAIN with VAL held out; a thrown error comes back as a failed result. */
function fitJob(
  trainer: ModelTrainer,
  runner: JobRunner,
  spec: CandidateSpec,
  d: PreparedData,
  params: Record<string, unknown>,
  budgetS: number | null,
): Promise<FitResult> {
  return runner
    .run(
      {
        name: spec.name,
        model: spec.model,
        params,
        features: d.features,
        X: d.train.X,
        y: d.train.y,
        ...(d.val.y.length ? { held: d.val } : {}),
        seed: trainer.options.seed,
        budgetS,
        threads: 1,
      },
      true,
    )
    .catch(
      (e: unknown): FitResult => ({
        ok: false,
        error: e instanceof Error ? e.message : String(e),
        seconds: 0,
        notes: [],
      }),
    );
}

/**
 * A tuned candidate: its trials as jobs (at most the runner's lanes at once), scored on VAL;
 * trial 0 (the configured params) always runs within the candidate's budget, later ones start
 * only before the tuning deadline. Failures are recorded, not thrown.
 */
async function tuneAsJobs(
  trainer: ModelTrainer,
  runner: JobRunner,
  k: number,
  data: (enc: InputEncoding) => PreparedData,
  start: number,
): Promise<TrainedCandidate> {
  const { spec, begun, d } = startCandidate(trainer, k, data, start);
  const { result } = begun;
  if (result.status === 'skipped') return begun;
  const t0 = performance.now();
  const budget = trainer.budgetFrom(start);
  const limit = minBudget(spec.tuning!.time_budget_s, budget);
  const metric = getMetric(trainer.options.tuneMetric ?? 'r2');
  const params = trialParams(spec, trainer.options.seed, d.train.y.length);
  const runs = new Array<{ trial: TuningTrial; fitted?: FittedRegressor } | undefined>(params.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < params.length) {
      const t = next++;
      const elapsed = (performance.now() - t0) / 1000;
      if (t > 0 && limit !== null && elapsed >= limit) return;
      const r = await fitJob(
        trainer,
        runner,
        spec,
        d,
        params[t],
        t === 0 ? budget : limit === null ? null : limit - elapsed,
      );
      runs[t] =
        r.ok && r.fitted && r.pred
          ? {
              trial: {
                params: params[t],
                val_score: metric.compute(d.val.y, r.pred),
                fit_seconds: r.seconds,
                status: 'ok',
              },
              fitted: r.fitted,
            }
          : {
              trial: {
                params: params[t],
                fit_seconds: r.seconds,
                status: 'failed',
                error: r.error ?? 'no model',
              },
            };
    }
  };
  try {
    if (d.val.y.length === 0) throw noValForTuning(spec);
    await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
    const done = runs.filter((x) => x !== undefined);
    let best: (typeof done)[number] | undefined;
    for (const x of done)
      if (x.fitted && (!best || isBetter(metric, x.trial.val_score!, best.trial.val_score!))) best = x;
    const bestRecord = best ? { score: best.trial.val_score!, params: best.trial.params } : undefined;
    recordTuning(
      spec,
      result,
      metric,
      done.map((x) => x.trial),
      bestRecord,
    );
    result.fit_seconds = (performance.now() - t0) / 1000;
    const fitted = best!.fitted!;
    result.notes.push(...fitted.notes);
    result.feature_importance = importanceBySource(fitted.featureImportances(), d.features);
    trainer.options.onEvent?.({ type: 'model_end', name: spec.name, result });
    return { spec, result, fitted };
  } catch (e) {
    result.status = 'failed';
    result.error = e instanceof Error ? e.message : String(e);
    result.fit_seconds = (performance.now() - t0) / 1000;
    trainer.options.onEvent?.({ type: 'model_end', name: spec.name, result });
    return { spec, result };
  }
}

/** Candidate `k`'s record (skipped when the run's budget is used up) and its prepared data. */
function startCandidate(
  trainer: ModelTrainer,
  k: number,
  data: (enc: InputEncoding) => PreparedData,
  start: number,
): { spec: CandidateSpec; begun: TrainedCandidate; d: PreparedData } {
  const spec = trainer.candidates[k];
  return { spec, begun: trainer.begin(spec, k, start), d: data(getFamily(spec.model).input) };
}

/** One untuned candidate fitted as a job; a failure is recorded, not thrown. */
async function fitAsJob(
  trainer: ModelTrainer,
  runner: JobRunner,
  k: number,
  data: (enc: InputEncoding) => PreparedData,
  start: number,
): Promise<TrainedCandidate> {
  const { spec, begun, d } = startCandidate(trainer, k, data, start);
  const { result } = begun;
  if (result.status === 'skipped') return begun;
  const r = await fitJob(trainer, runner, spec, d, spec.params, trainer.budgetFrom(start));
  result.fit_seconds = r.seconds;
  const fitted = r.ok ? r.fitted : undefined;
  if (!fitted) {
    result.status = 'failed';
    result.error = r.error ?? 'the job returned no model';
  } else {
    result.notes.push(...fitted.notes);
    result.feature_importance = importanceBySource(r.importances ?? fitted.featureImportances(), d.features);
  }
  trainer.options.onEvent?.({ type: 'model_end', name: spec.name, result });
  return fitted ? { spec, result, fitted } : { spec, result };
}
