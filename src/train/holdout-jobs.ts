/**
 * Holdout training with the candidates as jobs on a runner (a queue of worker processes): each
 * fits on TRAIN (VAL for early stopping) where a worker is free, longest first by the cost model
 * so the lanes finish together, and its model comes back to be evaluated here exactly as a local
 * fit would be. A tuned candidate runs its trials here, in this process (its random search is
 * sequential under a time budget).
 */
import { getFamily } from '../models/families.js';
import type { InputEncoding } from '../models/regressor.js';
import { estimateFitSeconds } from './cost-estimate.js';
import type { FitResult } from './cv/fit-job.js';
import type { JobRunner } from './cv/job-runner.js';
import {
  importanceBySource,
  type ModelTrainer,
  type PreparedData,
  type TrainedCandidate,
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
        ? await trainer.trainOne(specs[k], k, data, start)
        : await fitAsJob(trainer, runner, k, data, start);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
  return out;
}

/** One untuned candidate fitted as a job; a failure is recorded, not thrown. */
async function fitAsJob(
  trainer: ModelTrainer,
  runner: JobRunner,
  k: number,
  data: (enc: InputEncoding) => PreparedData,
  start: number,
): Promise<TrainedCandidate> {
  const spec = trainer.candidates[k];
  const begun = trainer.begin(spec, k, start);
  const { result } = begun;
  if (result.status === 'skipped') return begun;
  const d = data(getFamily(spec.model).input);
  const r = await runner
    .run(
      {
        name: spec.name,
        model: spec.model,
        params: spec.params,
        features: d.features,
        X: d.train.X,
        y: d.train.y,
        ...(d.val.y.length ? { held: d.val } : {}),
        seed: trainer.options.seed,
        budgetS: trainer.budgetFrom(start),
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
