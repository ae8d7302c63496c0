/**
 * What a run's report shows, gathered from its artifacts: the leaderboard and the selected
 * model's importances (results.json), data, cleaning and split (metadata.json), and — rebuilt
 * from the run's own data file, checked against the recorded hashes — its TEST rows scored again
 * by the saved pipeline: predicted vs actual, residuals and interval coverage per prediction
 * decile. When the data file is gone or changed, the report says so and shows the rest.
 */
import { type CandidateJson, type ResultsJson, selectionScore } from '../artifacts/run-folder.js';
import { DataError } from '../core/errors.js';
import { InferencePipeline } from '../inference/inference-pipeline.js';
import { mae, r2, rmse } from '../metrics/regression.js';
import { runTestRows } from '../promotion/held-out.js';

export interface LeaderboardRow {
  name: string;
  model: string;
  status: CandidateJson['status'];
  error: string | null;
  val: { r2: number; rmse: number; mae: number } | null;
  test: { r2: number; rmse: number; mae: number } | null;
  /** Cross-validated selection metric (selection.method cv). */
  cv: { mean: number; sd: number; folds: number } | null;
  /** The candidate's score by the run's selection rule (cv mean, or the holdout split's metric). */
  score: number | null;
  /** Ensemble only: member → weight. */
  weights: Record<string, number> | null;
  fit_seconds: number;
  selected: boolean;
}

/** Interval coverage of the TEST rows whose prediction falls in one decile of the predictions. */
export interface CoverageBin {
  from: number;
  to: number;
  n: number;
  coverage: number;
  mean_width: number;
}

export interface TestRows {
  /** Rows scored (TEST rows the data contract rejected are left out and counted). */
  n: number;
  rejected: number;
  actual: Float64Array;
  predicted: Float64Array;
  metrics: { r2: number; rmse: number; mae: number };
  /** Null when the run has no intervals. */
  coverage: {
    nominal: number;
    overall: number;
    /** Mean interval score: width + (2/α)·distance to the interval when outside; lower is better. */
    interval_score: number;
    by_decile: CoverageBin[];
  } | null;
}

/** What `tabflow report` shows of one run, gathered from its folder and its TEST rows. */
export interface RunReport {
  run_id: string;
  created_at: string;
  tabflow_version: string;
  target: string;
  data: { path: string; rows: number; columns: number; sha256: string };
  cleaning: { rows_before: number; rows_after: number; duplicates: number; missing_target: number } | null;
  split: { strategy: string; seed: number | null; counts: Record<string, number> } | null;
  selection: ResultsJson['selection'];
  selected: { name: string; kind: string; params: Record<string, unknown> };
  leaderboard: LeaderboardRow[];
  /** Permutation importance of the selected model on TEST, largest first. */
  importance: { name: string; mean: number; std: number }[] | null;
  intervals: {
    mode: string;
    nominal: number;
    calibration_rows: number;
    /** 'val' or 'out_of_fold'. */
    calibrated_on: string;
    test_coverage: number;
    mean_width: number;
  } | null;
  test: TestRows | null;
  /** Why `test` is null. */
  test_note: string | null;
  /** Non-selected candidates that beat the selected one on TEST by more than the selection's SE. */
  warnings: string[];
}

/**
 * Gather the report of the run folder `dir`: its records, and its TEST rows rebuilt and predicted
 * again for the plots.
 */
export async function buildRunReport(dir: string): Promise<RunReport> {
  const p = InferencePipeline.load(dir);
  const meta = p.metadata;
  const results = p.results;
  const cleaning = meta.cleaning as Record<string, number> | undefined;
  const split = meta.split as
    | { strategy?: string; seed?: number; counts?: Record<string, number> }
    | undefined;
  const best = results.models.find((m) => m.name === results.selection.best);
  const pi = best?.permutation_importance;
  const iv = results.intervals;
  let test: TestRows | null = null;
  let testNote: string | null = null;
  try {
    test = await scoreTest(p, dir);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    testNote = e.message;
  }
  return {
    run_id: meta.run_id,
    created_at: meta.created_at,
    tabflow_version: meta.tabflow_version,
    target: meta.target.name,
    data: {
      path: meta.data.path,
      rows: meta.data.rows,
      columns: meta.data.columns,
      sha256: meta.data.sha256,
    },
    cleaning: cleaning
      ? {
          rows_before: cleaning.rowsBefore,
          rows_after: cleaning.rowsAfter,
          duplicates: cleaning.duplicatesDropped,
          missing_target: cleaning.missingTargetDropped,
        }
      : null,
    split: split?.counts
      ? { strategy: split.strategy ?? 'random', seed: split.seed ?? null, counts: split.counts }
      : null,
    selection: results.selection,
    selected: {
      name: meta.selected_model.name,
      kind: meta.selected_model.kind,
      params: meta.selected_model.params,
    },
    leaderboard: results.models.map((m) => ({
      name: m.name,
      model: m.model,
      status: m.status,
      error: m.error ?? null,
      val: pick(m.metrics?.val),
      test: pick(m.metrics?.test),
      cv: m.cv ? { mean: m.cv.mean, sd: m.cv.sd, folds: m.cv.folds.length } : null,
      score: selectionScore(m, results.selection) ?? null,
      weights: m.model === 'ensemble' ? ((m.params.members as Record<string, number>) ?? null) : null,
      fit_seconds: m.fit_seconds,
      selected: m.name === results.selection.best,
    })),
    importance: pi
      ? Object.entries(pi.columns)
          .map(([name, v]) => ({ name, mean: v.mean, std: v.std }))
          .sort((a, b) => b.mean - a.mean)
      : null,
    intervals: iv
      ? {
          mode: iv.mode,
          nominal: iv.coverage,
          calibration_rows: iv.calibration_rows,
          calibrated_on: meta.calibration?.calibrated_on ?? 'val',
          test_coverage: iv.test.coverage,
          mean_width: iv.test.mean_width,
        }
      : null,
    test,
    test_note: testNote,
    warnings: (results.warnings ?? []).map((w) => w.message),
  };
}

function pick(m: { r2: number; rmse: number; mae: number } | undefined) {
  return m ? { r2: m.r2, rmse: m.rmse, mae: m.mae } : null;
}

/** The run's TEST rows, rebuilt and hash-checked, scored by the saved pipeline with intervals. */
async function scoreTest(p: InferencePipeline, dir: string): Promise<TestRows> {
  const held = await runTestRows(dir, p.metadata, { code: 'report_data_missing', who: 'The report' });
  const out = p.predictFrame(held.features, { interval: true });
  const keep: number[] = [];
  for (let i = 0; i < out.rows; i++) if (!out.rejected[i]) keep.push(i);
  const actual = Float64Array.from(keep, (i) => held.y[i]);
  const predicted = Float64Array.from(keep, (i) => out.prediction[i]);
  const iv = out.interval;
  return {
    n: keep.length,
    rejected: out.rows - keep.length,
    actual,
    predicted,
    metrics: { r2: r2(actual, predicted), rmse: rmse(actual, predicted), mae: mae(actual, predicted) },
    coverage: iv
      ? coverageByDecile(
          actual,
          predicted,
          Float64Array.from(keep, (i) => iv.lower[i]),
          Float64Array.from(keep, (i) => iv.upper[i]),
          iv.coverage,
        )
      : null,
  };
}

/** Coverage overall and per decile of the prediction: where the intervals are too narrow. */
function coverageByDecile(
  actual: Float64Array,
  predicted: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  nominal: number,
): NonNullable<TestRows['coverage']> {
  const n = actual.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predicted[a] - predicted[b]);
  const inside = (i: number) => (actual[i] >= lower[i] && actual[i] <= upper[i] ? 1 : 0);
  const twoOverAlpha = 2 / (1 - nominal);
  let covered = 0;
  let score = 0;
  for (let i = 0; i < n; i++) {
    covered += inside(i);
    score +=
      upper[i] -
      lower[i] +
      twoOverAlpha * (Math.max(0, lower[i] - actual[i]) + Math.max(0, actual[i] - upper[i]));
  }
  const bins: CoverageBin[] = [];
  const k = Math.min(10, n);
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let c = 0;
    let w = 0;
    for (let j = from; j < to; j++) {
      c += inside(order[j]);
      w += upper[order[j]] - lower[order[j]];
    }
    bins.push({
      from: predicted[order[from]],
      to: predicted[order[to - 1]],
      n: to - from,
      coverage: c / (to - from),
      mean_width: w / (to - from),
    });
  }
  return {
    nominal,
    overall: n ? covered / n : Number.NaN,
    interval_score: n ? score / n : Number.NaN,
    by_decile: bins,
  };
}
