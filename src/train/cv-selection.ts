/**
 * Cross-validated selection over TRAIN+VAL (TEST never touched):
 *
 *   K-fold (× repeats) → in each fold, preprocessing fitted on the fold's fitting rows, every
 *   candidate fitted there and scored on the held-out rows → the ensemble's weights chosen on
 *   out-of-fold predictions (its own score nested) → best mean fold score wins → preprocessing and
 *   every candidate refitted on all of TRAIN+VAL (boosting with the rounds its folds kept) →
 *   TEST scores every final model → intervals calibrated on the best model's out-of-fold residuals.
 */
import { ModelError } from '../core/errors.js';
import { type Matrix, takeRows } from '../core/matrix.js';
import type { Frame } from '../data/frame.js';
import { calibrateOutOfFold } from '../inference/oof-conformal.js';
import { getMetric, type Metric } from '../metrics/regression.js';
import { type CvCandidate, type CvEvent, crossValidate } from './cv/cross-validate.js';
import { cvResult, cvScore, fmtCv, pickBest } from './cv/cv-results.js';
import { type Fold, kFolds } from './cv/folds.js';
import { type HalvingResult, tuneByHalving } from './cv/halving.js';
import { fitterOn, type JobRunner, makeRunner } from './cv/job-runner.js';
import { type RefitOptions, refitAll, refitOne } from './cv/refit.js';
import { describeWeights, ensembleCandidate, ensembleName } from './ensemble-candidate.js';
import { type CvEnsemble, cvEnsemble, ensembleOptions } from './ensemble-step.js';
import type { CandidateResult, CvScore, TrainedCandidate } from './model-trainer.js';
import {
  describePrepared,
  ensembleInput,
  type PreparedByEncoding,
  preparedFor,
  prepareEncodings,
} from './prepared.js';
import type { Selection, SelectionContext } from './selection.js';

/** The rows cross-validation works on and their folds. */
interface CvRows {
  readonly frame: Frame;
  readonly y: Float64Array;
  readonly folds: readonly Fold[];
}

/** What cross-validation decided: each candidate's folds and record, the ensemble, the pick. */
interface CvScored {
  readonly cv: CvCandidate[];
  readonly results: CandidateResult[];
  /** The candidates whose folds ran. */
  readonly ok: CvCandidate[];
  readonly ens: (CvEnsemble & { seconds: number }) | null;
  readonly ensName: string;
  readonly ensScore: CvScore | null;
  readonly best: { name: string; cv: CvScore; partial: boolean };
}

export async function selectByCv(ctx: SelectionContext<CvEvent>): Promise<Selection> {
  const { cfg, stage, trainer } = ctx;
  const metric = getMetric(cfg.selection.metric);
  const rows = cvRows(ctx);
  // A runner we were given (a queue) is the caller's to close; our own threads are ours.
  const owned = ctx.runner === undefined;
  const runner = ctx.runner ?? makeRunner(cfg.training.threads);
  const release = async () => {
    if (owned) await runner.close();
  };
  let handedOver = false;
  try {
    const { cv, results, ok, ens, ensName, ensScore, best } = await scoreByCv(ctx, rows, runner, metric);
    const prepared = await stage(
      'preprocess',
      () =>
        prepareEncodings(trainer.encodings(), cfg.preprocessing, {
          fit: rows,
          test: ctx.parts.test,
        }),
      (m) => `${describePrepared(m)} (fitted on TRAIN+VAL)`,
    );
    const dataFor = (enc: Parameters<typeof preparedFor>[1]) => preparedFor(prepared, enc).data;
    const refit: RefitOptions = {
      seed: cfg.training.seed,
      budgetS: cfg.training.candidate_time_budget_s,
      partialChoice: best.partial ? best.name : undefined,
      keepModel: modelsNeeded(best.name, ok, ens),
      metricRows: (d) => trainer.metricRows(d),
    };
    const trained = await stage(
      'refit',
      () => refitAll(cv, results, runner, dataFor, refit),
      (t) =>
        `${t.filter((x) => x.fitted || x.preds).length} candidates refitted on ${rows.y.length.toLocaleString('en')} TRAIN+VAL rows`,
    );
    const ensemble = ens ? finalEnsemble(ctx, ok, trained, prepared, ens, ensName, metric) : null;
    if (ensemble) {
      ensemble.result.cv = ensScore!;
      trained.push(ensemble);
    }
    await stage(
      'evaluate',
      () => trainer.evaluateAll(trained, dataFor),
      () => 'R², RMSE, MAE, MAPE, median AE on train (TRAIN+VAL) and test',
    );
    const chosen = await chosenModel(trained, best.name, metric, (t) =>
      refitOne(cv.find((c) => c.spec.name === t.spec.name)!, t.result, runner, dataFor, {
        ...refit,
        keepModel: () => true,
      }),
    );
    const oof =
      chosen.spec.model === 'ensemble' && ens
        ? ens.oof[0]
        : cv.find((c) => c.spec.name === chosen.spec.name)!.oof[0];
    const prep = preparedFor(prepared, chosen.result.encoding);
    handedOver = true;
    return {
      trained,
      best: chosen,
      chosen: prep,
      fitted: { frame: rows.frame, y: rows.y },
      summary: `selected by ${metric.name} over ${rows.folds.length} folds`,
      se: chosen.result.cv?.se ?? Number.NaN,
      dispose: release,
      calibrate: (o) =>
        calibrateOutOfFold({
          fit: fitterOn(runner),
          ...outOfFoldRows(rows, oof, prep.data.train.X),
          features: prep.data.features,
          ...o,
        }),
    };
  } finally {
    if (!handedOver) await release();
  }
}

/**
 * Tune (inside the folds), cross-validate every candidate, weight the ensemble on the out-of-fold
 * predictions and pick the best mean fold score.
 */
async function scoreByCv(
  ctx: SelectionContext<CvEvent>,
  rows: CvRows,
  runner: JobRunner,
  metric: Metric,
): Promise<CvScored> {
  const { cfg, choice, stage, trainer } = ctx;
  const deadline =
    cfg.training.time_budget_s === null ? null : performance.now() + cfg.training.time_budget_s * 1000;
  const base = {
    ...rows,
    preprocessing: cfg.preprocessing,
    metric,
    seed: cfg.training.seed,
    runner,
    fitBudgetS: cfg.training.candidate_time_budget_s,
    deadline,
  };
  const tuned = await tuneCandidates(ctx, base);
  const specs = trainer.candidates.map((c) =>
    tuned.has(c.name) ? { ...c, params: tuned.get(c.name)!.params } : c,
  );
  const cv = await stage(
    'cv',
    () => crossValidate({ ...base, candidates: specs, onEvent: ctx.onEvent }),
    (r) =>
      `${choice.repeats! > 1 ? `${choice.repeats}×` : ''}${choice.folds}-fold on ${rows.y.length.toLocaleString('en')} TRAIN+VAL rows: ` +
      `${r.filter((c) => c.status === 'ok').length} of ${r.length} candidates scored (${choice.reason})`,
  );
  const results = cv.map((c) => cvResult(c, metric, choice.repeats!, tuned.get(c.spec.name)));
  const ok = cv.filter((c) => c.status === 'ok');
  const ens = await ensembleWeights(ctx, ok, rows, metric);
  const ensName = ensembleName(trainer.candidates.map((c) => c.name));
  const ensScore = ens ? cvScore(ens.foldScores, metric, choice.repeats!, 0) : null;
  const best = await stage(
    'select',
    () => pickBest(results, ens ? { name: ensName, cv: ensScore! } : null, metric),
    (b) =>
      `${b.name} (${metric.name} ${fmtCv(b.cv)} over ${b.cv.folds.filter((v) => !Number.isNaN(v)).length} folds` +
      `${b.partial ? ': the time budget stopped every candidate early' : ''})`,
  );
  return { cv, results, ok, ens, ensName, ensScore, best };
}

/** TRAIN ∪ VAL (in cleaned-row order), their features and targets, and the folds over them. */
function cvRows(ctx: SelectionContext<CvEvent>): CvRows {
  const { parts, choice, cfg } = ctx;
  const rows = union(parts.train.rows, parts.val.rows);
  const y = Float64Array.from(rows, (i) => ctx.all.y[i]);
  const folds = kFolds(y.length, {
    folds: choice.folds!,
    repeats: choice.repeats!,
    seed: cfg.training.seed,
    groups: ctx.groups ? Int32Array.from(rows, (i) => ctx.groups![i]) : undefined,
  });
  return { frame: ctx.all.frame.take(rows), y, folds };
}

/** Candidates with `tuning` tuned inside the folds first (successive halving). */
async function tuneCandidates(
  ctx: SelectionContext<CvEvent>,
  base: Omit<Parameters<typeof tuneByHalving>[1], never>,
): Promise<Map<string, HalvingResult>> {
  const tuned = new Map<string, HalvingResult>();
  const toTune = ctx.trainer.candidates.filter((c) => c.tuning);
  if (!toTune.length) return tuned;
  await ctx.stage(
    'tune',
    async () => {
      for (const c of toTune) tuned.set(c.name, await tuneByHalving(c, base));
    },
    () =>
      [...tuned]
        .map(
          ([n, t]) => `${n}: trial ${t.bestTrial} best of ${t.trialsRun} (successive halving over the folds)`,
        )
        .join('; '),
  );
  return tuned;
}

/** The ensemble's weights on the out-of-fold predictions and its nested fold scores (null: off, or < 2 members). */
async function ensembleWeights(
  ctx: SelectionContext<CvEvent>,
  ok: readonly CvCandidate[],
  rows: CvRows,
  metric: Metric,
): Promise<(CvEnsemble & { seconds: number }) | null> {
  if (!ctx.cfg.selection.ensemble || ok.length < 2) return null;
  return ctx.stage(
    'ensemble',
    () => {
      const t0 = performance.now();
      const e = cvEnsemble(
        ok.map((c) => c.oof),
        rows.y,
        rows.folds,
        ensembleOptions(ctx.cfg, metric),
      );
      return { ...e, seconds: (performance.now() - t0) / 1000 };
    },
    (e) => describeWeights(Object.fromEntries(ok.map((c, m) => [c.spec.name, e.weights[m]]))),
  );
}

/** The ensemble of the refitted members, or null when a member it weights failed to refit. */
function finalEnsemble(
  ctx: SelectionContext<CvEvent>,
  ok: readonly CvCandidate[],
  trained: readonly TrainedCandidate[],
  prepared: PreparedByEncoding,
  ens: CvEnsemble & { seconds: number },
  name: string,
  metric: Metric,
): TrainedCandidate | null {
  const members = ok.map((c) => trained.find((t) => t.spec.name === c.spec.name)!);
  if (members.some((t, m) => !t.fitted && ens.weights[m] > 0)) return null;
  const input = ensembleInput(prepared);
  const e = ensembleCandidate({
    name,
    members: members.filter((t) => t.fitted),
    weights: Float64Array.from(ens.weights.filter((_, m) => members[m].fitted)),
    memberEncoding: (t) => preparedFor(prepared, t.result.encoding).pre.encoding,
    input: {
      requested: input,
      actual: preparedFor(prepared, input).pre.encoding,
      features: preparedFor(prepared, input).data.features,
    },
    iterations: ctx.cfg.selection.ensemble_iterations,
    kept: ens.kept,
    metric: metric.name,
    folds: ctx.choice.folds,
    seconds: ens.seconds,
    notes: [
      'weights chosen greedily on out-of-fold predictions; its fold scores are nested (weights chosen without the fold)',
    ],
  });
  return e;
}

/**
 * The selected candidate's final model; if it could not be built (a refit failed), the best
 * cross-validated candidate that has one (refitted again, keeping the model, if it was only scored).
 */
async function chosenModel(
  trained: TrainedCandidate[],
  name: string,
  metric: Metric,
  refitKeeping: (t: TrainedCandidate) => Promise<TrainedCandidate>,
): Promise<TrainedCandidate> {
  const hit = trained.find((t) => t.spec.name === name && t.fitted);
  if (hit) return hit;
  const built = trained.filter((t) => (t.fitted || t.preds) && t.result.cv?.complete && !t.blendOf);
  const results: CandidateResult[] = built.map((t) => t.result);
  const next = pickBest(results, null, metric);
  let t = built.find((x) => x.spec.name === next.name)!;
  if (!t.fitted) {
    const preds = t.preds;
    t = await refitKeeping(t);
    if (!t.fitted) {
      throw new ModelError(
        'refit_failed',
        `The final models of ${name} and ${next.name} could not be built: ${t.result.error}`,
      );
    }
    t.preds = preds;
    trained[trained.findIndex((x) => x.spec.name === t.spec.name)] = t;
  }
  t.result.notes.push(`selected in place of ${name}, whose final model could not be built`);
  return t;
}

/** The final models this thread needs: the selected candidate's and the ensemble's weighted members'. */
function modelsNeeded(
  best: string,
  ok: readonly CvCandidate[],
  ens: CvEnsemble | null,
): (name: string) => boolean {
  const names = new Set([best]);
  if (ens) for (const [m, c] of ok.entries()) if (ens.weights[m] > 0) names.add(c.spec.name);
  return (name) => names.has(name);
}

/** TRAIN ∪ VAL as ascending cleaned-row indices (both parts are ascending). */
function union(train: Uint32Array, val: Uint32Array): Uint32Array {
  const out = new Uint32Array(train.length + val.length);
  for (let a = 0, b = 0, k = 0; k < out.length; k++) {
    out[k] = b >= val.length || (a < train.length && train[a] < val[b]) ? train[a++] : val[b++];
  }
  return out;
}

/**
 * The calibration rows: every row the first K-fold pass predicted out of fold (all of them, unless
 * the time budget stopped the folds early), with its |residual|, model-matrix row and fold.
 */
function outOfFoldRows(rows: CvRows, oof: Float64Array, X: Matrix) {
  const ran = rows.folds.filter((f) => f.repeat === 0 && f.held.length && Number.isFinite(oof[f.held[0]]));
  const foldOf = new Uint16Array(rows.y.length).fill(0xffff);
  ran.forEach((f, k) => {
    for (const i of f.held) foldOf[i] = k;
  });
  const keep = Uint32Array.from(foldOf.keys()).filter((i) => foldOf[i] !== 0xffff);
  return {
    residual: Float64Array.from(keep, (i) => Math.abs(rows.y[i] - oof[i])),
    X: keep.length === rows.y.length ? X : takeRows(X, keep),
    foldOf: Uint16Array.from(keep, (i) => foldOf[i]),
    folds: ran.length,
  };
}
