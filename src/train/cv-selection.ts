/**
 * Cross-validated selection over TRAIN+VAL (TEST never touched):
 *
 *   K-fold (× repeats) → in each fold, preprocessing fitted on the fold's fitting rows, every
 *   candidate fitted there and scored on the held-out rows → the ensemble's weights chosen on
 *   out-of-fold predictions (its own score nested) → best mean fold score wins → preprocessing and
 *   every candidate refitted on all of TRAIN+VAL (boosting with the rounds its folds kept) →
 *   TEST scores every final model → intervals calibrated on the best model's out-of-fold residuals.
 */
import { availableParallelism } from 'node:os';
import { ModelError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { resolveParams } from '../core/params.js';
import type { Fitter } from '../inference/conformal.js';
import { calibrateOutOfFold } from '../inference/oof-conformal.js';
import { getMetric, isBetter, type Metric } from '../metrics/regression.js';
import { getFamily } from '../models/registry.js';
import type { InputEncoding } from '../models/regressor.js';
import { type FittedPreprocessor, ProductionPreprocessor } from '../preprocess/index.js';
import { type CvCandidate, type CvEvent, crossValidate } from './cv/cross-validate.js';
import { kFolds } from './cv/folds.js';
import { type HalvingResult, tuneByHalving } from './cv/halving.js';
import { inProcessRunner, type JobRunner, poolRunner } from './cv/job-runner.js';
import { ensembleCandidate, ensembleName } from './ensemble-candidate.js';
import { cvEnsemble } from './ensemble-step.js';
import { allFailed } from './holdout-selection.js';
import type { CandidateResult, CvScore, PreparedData, TrainedCandidate } from './model-trainer.js';
import { importanceBySource } from './model-trainer.js';
import type { Selection, SelectionContext } from './selection.js';

export async function selectByCv(ctx: SelectionContext<CvEvent>): Promise<Selection> {
  const { cfg, parts, trainer, stage, choice } = ctx;
  const metric = getMetric(cfg.selection.metric);
  const rows = union(parts.train.rows, parts.val.rows);
  const frame = ctx.all.frame.take(rows);
  const y = Float64Array.from(rows, (i) => ctx.all.y[i]);
  const folds = kFolds(y.length, {
    folds: choice.folds!,
    repeats: choice.repeats!,
    seed: cfg.training.seed,
    groups: ctx.groups ? Int32Array.from(rows, (i) => ctx.groups![i]) : undefined,
  });
  const runner = makeRunner(cfg.training.threads);
  let handedOver = false;
  try {
    const deadline =
      cfg.training.time_budget_s === null ? null : performance.now() + cfg.training.time_budget_s * 1000;
    const base = {
      frame,
      y,
      folds,
      preprocessing: cfg.preprocessing,
      metric,
      seed: cfg.training.seed,
      runner,
      fitBudgetS: cfg.training.candidate_time_budget_s,
      deadline,
    };
    const tuned = new Map<string, HalvingResult>();
    const toTune = trainer.candidates.filter((c) => c.tuning);
    if (toTune.length) {
      await stage(
        'tune',
        async () => {
          for (const c of toTune) tuned.set(c.name, await tuneByHalving(c, base));
        },
        () =>
          [...tuned]
            .map(
              ([n, t]) =>
                `${n}: trial ${t.bestTrial} best of ${t.trialsRun} (successive halving over the folds)`,
            )
            .join('; '),
      );
    }
    const specs = trainer.candidates.map((c) => {
      const t = tuned.get(c.name);
      return t ? { ...c, params: t.params } : c;
    });
    const cv = await stage(
      'cv',
      () => crossValidate({ ...base, candidates: specs, onEvent: ctx.onEvent }),
      (r) =>
        `${choice.repeats! > 1 ? `${choice.repeats}×` : ''}${choice.folds}-fold on ${y.length.toLocaleString('en')} TRAIN+VAL rows: ` +
        `${r.filter((c) => c.status === 'ok').length} of ${r.length} candidates scored (${choice.reason})`,
    );
    const ok = cv.filter((c) => c.status === 'ok');
    const results = cv.map((c) => cvResult(c, metric, choice.repeats!, tuned.get(c.spec.name)));

    const ens =
      cfg.selection.ensemble && ok.length >= 2
        ? await stage(
            'ensemble',
            () => {
              const t0 = performance.now();
              const e = cvEnsemble(
                ok.map((c) => c.oof),
                y,
                folds,
                metric,
                cfg.selection.ensemble_iterations,
              );
              return { ...e, seconds: (performance.now() - t0) / 1000 };
            },
            (e) =>
              ok
                .map((c, m) => [c.spec.name, e.weights[m]] as const)
                .filter(([, w]) => w > 0)
                .sort((a, b) => b[1] - a[1])
                .map(([n, w]) => `${n} ${w.toFixed(2)}`)
                .join(', '),
          )
        : null;
    const ensName = ensembleName(trainer.candidates.map((c) => c.name));
    const best = await stage(
      'select',
      () =>
        pickBest(
          results,
          ens ? { name: ensName, cv: score(ens.foldScores, metric, choice.repeats!, 0) } : null,
          metric,
        ),
      (b) => `${b.name} (${metric.name} ${fmtCv(b.cv)} over ${b.cv.folds.length} folds)`,
    );

    // Final preprocessing and models on all of TRAIN+VAL.
    const prepared = await stage(
      'preprocess',
      () => {
        const m = new Map<InputEncoding, { pre: FittedPreprocessor; data: PreparedData }>();
        for (const encoding of trainer.encodings()) {
          const pre = new ProductionPreprocessor(cfg.preprocessing, { encoding }).fit(frame);
          const tr = pre.transform(frame);
          m.set(encoding, {
            pre,
            data: {
              features: tr.features,
              train: { X: tr.X, y },
              val: { X: { rows: 0, cols: tr.X.cols, data: new Float64Array(0) }, y: new Float64Array(0) },
              test: { X: pre.transform(parts.test.frame).X, y: parts.test.y },
            },
          });
        }
        return m;
      },
      (m) =>
        [...m]
          .map(([enc, p]) => `${enc}: ${p.data.features.length} model features (fitted on TRAIN+VAL)`)
          .join(', '),
    );
    const entry = (enc: InputEncoding) => prepared.get(enc)!;
    const dataFor = (enc: InputEncoding) => entry(enc).data;

    const trained = await stage(
      'refit',
      () => refitAll(cv, results, runner, dataFor, cfg.training.seed, cfg.training.candidate_time_budget_s),
      (t) =>
        `${t.filter((x) => x.fitted).length} candidates refitted on ${y.length.toLocaleString('en')} TRAIN+VAL rows`,
    );
    if (ens) {
      const members = ok.map((c) => trained.find((t) => t.spec.name === c.spec.name)!);
      const live = members.every((t) => t.fitted);
      if (live) {
        const input: InputEncoding = prepared.has('ordinal') ? 'ordinal' : 'onehot';
        const e = ensembleCandidate({
          name: ensName,
          members,
          weights: ens.weights,
          memberEncoding: (t) => entry(t.result.encoding).pre.encoding,
          input: { requested: input, actual: entry(input).pre.encoding, features: dataFor(input).features },
          iterations: cfg.selection.ensemble_iterations,
          kept: ens.kept,
          metric: metric.name,
          folds: choice.folds,
          seconds: ens.seconds,
          notes: [
            'weights chosen greedily on out-of-fold predictions; its fold scores are nested (weights chosen without the fold)',
          ],
        });
        e.result.cv = score(ens.foldScores, metric, choice.repeats!, 0);
        trained.push(e);
      }
    }
    await stage(
      'evaluate',
      () => trainer.evaluateAll(trained, dataFor),
      () => 'R², RMSE, MAE, MAPE, median AE on train (TRAIN+VAL) and test',
    );
    const chosen = trained.find((t) => t.spec.name === best.name && t.fitted);
    if (!chosen) throw allFailed(trained);
    const bestOof =
      chosen.spec.model === 'ensemble' && ens
        ? ens.oof[0]
        : cv.find((c) => c.spec.name === best.name)!.oof[0];
    const prep = entry(chosen.result.encoding);
    handedOver = true;
    return {
      trained,
      best: chosen,
      chosen: prep,
      fitted: { frame, y },
      summary: `selected by ${metric.name} over ${folds.length} folds`,
      se: chosen.result.cv?.se ?? Number.NaN,
      dispose: () => runner.close(),
      calibrate: (o) =>
        calibrateOutOfFold({
          fit: fitterOn(runner),
          residual: absResidual(y, bestOof),
          X: prep.data.train.X,
          features: prep.data.features,
          foldOf: foldIndex(
            y.length,
            folds.filter((f) => f.repeat === 0),
          ),
          folds: choice.folds!,
          ...o,
        }),
    };
  } finally {
    if (!handedOver) await runner.close();
  }
}

/** Fits difficulty models as jobs on the runner's lanes. */
function fitterOn(runner: JobRunner): Fitter {
  return async (kind, params, X, y, features, seed) => {
    const r = await runner.run(
      {
        name: 'difficulty',
        model: kind,
        params: resolveParams(getFamily(kind).params, params),
        features,
        X: runner.lanes > 1 ? shareMatrix(X) : X,
        y,
        seed,
        budgetS: null,
        threads: 1,
      },
      true,
    );
    if (!r.ok || !r.fitted) throw new ModelError('calibration_failed', `difficulty model: ${r.error}`);
    return r.fitted;
  };
}

function shareMatrix(X: Matrix): Matrix {
  const data = new Float64Array(new SharedArrayBuffer(X.data.byteLength));
  data.set(X.data);
  return { rows: X.rows, cols: X.cols, data };
}

function makeRunner(threads: number | null): JobRunner {
  const n = Math.max(1, Math.min(threads ?? availableParallelism(), availableParallelism()));
  return n > 1 ? poolRunner(n) : inProcessRunner();
}

/** TRAIN ∪ VAL as ascending cleaned-row indices (both parts are ascending). */
function union(train: Uint32Array, val: Uint32Array): Uint32Array {
  const out = new Uint32Array(train.length + val.length);
  for (let a = 0, b = 0, k = 0; k < out.length; k++) {
    out[k] = b >= val.length || (a < train.length && train[a] < val[b]) ? train[a++] : val[b++];
  }
  return out;
}

function score(foldScores: Float64Array, metric: Metric, repeats: number, seconds: number): CvScore {
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

function cvResult(c: CvCandidate, metric: Metric, repeats: number, tuned?: HalvingResult): CandidateResult {
  const family = getFamily(c.spec.model);
  const notes = [...c.notes];
  if (tuned) {
    notes.push(
      `tuned inside cross-validation: trial ${tuned.bestTrial} best of ${tuned.trialsRun} by successive halving ` +
        '(its fold scores took part in choosing it, so they lean optimistic)',
    );
  }
  if (c.iterations.length) {
    const lo = Math.min(...c.iterations);
    const hi = Math.max(...c.iterations);
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
      ...score(c.foldScores, metric, repeats, c.seconds),
      ...(c.iterations.length ? { iterations: c.iterations } : {}),
    },
    notes,
  };
}

function pickBest(
  results: readonly CandidateResult[],
  ensemble: { name: string; cv: CvScore } | null,
  metric: Metric,
): { name: string; cv: CvScore } {
  let best: { name: string; cv: CvScore } | null = null;
  for (const r of results) {
    if (r.status !== 'ok' || !r.cv?.complete) continue;
    if (!best || isBetter(metric, r.cv.mean, best.cv.mean)) best = { name: r.name, cv: r.cv };
  }
  if (best && ensemble && isBetter(metric, ensemble.cv.mean, best.cv.mean)) best = ensemble;
  if (!best) {
    const why = results.map((r) => `  - ${r.name}: ${r.error ?? r.status}`).join('\n');
    throw new ModelError('all_failed', `No candidate was cross-validated successfully:\n${why}`);
  }
  return best;
}

/** Every candidate that cross-validated, refitted on all rows; boosting keeps its folds' rounds. */
async function refitAll(
  cv: readonly CvCandidate[],
  results: CandidateResult[],
  runner: JobRunner,
  dataFor: (enc: InputEncoding) => PreparedData,
  seed: number,
  budgetS: number | null,
): Promise<TrainedCandidate[]> {
  // Longest first, so the lanes finish together.
  const order = cv
    .map((_, k) => k)
    .filter((k) => cv[k].status === 'ok')
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
        result.notes.push(
          `refitted on all rows with max_iter ${String(params.max_iter)} (mean of the folds' rounds)`,
        );
      }
      result.feature_importance = importanceBySource(r.fitted.featureImportances(), d.features);
      out[k] = { spec: c.spec, result, fitted: r.fitted };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, runner.lanes) }, lane));
  return out;
}

/** Fold number of each row in one K-fold pass. */
function foldIndex(n: number, pass: readonly { fold: number; held: Uint32Array }[]): Uint16Array {
  const out = new Uint16Array(n);
  for (const f of pass) for (const i of f.held) out[i] = f.fold;
  return out;
}

function absResidual(y: Float64Array, pred: Float64Array): Float64Array {
  const r = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) r[i] = Math.abs(y[i] - pred[i]);
  return r;
}

function fmtCv(s: CvScore): string {
  return `${s.mean.toFixed(4)} ± ${s.sd.toFixed(4)}`;
}
