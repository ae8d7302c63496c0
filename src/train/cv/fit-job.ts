/**
 * One unit of cross-validation work: fit one candidate on one fold's rows (or on all rows, for
 * the final refit) and predict the held-out rows. The same function runs in-process and on a
 * worker thread, so where a job ran never changes its result.
 */
import type { Serialized } from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';
import { getFamily } from '../../models/families.js';
import type { FeatureInfo, FittedRegressor } from '../../models/regressor.js';
import { deadlineSignal } from '../budget.js';

/** One fit: a candidate's family and params, the rows it fits on, the rows it predicts. */
export interface FitJob {
  /** Candidate name (for messages) and its family and resolved params. */
  readonly name: string;
  readonly model: string;
  readonly params: Record<string, unknown>;
  readonly features: readonly FeatureInfo[];
  readonly X: Matrix;
  readonly y: Float64Array;
  /** Rows to predict; also the early-stopping rows of models that stop early. */
  readonly held?: { readonly X: Matrix; readonly y: Float64Array };
  /**
   * Matrices to predict once the fit is done, which the fit never sees (a final model's metric
   * rows), so a model need not travel back to be evaluated.
   */
  readonly predict?: readonly Matrix[];
  readonly seed: number;
  /** Seconds the fit may take (null: no limit). */
  readonly budgetS: number | null;
  /** Threads the model may use itself (1 when jobs already run in parallel; undefined: all cores). */
  readonly threads?: number;
}

/** What a fit job reports: success or the error, seconds, predictions, notes, importances. */
export interface FitOutcome {
  readonly ok: boolean;
  readonly error?: string;
  readonly seconds: number;
  /** Predictions for `held` (absent without held rows or on failure). */
  readonly pred?: Float64Array;
  readonly notes: readonly string[];
  /** Boosting rounds the model kept (early stopping), when the family reports them. */
  readonly iterations?: number;
  /** Importance per matrix column (final refits). */
  readonly importances?: Float64Array;
  /** Predictions of each `predict` matrix, and the seconds they took. */
  readonly predictions?: readonly Float64Array[];
  readonly predictSeconds?: number;
}

/** A job's outcome plus the fitted model (in-process) or its JSON (from a worker). */
export interface FitResult extends FitOutcome {
  readonly fitted?: FittedRegressor;
  readonly json?: Serialized;
}

export async function runFitJob(job: FitJob, keep: 'model' | 'json' | 'none'): Promise<FitResult> {
  const t0 = performance.now();
  try {
    // A model that stops early has predicted the held-out rows already (bit for bit predict's).
    let early: Float64Array | undefined;
    const fitted = await getFamily(job.model)
      .create(job.params)
      .fit(job.X, job.y, {
        features: job.features,
        seed: job.seed,
        val: job.held,
        signal: deadlineSignal(job.budgetS),
        threads: job.threads,
        onValPredictions: (p) => {
          early = p;
        },
      });
    const pred = job.held ? (early ?? fitted.predict(job.held.X)) : undefined;
    if (pred && !pred.every(Number.isFinite)) {
      throw new Error('predictions on the held-out rows contain non-finite values');
    }
    const seconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const predictions = job.predict?.map((X) => fitted.predict(X));
    return {
      ok: true,
      seconds,
      pred,
      notes: fitted.notes,
      iterations: fitted.iterations,
      importances: keep === 'none' && !job.predict ? undefined : fitted.featureImportances(),
      predictions,
      predictSeconds: predictions ? (performance.now() - t1) / 1000 : undefined,
      fitted: keep === 'model' ? fitted : undefined,
      json: keep === 'json' ? fitted.toJSON() : undefined,
    };
  } catch (e) {
    return {
      ok: false,
      error: e instanceof Error ? e.message : String(e),
      seconds: (performance.now() - t0) / 1000,
      notes: [],
    };
  }
}
