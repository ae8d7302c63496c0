/**
 * What each arm of an experiment did, from the prediction log: the requests it answered (rejected
 * ones and latency included) and its accuracy from the actuals that came back — split or paired
 * by `armScores`, exactly as `tabflow ab status` pairs them. Rows are found by the experiment id
 * they were logged with, read over the experiment's time range only.
 */
import { armScores } from '../experiment/arm-scores.js';
import { FeedbackStore } from '../log/feedback.js';
import { openLogForReading, readLog } from '../log/read-log.js';
import { type LiveMetrics, liveMetrics } from '../monitor/live-metrics.js';
import { storeExists } from '../store/open-stores.js';
import { storeUriOf } from '../store/store-uri.js';
import type { ArmTraffic, LiveMetricsRow } from './api-types.js';
import { type TrafficRow, trafficOf } from './traffic.js';

const END_MARGIN_MS = 5 * 60_000;

/** An experiment as far as its log rows go: its id, design and time range. */
export interface ArmQuery {
  id: string;
  shadow: boolean;
  /** ISO times; `until` null while it runs. */
  since: string;
  until: string | null;
}

/** Both arms' traffic and live accuracy, champion first. */
export interface ArmNumbers {
  traffic: [ArmTraffic, ArmTraffic];
  live: [LiveMetricsRow, LiveMetricsRow];
}

/** The arms' numbers of experiment `q` in the log `logFile` (zeros when there is no log yet). */
export async function armNumbers(logFile: string, q: ArmQuery): Promise<ArmNumbers> {
  if (!(await storeExists('log', storeUriOf(logFile)))) {
    return { traffic: [trafficRow([]), trafficRow([])], live: [liveRow(null), liveRow(null)] };
  }
  const [champion, challenger] = await armRows(logFile, q);
  const store = await FeedbackStore.open(logFile);
  try {
    const [a, b] = armScores(await store.joined({ experimentId: q.id }), q.shadow);
    return {
      traffic: [trafficRow(champion), trafficRow(challenger)],
      live: [liveRow(liveMetrics(a)), liveRow(liveMetrics(b))],
    };
  } finally {
    await store.close();
  }
}

/** The experiment's logged rows of each arm (the challenger's are its shadow rows in shadow mode). */
async function armRows(logFile: string, q: ArmQuery): Promise<[TrafficRow[], TrafficRow[]]> {
  const challengerArm = q.shadow ? 'shadow' : 'challenger';
  const champion: TrafficRow[] = [];
  const challenger: TrafficRow[] = [];
  const db = await openLogForReading(logFile);
  try {
    // A server notices the end within its poll period and may log a few rows of the experiment
    // after it: read a margin past the end (the experiment id, not the time, decides).
    const until = q.until === null ? undefined : Date.parse(q.until) + END_MARGIN_MS;
    for await (const r of readLog(db, { since: Date.parse(q.since), until })) {
      if (r.experiment_id !== q.id) continue;
      const row = { time: r.time, status: r.status, latency_ms: r.latency_ms };
      if (r.arm === 'champion') champion.push(row);
      else if (r.arm === challengerArm) challenger.push(row);
    }
  } finally {
    await db.close();
  }
  return [champion, challenger];
}

function trafficRow(rows: readonly TrafficRow[]): ArmTraffic {
  const t = trafficOf(rows);
  return { rows: t.rows, rejected: t.rejected, error_rate: t.error_rate, latency_ms: t.latency_ms };
}

/** The page's columns of live metrics (none yet: zero rows, every number null). */
export function liveRow(m: LiveMetrics | null): LiveMetricsRow {
  return {
    n: m?.n ?? 0,
    r2: m?.r2 ?? null,
    rmse: m?.rmse ?? null,
    mae: m?.mae ?? null,
    coverage: m?.coverage ?? null,
    mean_interval_width: m?.mean_interval_width ?? null,
  };
}
