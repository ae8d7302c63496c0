/**
 * Hyperparameter tuning inside cross-validation by successive halving (Jamieson & Talwalkar,
 * 2016; scikit-learn's HalvingRandomSearchCV with folds as the resource): every trial — the
 * configured params first, then seeded draws from the family's search space — is scored on one
 * fold; the best third go on to three folds, the best third of those to every fold. The trial
 * with the best mean over every fold wins. Each fold refits preprocessing on its own rows, so the
 * tuning never sees a held-out row it is scored on, and TEST not at all. Trials stop being
 * started when the tuning budget or the run's deadline passes; the deepest rung reached decides.
 */
import { resolveParams } from '../../core/params.js';
import { Rng } from '../../core/random.js';
import { sampleParams } from '../../core/search-space.js';
import { isBetter } from '../../metrics/regression.js';
import { getFamily } from '../../models/families.js';
import type { CandidateSpec } from '../candidates.js';
import type { TuningTrial } from '../model-trainer.js';
import { type CrossValidateInput, crossValidate } from './cross-validate.js';

/** Survivors per rung: the best 1/ETA. */
const ETA = 3;

export interface HalvingResult {
  /** The winning params (the configured ones when no other trial beat them). */
  readonly params: Record<string, unknown>;
  readonly trialsRun: number;
  readonly bestTrial: number;
  /** Every trial: its params, mean score over the folds it reached, and how many. */
  readonly history: (TuningTrial & { folds: number })[];
}

export async function tuneByHalving(
  spec: CandidateSpec,
  input: Omit<CrossValidateInput, 'candidates' | 'onEvent'>,
): Promise<HalvingResult> {
  const tuning = spec.tuning!;
  const family = getFamily(spec.model);
  const rng = new Rng(input.seed ^ 0x7f4a7c15);
  const space = family.searchSpace!;
  const trials = Array.from({ length: tuning.trials }, (_, t) =>
    t === 0
      ? spec.params
      : resolveParams(family.params, { ...spec.params, ...sampleParams(space, rng, fitRows(input.folds)) }),
  );
  const limit = deadlineOf(tuning.time_budget_s, input.deadline);
  const history = trials.map((params) => ({
    params,
    status: 'ok' as 'ok' | 'failed',
    fit_seconds: 0,
    folds: 0,
    scores: [] as number[],
    error: undefined as string | undefined,
  }));
  let alive = trials.map((_, t) => t);
  let used = 0;
  for (const size of rungSizes(input.folds.length)) {
    if (alive.length === 0 || (limit !== null && performance.now() > limit)) break;
    const folds = input.folds.slice(used, size);
    const cv = await crossValidate({
      ...input,
      folds,
      deadline: limit,
      candidates: alive.map((t) => ({ name: `${spec.name}#${t}`, model: spec.model, params: trials[t] })),
    });
    cv.forEach((c, k) => {
      const h = history[alive[k]];
      h.fit_seconds += c.seconds;
      if (c.status === 'failed') {
        h.status = 'failed';
        h.error = c.error;
      }
      for (const s of c.foldScores) if (!Number.isNaN(s)) h.scores.push(s);
      h.folds = h.scores.length;
    });
    used = size;
    const reached = alive.filter((t) => history[t].status === 'ok' && history[t].folds === size);
    const keep = size === input.folds.length ? 1 : Math.max(1, Math.ceil(reached.length / ETA));
    alive = reached
      .sort((a, b) => compare(input, mean(history[b].scores), mean(history[a].scores)) || a - b)
      .slice(0, keep);
    if (size === input.folds.length) break;
  }
  const deepest = Math.max(...history.map((h) => (h.status === 'ok' ? h.folds : 0)));
  const best = history
    .map((h, t) => ({ h, t }))
    .filter(({ h }) => h.status === 'ok' && h.folds === deepest && deepest > 0)
    .reduce<{ t: number; score: number } | null>((acc, { h, t }) => {
      const score = mean(h.scores);
      return acc === null || isBetter(input.metric, score, acc.score) ? { t, score } : acc;
    }, null);
  return {
    params: best ? trials[best.t] : spec.params,
    trialsRun: history.filter((h) => h.folds > 0 || h.status === 'failed').length,
    bestTrial: best?.t ?? 0,
    history: history.map((h) => ({
      params: h.params,
      status: h.status,
      fit_seconds: h.fit_seconds,
      folds: h.folds,
      ...(h.folds ? { cv_score: mean(h.scores) } : {}),
      ...(h.error ? { error: h.error } : {}),
    })),
  };
}

/** Rows each fold's models are fitted on (the smallest fold's). */
function fitRows(folds: readonly { fit: Uint32Array }[]): number {
  return Math.min(...folds.map((f) => f.fit.length));
}

/** Folds per rung: 1, 3, 9, … capped at every fold (the last rung always runs them all). */
function rungSizes(total: number): number[] {
  const out: number[] = [];
  for (let k = 1; k < total; k *= ETA) out.push(k);
  out.push(total);
  return out;
}

function compare(input: { metric: { greaterIsBetter: boolean } }, a: number, b: number): number {
  if (a === b) return 0;
  return (input.metric.greaterIsBetter ? a - b : b - a) > 0 ? 1 : -1;
}

function mean(v: readonly number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
}

function deadlineOf(budgetS: number | null, run: number | null): number | null {
  const own = budgetS === null ? null : performance.now() + budgetS * 1000;
  if (own === null) return run;
  if (run === null) return own;
  return Math.min(own, run);
}
