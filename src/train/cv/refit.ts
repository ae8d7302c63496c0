/**
 * The final models of cross-validated selection: every candidate that cross-validated, refitted
 * on all of TRAIN+VAL (a family that stopped early in its folds, gbdt, grows what its folds kept:
 * `ModelFamily.refitParams`), longest first so the runner's lanes finish together.
 */
import { getFamily } from '../../models/registry.js';
import type { InputEncoding } from '../../models/regressor.js';
import type { CandidateResult, PreparedData, TrainedCandidate } from '../model-trainer.js';
import { importanceBySource } from '../model-trainer.js';
import type { CvCandidate } from './cross-validate.js';
import type { JobRunner } from './job-runner.js';

export async function refitAll(
  cv: readonly CvCandidate[],
  results: CandidateResult[],
  runner: JobRunner,
  dataFor: (enc: InputEncoding) => PreparedData,
  seed: number,
  budgetS: number | null,
  /** A candidate the budget stopped early that was selected all the same (partial leaderboard). */
  partialChoice?: string,
): Promise<TrainedCandidate[]> {
  // Longest first, so the lanes finish together.
  const order = cv
    .map((_, k) => k)
    .filter((k) => cv[k].status === 'ok' || cv[k].spec.name === partialChoice)
    .sort((a, b) => cv[b].seconds - cv[a].seconds);
  const out: TrainedCandidate[] = cv.map((c, k) => ({ spec: c.spec, result: results[k] }));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const k = order[next++];
      const c = cv[k];
      const family = getFamily(c.spec.model);
      const params = family.refitParams?.(c.spec.params, c.iterations) ?? c.spec.params;
      const d = dataFor(family.input);
      const r = await runner.run(
        {
          name: c.spec.name,
          model: c.spec.model,
          params,
          features: d.features,
          X: d.train.X,
          y: d.train.y,
          seed,
          budgetS,
          threads: runner.lanes > 1 ? 1 : undefined,
        },
        true,
      );
      const result = results[k];
      result.fit_seconds = r.seconds;
      if (!r.ok || !r.fitted) {
        result.status = 'failed';
        result.error = `refit on all rows: ${r.error}`;
        continue;
      }
      if (params !== c.spec.params) {
        result.params = params;
        result.notes.push(`refitted on all rows with ${changed(c.spec.params, params)} (from its folds)`);
      }
      if (result.status === 'skipped') {
        const k = result.cv?.folds.filter((v) => !Number.isNaN(v)).length ?? 0;
        result.notes.push(
          `selected on ${k} of ${result.cv?.folds.length} folds: the time budget ran out before the rest (${result.error})`,
        );
        result.status = 'ok';
        delete result.error;
      }
      result.feature_importance = importanceBySource(r.fitted.featureImportances(), d.features);
      out[k] = { spec: c.spec, result, fitted: r.fitted };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
  return out;
}

/** "max_iter 112, early_stopping false": the params a refit changed. */
function changed(before: Record<string, unknown>, after: Record<string, unknown>): string {
  return Object.keys(after)
    .filter((k) => after[k] !== before[k])
    .map((k) => `${k} ${String(after[k])}`)
    .join(', ');
}
