/**
 * The feedback join as SQL returns it — one positional row per labelled prediction, the same
 * columns on every backend — turned into the typed arrays `PredictionStore.joined` gives.
 */
import type { JoinedFeedback } from './prediction-store.js';

/** ts, request id, row, run id, version, arm, prediction, lower, upper, actual. */
export type JoinedRow = [
  number,
  string,
  number,
  string,
  number | null,
  string | null,
  number,
  number | null,
  number | null,
  number,
];

/** The rows as columns (a missing interval bound is NaN). */
export function joinedArrays(rows: readonly JoinedRow[]): JoinedFeedback {
  const n = rows.length;
  const out: JoinedFeedback = {
    n,
    ts: new Float64Array(n),
    prediction: new Float64Array(n),
    actual: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
    runId: new Array(n),
    version: new Array(n),
    arm: new Array(n),
    requestId: new Array(n),
    row: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.ts[i] = r[0];
    out.requestId[i] = r[1];
    out.row[i] = r[2];
    out.runId[i] = r[3];
    out.version[i] = r[4];
    out.arm[i] = r[5];
    out.prediction[i] = r[6];
    out.lower[i] = r[7] ?? Number.NaN;
    out.upper[i] = r[8] ?? Number.NaN;
    out.actual[i] = r[9];
  }
  return out;
}
