/**
 * The prediction log's row for one scored input row, built in one place for every path that
 * scores: the answer of /predict and /invocations (champion and challenger rows) and the shadow
 * predictions made after it. Each row names the model that produced it (the log's `model_name`
 * stays the selected candidate, "gbdt"), its registered version and stage, and its A/B arm.
 */
import type { PredictionLogEntry } from '../log/prediction-log.js';
import type { ModelView } from './model-view.js';
import type { RowPrediction } from './pipeline-port.js';
import type { InputRecord } from './request-records.js';

/** The rows one scoring call logs: what they share, and who scored each one. */
export interface ScoredRows {
  requestId: string;
  route: string;
  /** ms since the epoch; absent: each row's time of append. */
  ts?: number;
  latencyMs: number;
  /** The running experiment's id; null outside an experiment. */
  experimentId: string | null;
  /** The records as validated (A/B key field removed), in request order. */
  input: readonly InputRecord[];
  results: readonly RowPrediction[];
  /** The model that scored row `i` and its arm (champion, challenger, shadow; null outside an experiment). */
  scoredBy(i: number): { view: ModelView; arm: string | null };
}

/** The log row of row `i` of `rows`. */
export function logEntry(rows: ScoredRows, i: number): PredictionLogEntry {
  const r = rows.results[i];
  const { view, arm } = rows.scoredBy(i);
  const by = view.summary;
  return {
    requestId: rows.requestId,
    row: i,
    ts: rows.ts,
    route: rows.route,
    modelName: view.served.pipeline.modelName,
    runId: by.run_id,
    modelVersion: by.version,
    stage: by.stage,
    arm,
    experimentId: rows.experimentId,
    status: r.status,
    prediction: r.prediction,
    interval: r.interval,
    latencyMs: rows.latencyMs,
    features: rows.input[i],
    warnings: r.warnings,
    errors: r.errors,
  };
}
