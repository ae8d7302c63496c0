/**
 * Cross-validation of every candidate: for each fold, preprocessing is fitted on the fold's
 * fitting rows, each candidate is fitted there (stopping early on the fold's held-out rows when
 * it stops early) and predicts the held-out rows. Out: per candidate, the selection metric on
 * each fold and the out-of-fold predictions of each repeat. Jobs run fold-major on the runner's
 * lanes; each result lands at its own index, so the outcome does not depend on which lane
 * finished first.
 */
import type { Frame } from '../../data/frame.js';
import type { Metric } from '../../metrics/regression.js';
import { getFamily } from '../../models/families.js';
import type { InputEncoding } from '../../models/regressor.js';
import type { PreprocessConfig } from '../../preprocess/index.js';
import type { CandidateSpec } from '../candidates.js';
import type { FitJob, FitResult } from './fit-job.js';
import { type FoldData, prepareFold } from './fold-data.js';
import type { Fold } from './folds.js';
import type { JobRunner } from './job-runner.js';

export interface CvCandidate {
  readonly spec: CandidateSpec;
  status: 'ok' | 'failed' | 'skipped';
  error?: string;
  /** Selection metric per fold (fold order of `folds`); NaN where the fold did not run. */
  readonly foldScores: Float64Array;
  /** Out-of-fold predictions per repeat (NaN where a fold did not run). */
  readonly oof: Float64Array[];
  /** Boosting rounds each fold's model kept, when the family reports them. */
  readonly iterations: number[];
  /** Fit seconds summed over folds. */
  seconds: number;
  readonly notes: string[];
}

export type CvEvent =
  | { type: 'cv_start'; fits: number; folds: number; candidates: number; lanes: number }
  | { type: 'cv_fit_end'; name: string; fold: number; done: number; total: number }
  | { type: 'cv_candidate_end'; result: CvCandidate; metric: Metric };

export interface CrossValidateInput {
  /** Features of the CV rows (TRAIN+VAL), their targets and the folds over them. */
  readonly frame: Frame;
  readonly y: Float64Array;
  readonly folds: readonly Fold[];
  readonly candidates: readonly CandidateSpec[];
  readonly preprocessing: PreprocessConfig;
  readonly metric: Metric;
  readonly seed: number;
  readonly runner: JobRunner;
  /** Seconds one fit may take (null: no limit). */
  readonly fitBudgetS: number | null;
  /** performance.now() after which no new fit starts (null: none). */
  readonly deadline: number | null;
  readonly onEvent?: (e: CvEvent) => void;
}

export async function crossValidate(input: CrossValidateInput): Promise<CvCandidate[]> {
  const { folds, candidates, runner, onEvent } = input;
  const nRepeats = Math.max(...folds.map((f) => f.repeat)) + 1;
  const results: CvCandidate[] = candidates.map((spec) => ({
    spec,
    status: 'ok',
    foldScores: new Float64Array(folds.length).fill(Number.NaN),
    oof: Array.from({ length: nRepeats }, () => new Float64Array(input.y.length).fill(Number.NaN)),
    iterations: [],
    seconds: 0,
    notes: [],
  }));
  // What each fold's fit said, kept by fold so the summary reads the same whichever lane finished first.
  const records = candidates.map(() => new Array<FoldRecord | undefined>(folds.length));
  const encodings = [...new Set(candidates.map((c) => getFamily(c.model).input))];
  const data = foldCache(input, encodings);
  const total = folds.length * candidates.length;
  const remaining = new Int32Array(folds.length).fill(candidates.length);
  const left = new Int32Array(candidates.length).fill(folds.length);
  onEvent?.({
    type: 'cv_start',
    fits: total,
    folds: folds.length,
    candidates: candidates.length,
    lanes: runner.lanes,
  });
  let done = 0;
  const finish = (f: number, c: number): void => {
    if (--remaining[f] === 0) data.release(f);
    if (--left[c] > 0) return;
    summarise(results[c], records[c], folds);
    onEvent?.({ type: 'cv_candidate_end', result: results[c], metric: input.metric });
  };
  await lanes(total, runner.lanes, async (job) => {
    const f = Math.floor(job / candidates.length);
    const c = job % candidates.length;
    const r = results[c];
    if (r.status === 'ok' && input.deadline !== null && performance.now() > input.deadline) {
      r.status = 'skipped';
      r.error = `cross-validation stopped after ${folds.length - left[c]} of ${folds.length} folds: the run's time budget was used up`;
    }
    if (r.status !== 'ok') return finish(f, c);
    const family = getFamily(r.spec.model);
    const m = data.get(f).get(family.input)!;
    const fitJob: FitJob = {
      name: r.spec.name,
      model: r.spec.model,
      params: family.foldParams?.(r.spec.params) ?? r.spec.params,
      features: m.features,
      X: m.fit.X,
      y: m.fit.y,
      held: m.held,
      seed: input.seed,
      budgetS: input.fitBudgetS,
      threads: runner.lanes > 1 ? 1 : undefined,
    };
    const out = await runner.run(fitJob, false).catch(
      (e: unknown): FitResult => ({
        ok: false,
        error: e instanceof Error ? e.message : String(e),
        seconds: 0,
        notes: [],
      }),
    );
    r.seconds += out.seconds;
    if (!out.ok || !out.pred) {
      r.status = 'failed';
      records[c][f] = { notes: [], error: out.error ?? 'no predictions' };
      return finish(f, c);
    }
    const fold = folds[f];
    const oof = r.oof[fold.repeat];
    for (let k = 0; k < fold.held.length; k++) oof[fold.held[k]] = out.pred[k];
    r.foldScores[f] = input.metric.compute(m.held.y, out.pred);
    records[c][f] = { notes: out.notes, iterations: out.iterations };
    onEvent?.({ type: 'cv_fit_end', name: r.spec.name, fold: f, done: ++done, total });
    finish(f, c);
  });
  return results;
}

interface FoldRecord {
  readonly notes: readonly string[];
  readonly iterations?: number;
  readonly error?: string;
}

/** Fold order: the first failure's message, each fold's rounds, and the distinct notes. */
function summarise(
  r: CvCandidate,
  records: readonly (FoldRecord | undefined)[],
  folds: readonly Fold[],
): void {
  records.forEach((rec, f) => {
    if (!rec) return;
    if (rec.error !== undefined && r.error === undefined) {
      r.error = `fold ${folds[f].fold + 1} of repeat ${folds[f].repeat + 1}: ${rec.error}`;
    }
    if (rec.iterations !== undefined) r.iterations.push(rec.iterations);
    // Per-fold early-stopping notes differ only in their numbers; the rounds are summarised apart.
    for (const note of rec.notes) if (!/iteration/.test(note) && !r.notes.includes(note)) r.notes.push(note);
  });
}

/**
 * Fold matrices prepared on first use and dropped once every candidate's job on the fold ran;
 * jobs run fold-major, so only the folds in flight are held in memory.
 */
function foldCache(input: CrossValidateInput, encodings: InputEncoding[]) {
  const cache = new Map<number, FoldData>();
  const shared = input.runner.lanes > 1;
  return {
    get(f: number): FoldData {
      let d = cache.get(f);
      if (!d) {
        const fold = input.folds[f];
        d = prepareFold(input.frame, input.y, fold, encodings, input.preprocessing, shared);
        cache.set(f, d);
      }
      return d;
    },
    release(f: number): void {
      cache.delete(f);
    },
  };
}

/** Run jobs 0..count-1 with `width` in flight, in order of their numbers. */
async function lanes(count: number, width: number, run: (job: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await run(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, count)) }, lane));
}
