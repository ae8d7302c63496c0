/**
 * Monitoring of one served model version, from the prediction log alone: drift of its latest
 * logged inputs (and predictions) against the reference profile stored with its artifacts, and
 * live accuracy from the actuals that came back as feedback — per version, over time, and
 * against what TEST promised at training. Every alarm says which number crossed which line.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readReleaseStamp } from '../artifacts/release-stamp.js';
import { METADATA_FILE, PROFILE_FILE, RunFolder } from '../artifacts/run-folder.js';
import { ArtifactError } from '../core/errors.js';
import { FeedbackStore, type JoinedFeedback } from '../log/feedback.js';
import { openLogForReading, readLog } from '../log/read-log.js';
import { buildCurrentWindow } from '../monitor/current-window.js';
import { type DriftReport, detectDrift } from '../monitor/drift-report.js';
import { type LiveMetrics, liveMetrics } from '../monitor/live-metrics.js';
import { loadReferenceProfile } from '../monitor/profile-codec.js';
import type { ReferenceProfile } from '../monitor/reference-profile.js';
import { driftParamsOf, type MonitoringConfig } from './monitoring-config.js';

export { PROFILE_FILE };

/** What monitoring needs to know about the served model. */
export interface MonitoredModel {
  /** The registered model name (registry.json, else metadata.json's registration); null if none. */
  name: string | null;
  /** The model family, e.g. gbdt. */
  family: string;
  runId: string;
  version: number | null;
  profile: ReferenceProfile | null;
  /** TEST metrics of the selected model at training. */
  test: { rmse: number; r2: number; mae: number } | null;
  /** Nominal coverage of its intervals (null: no intervals). */
  coverage: number | null;
}

/**
 * Read a run or stage folder's metadata and reference profile (sha256-checked against it), not
 * the model. A stage link is resolved once, so a promotion meanwhile cannot mix two versions.
 */
export function monitoredModelOf(dir: string): MonitoredModel {
  if (!existsSync(join(dir, METADATA_FILE))) {
    throw new ArtifactError('missing_artifacts', `No model at ${dir}: metadata.json is missing`);
  }
  const run = RunFolder.open(dir);
  const md = run.metadata;
  const profile = run.has(PROFILE_FILE) ? loadReferenceProfile(run.json(PROFILE_FILE)) : null;
  const test = md.selected_model.metrics?.test as Record<string, number> | undefined;
  const stamp = readReleaseStamp(run.real);
  return {
    name: stamp?.name ?? md.registration?.name ?? null,
    family: md.selected_model.kind ?? md.selected_model.name,
    runId: md.run_id,
    version: stamp?.version ?? null,
    profile,
    test: test ? { rmse: test.rmse, r2: test.r2, mae: test.mae } : null,
    coverage: md.calibration?.coverage ?? null,
  };
}

export type { LiveMetrics };

/** Live metrics of one served version (and A/B arm) from its feedback. */
export interface VersionLive extends LiveMetrics {
  run_id: string;
  version: number | null;
  arm: string | null;
}

/**
 * One reason `tabflow monitor` exits 3: drift, or live RMSE, R² or coverage past its threshold,
 * with the numbers.
 */
export interface Alarm {
  kind: 'drift' | 'rmse' | 'r2' | 'coverage';
  message: string;
}

/**
 * What `tabflow monitor` and `/monitoring` report: the window judged, drift against the training
 * profile, live accuracy from feedback, alarms and the verdict.
 */
export interface MonitoringResult {
  generated_at: string;
  model: { name: string | null; family: string; run_id: string; version: number | null };
  window: { requested: number; rows: number; first: string | null; last: string | null };
  drift: DriftReport | null;
  /** Why there is no drift report (no profile stored, empty window). */
  drift_note: string | null;
  live: {
    /** Latest `window` actuals of the monitored run. */
    current: LiveMetrics;
    /** Every version with actuals in the time range. */
    by_version: VersionLive[];
    /** The monitored run's actuals in consecutive chunks, oldest first (for plots). */
    over_time: (LiveMetrics & { end: string })[];
    reference: { rmse: number; r2: number; mae: number; coverage: number | null } | null;
    note: string | null;
  };
  alarms: Alarm[];
  status: 'ok' | 'alarm' | 'insufficient_data';
}

/** Which logged predictions are judged: a time range, the window size, and the clock. */
export interface MonitorQuery {
  since?: number;
  until?: number;
  /** Overrides config.window. */
  window?: number;
  now?: Date;
}

/** One logged row of the monitoring window, as much of it as a traffic summary needs. */
export interface WindowRow {
  /** ISO time the prediction was logged. */
  time: string;
  /** ok | rejected */
  status: string;
  latency_ms: number | null;
}

/** A monitoring result and the logged rows its window read (rejected ones included), oldest first. */
export interface MonitoredWindow {
  result: MonitoringResult;
  rows: WindowRow[];
}

/**
 * Judge a served model on its latest logged predictions (drift against its reference profile) and
 * on the feedback that came back (live accuracy), and raise the alarms its config sets.
 */
export async function runMonitoring(
  model: MonitoredModel,
  logFile: string,
  cfg: MonitoringConfig,
  q: MonitorQuery = {},
): Promise<MonitoringResult> {
  return (await monitorWindow(model, logFile, cfg, q)).result;
}

/**
 * `runMonitoring`, also handing back the rows of the window it read — the version's latest
 * logged rows back to the `window`-th `ok` one — so a caller that shows their traffic (the UI's
 * production page) does not read the log a second time.
 */
export async function monitorWindow(
  model: MonitoredModel,
  logFile: string,
  cfg: MonitoringConfig,
  q: MonitorQuery = {},
): Promise<MonitoredWindow> {
  const window = q.window ?? cfg.window;
  const w = await readWindow(model.runId, logFile, window, q);
  const { drift, driftNote } = driftOf(model, w.records, w.predictions, cfg);
  const live = await liveOfWindow(model, logFile, cfg, window, q);
  const reference = model.test ? { ...model.test, coverage: model.coverage } : null;
  const alarms = alarmsOf(drift, live.current, reference, model.coverage, cfg);
  const enough = live.current.n >= cfg.min_feedback;
  const judged = (drift !== null && drift.dataset.drifted !== null) || enough;
  const note = enough
    ? null
    : `${live.current.n} actuals for this version; live accuracy is judged from ${cfg.min_feedback} (monitoring.min_feedback)`;
  const result: MonitoringResult = {
    generated_at: (q.now ?? new Date()).toISOString(),
    model: { name: model.name, family: model.family, run_id: model.runId, version: model.version },
    window: {
      requested: window,
      rows: w.records.length,
      first: w.times.length ? new Date(w.times[0]).toISOString() : null,
      last: w.times.length ? new Date(w.times[w.times.length - 1]).toISOString() : null,
    },
    drift,
    drift_note: driftNote,
    live: { ...live, reference, note },
    alarms,
    status: alarms.length ? 'alarm' : judged ? 'ok' : 'insufficient_data',
  };
  return { result, rows: w.rows };
}

/** The run's latest `window` ok rows (inputs, predictions, times) and every row read, oldest first. */
async function readWindow(runId: string, logFile: string, window: number, q: MonitorQuery) {
  const db = await openLogForReading(logFile);
  const records: Record<string, unknown>[] = [];
  const predictions: (number | null)[] = [];
  const times: number[] = [];
  const rows: WindowRow[] = [];
  try {
    const read = readLog(db, { since: q.since, until: q.until, runId, newestFirst: true });
    for await (const r of read) {
      rows.push({ time: r.time, status: r.status, latency_ms: r.latency_ms });
      if (r.status !== 'ok') continue;
      records.push(r.features);
      predictions.push(r.prediction);
      times.push(Date.parse(r.time));
      if (records.length >= window) break;
    }
  } finally {
    await db.close();
  }
  return {
    records: records.reverse(),
    predictions: predictions.reverse(),
    times: times.reverse(),
    rows: rows.reverse(),
  };
}

/** Live accuracy of the run's latest `window` actuals, per version, and over time. */
async function liveOfWindow(
  model: MonitoredModel,
  logFile: string,
  cfg: MonitoringConfig,
  window: number,
  q: MonitorQuery,
): Promise<Pick<MonitoringResult['live'], 'current' | 'by_version' | 'over_time'>> {
  const store = await FeedbackStore.open(logFile);
  let joined: JoinedFeedback;
  try {
    joined = await store.joined({ since: q.since, until: q.until });
  } finally {
    await store.close();
  }
  const mine = indicesWhere(joined, (i) => joined.runId[i] === model.runId);
  const latest = mine.slice(Math.max(0, mine.length - window));
  const over_time = chunks(latest, Math.max(cfg.min_feedback, Math.ceil(latest.length / 20))).map((idx) => ({
    ...liveOf(joined, idx),
    end: new Date(joined.ts[idx[idx.length - 1]]).toISOString(),
  }));
  return { current: liveOf(joined, latest), by_version: groupByVersion(joined), over_time };
}

/** The drift report of the window's records, or why there is none. */
function driftOf(
  model: MonitoredModel,
  records: Record<string, unknown>[],
  predictions: (number | null)[],
  cfg: MonitoringConfig,
): { drift: DriftReport | null; driftNote: string | null } {
  if (!model.profile) {
    return {
      drift: null,
      driftNote: `run ${model.runId} has no ${PROFILE_FILE} (trained before reference profiles); retrain to monitor drift`,
    };
  }
  if (!records.length)
    return { drift: null, driftNote: 'no logged predictions of this version in the time range' };
  const cur = buildCurrentWindow(model.profile, records, { predictions });
  return { drift: detectDrift(model.profile, cur, driftParamsOf(cfg)), driftNote: null };
}

/**
 * The alarms: dataset drift, and — with at least `min_feedback` actuals — live RMSE against the
 * TEST RMSE, live R² against `min_r2`, and interval coverage against the nominal.
 */
function alarmsOf(
  drift: DriftReport | null,
  current: LiveMetrics,
  reference: { rmse: number } | null,
  coverage: number | null,
  cfg: MonitoringConfig,
): Alarm[] {
  const alarms: Alarm[] = [];
  if (drift?.dataset.drifted) {
    const d = drift.dataset;
    alarms.push({
      kind: 'drift',
      message: `dataset drift: ${d.drifted_features.length} of ${d.n_judged} features drifted (${d.drifted_features.join(', ')}); share ${fmt(d.share)} ≥ ${d.threshold}`,
    });
  }
  const enough = current.n >= cfg.min_feedback;
  if (enough && reference && current.rmse !== null && current.rmse > reference.rmse * cfg.max_rmse_ratio) {
    alarms.push({
      kind: 'rmse',
      message: `live RMSE ${fmt(current.rmse)} over ${current.n} actuals is ${fmt(current.rmse / reference.rmse)}× the TEST RMSE ${fmt(reference.rmse)} (alarm above ${cfg.max_rmse_ratio}×)`,
    });
  }
  if (enough && cfg.min_r2 !== null && current.r2 !== null && current.r2 < cfg.min_r2) {
    alarms.push({
      kind: 'r2',
      message: `live R² ${fmt(current.r2)} is below monitoring.min_r2 ${cfg.min_r2}`,
    });
  }
  if (enough && coverage !== null && current.coverage !== null) {
    if (current.coverage < coverage - cfg.max_coverage_drop) {
      alarms.push({
        kind: 'coverage',
        message: `live interval coverage ${pct(current.coverage)} is below the nominal ${pct(coverage)} by more than ${pct(cfg.max_coverage_drop)}`,
      });
    }
  }
  return alarms;
}

function indicesWhere(j: JoinedFeedback, keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < j.n; i++) if (keep(i)) out.push(i);
  return out;
}

/** Live metrics of rows `idx` of the join (src/monitor's liveMetrics on a gathered copy). */
export function liveOf(j: JoinedFeedback, idx: readonly number[]): LiveMetrics {
  const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i]);
  return liveMetrics({
    prediction: pick(j.prediction),
    actual: pick(j.actual),
    lower: pick(j.lower),
    upper: pick(j.upper),
  });
}

function groupByVersion(j: JoinedFeedback): VersionLive[] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < j.n; i++) {
    const key = `${j.runId[i]}\0${j.version[i] ?? ''}\0${j.arm[i] ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return [...groups.values()].map((idx) => ({
    run_id: j.runId[idx[0]],
    version: j.version[idx[0]],
    arm: j.arm[idx[0]],
    ...liveOf(j, idx),
  }));
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : Number(x.toPrecision(4)).toString();
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
