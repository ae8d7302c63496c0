/**
 * What cross-validation says of each candidate, as results.json records it: the selection
 * metric per fold with its mean, sample sd and standard error, the boosting rounds the folds
 * kept, the tuning record; and the pick — the best complete mean, the ensemble's nested mean
 * included.
 */
import { ModelError } from '../../core/errors.js';
import { isBetter, type Metric } from '../../metrics/regression.js';
import { getFamily } from '../../models/families.js';
import type { CandidateResult, CvScore } from '../model-trainer.js';
import type { CvCandidate } from './cross-validate.js';
import type { HalvingResult } from './halving.js';

/** Mean, sd and SE of the folds that ran (NaN where a fold did not). */
export function cvScore(foldScores: Float64Array, metric: Metric, repeats: number, seconds: number): CvScore {
  const done = [...foldScores].filter((v) => !Number.isNaN(v));
  const n = done.length;
  const mean = n ? done.reduce((a, b) => a + b, 0) / n : Number.NaN;
  const sd = n > 1 ? Math.sqrt(done.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return {
    metric: metric.name,
    mean,
    sd,
    se: n > 1 ? sd / Math.sqrt(n) : Number.NaN,
    folds: [...foldScores],
    repeats,
    complete: n === foldScores.length,
    seconds,
  };
}

/** results.json's entry for a cross-validated candidate (its final fit is added by the refit). */
export function cvResult(
  c: CvCandidate,
  metric: Metric,
  repeats: number,
  tuned?: HalvingResult,
): CandidateResult {
  const family = getFamily(c.spec.model);
  const notes = [...c.notes];
  if (tuned) {
    notes.push(
      `tuned inside cross-validation: trial ${tuned.bestTrial} best of ${tuned.trialsRun} by successive halving ` +
        '(its fold scores took part in choosing it, so they lean optimistic)',
    );
  }
  // Only families that stop early refit with their folds' rounds (a single tree reports 1).
  const rounds = family.refitParams ? c.iterations : [];
  if (rounds.length) {
    const lo = Math.min(...rounds);
    const hi = Math.max(...rounds);
    notes.push(
      `folds kept ${lo === hi ? lo : `${lo}–${hi}`} boosting rounds (early stopping on each fold's held-out rows)`,
    );
  }
  return {
    name: c.spec.name,
    model: c.spec.model,
    status: c.status,
    ...(c.error ? { error: c.error } : {}),
    params: c.spec.params,
    encoding: family.input,
    fit_seconds: 0,
    ...(tuned
      ? {
          tuning: {
            metric: metric.name,
            on: 'cv' as const,
            trials_requested: c.spec.tuning!.trials,
            trials_run: tuned.trialsRun,
            best_trial: tuned.bestTrial,
            history: tuned.history,
          },
        }
      : {}),
    cv: {
      ...cvScore(c.foldScores, metric, repeats, c.seconds),
      ...(rounds.length ? { iterations: rounds } : {}),
    },
    notes,
  };
}

/**
 * The best complete candidate by mean fold score; the ensemble wins only when strictly better.
 * When the time budget stopped every candidate early (a partial leaderboard), the best mean among
 * those that ran the most folds — `partial` says so.
 */
export function pickBest(
  results: readonly CandidateResult[],
  ensemble: { name: string; cv: CvScore } | null,
  metric: Metric,
): { name: string; cv: CvScore; partial: boolean } {
  let best: { name: string; cv: CvScore; partial: boolean } | null = null;
  for (const r of results) {
    if (r.status !== 'ok' || !r.cv?.complete) continue;
    if (!best || isBetter(metric, r.cv.mean, best.cv.mean)) best = { name: r.name, cv: r.cv, partial: false };
  }
  if (best && ensemble && isBetter(metric, ensemble.cv.mean, best.cv.mean))
    best = { ...ensemble, partial: false };
  if (best) return best;
  const ran = (s: CvScore) => s.folds.filter((v) => !Number.isNaN(v)).length;
  const partial = results.filter((r) => r.status === 'skipped' && r.cv && ran(r.cv) > 0);
  const most = Math.max(0, ...partial.map((r) => ran(r.cv!)));
  for (const r of partial) {
    if (ran(r.cv!) !== most) continue;
    if (!best || isBetter(metric, r.cv!.mean, best.cv.mean))
      best = { name: r.name, cv: r.cv!, partial: true };
  }
  if (best) return best;
  const why = results.map((r) => `  - ${r.name}: ${r.error ?? r.status}`).join('\n');
  throw new ModelError('all_failed', `No candidate was cross-validated successfully:\n${why}`);
}

/** "0.9123 ± 0.0150" */
export function fmtCv(s: CvScore): string {
  return `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`;
}
