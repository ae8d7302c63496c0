/**
 * The final models of cross-validated selection: every candidate that cross-validated, refitted
 * on all of TRAIN+VAL (a family that stopped early in its folds, gbdt, grows what its folds kept:
 * `ModelFamily.refitParams`), longest first so the runner's lanes finish together. A final model
 * this thread will not use (neither selected nor weighted by the ensemble) is scored where it
 * was fitted: its predictions on the metric rows come back instead of the model.
 */
import type { Matrix } from '../../core/matrix.js';
import { getFamily } from '../../models/families.js';
import type { InputEncoding } from '../../models/regressor.js';
import type { CandidateResult, PreparedData, TrainedCandidate } from '../model-trainer.js';
import { importanceBySource } from '../model-trainer.js';
import type { CvCandidate } from './cross-validate.js';
import type { FitResult } from './fit-job.js';
import type { JobRunner } from './job-runner.js';

export interface RefitOptions {
  readonly seed: number;
  readonly budgetS: number | null;
  /** A candidate the budget stopped early that was selected all the same (partial leaderboard). */
  readonly partialChoice?: string;
  /** Candidates whose final model this thread needs: the selected one, the ensemble's members. */
  readonly keepModel: (name: string) => boolean;
  /** The rows a final model is scored on (evaluateAll's): its train sample and TEST. */
  readonly metricRows: (d: PreparedData) => { readonly train: Matrix; readonly test: Matrix };
}

export async function refitAll(
  cv: readonly CvCandidate[],
  results: CandidateResult[],
  runner: JobRunner,
  dataFor: (enc: InputEncoding) => PreparedData,
  o: RefitOptions,
): Promise<TrainedCandidate[]> {
  // Longest first, so the lanes finish together.
  const order = cv
    .map((_, k) => k)
    .filter((k) => cv[k].status === 'ok' || cv[k].spec.name === o.partialChoice)
    .sort((a, b) => cv[b].seconds - cv[a].seconds);
  const out: TrainedCandidate[] = cv.map((c, k) => ({ spec: c.spec, result: results[k] }));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const k = order[next++];
      out[k] = await refitOne(cv[k], results[k], runner, dataFor, o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
  return out;
}

/** Refit one candidate on all rows: its final model, or (not kept) its predictions on the metric rows. */
export async function refitOne(
  c: CvCandidate,
  result: CandidateResult,
  runner: JobRunner,
  dataFor: (enc: InputEncoding) => PreparedData,
  o: RefitOptions,
): Promise<TrainedCandidate> {
  const family = getFamily(c.spec.model);
  const params = family.refitParams?.(c.spec.params, c.iterations) ?? c.spec.params;
  const d = dataFor(family.input);
  const keep = o.keepModel(c.spec.name);
  const rows = keep ? null : o.metricRows(d);
  const r = await runner.run(
    {
      name: c.spec.name,
      model: c.spec.model,
      params,
      features: d.features,
      X: d.train.X,
      y: d.train.y,
      ...(rows ? { predict: [rows.train, rows.test] } : {}),
      seed: o.seed,
      budgetS: o.budgetS,
      threads: runner.lanes > 1 ? 1 : undefined,
    },
    keep,
  );
  result.fit_seconds = r.seconds;
  if (!r.ok || !(keep ? r.fitted : r.predictions)) {
    result.status = 'failed';
    result.error = `refit on all rows: ${r.error}`;
    return { spec: c.spec, result };
  }
  describeRefit(c, result, r, params);
  const imp = r.importances ?? r.fitted!.featureImportances();
  result.feature_importance = importanceBySource(imp, d.features);
  if (keep) return { spec: c.spec, result, fitted: r.fitted };
  result.predict_seconds = r.predictSeconds;
  const [train, test] = r.predictions!;
  return { spec: c.spec, result, preds: { train, test } };
}

/** The refit's notes: what the final model says of itself, the params its folds changed, a partial CV. */
function describeRefit(
  c: CvCandidate,
  result: CandidateResult,
  r: FitResult,
  params: Record<string, unknown>,
): void {
  // e.g. a forest's out-of-bag R² over all rows.
  for (const note of r.notes) if (!result.notes.includes(note)) result.notes.push(note);
  if (params !== c.spec.params) {
    result.params = params;
    const note = `refitted on all rows with ${changed(c.spec.params, params)} (from its folds)`;
    if (!result.notes.includes(note)) result.notes.push(note);
  }
  if (result.status === 'skipped') {
    const k = result.cv?.folds.filter((v) => !Number.isNaN(v)).length ?? 0;
    result.notes.push(
      `selected on ${k} of ${result.cv?.folds.length} folds: the time budget ran out before the rest (${result.error})`,
    );
    result.status = 'ok';
    delete result.error;
  }
}

/** "max_iter 112, early_stopping false": the params a refit changed. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>): string {
  return Object.keys(after)
    .filter((k) => after[k] !== before[k])
    .map((k) => `${k} ${String(after[k])}`)
    .join(', ');
}
