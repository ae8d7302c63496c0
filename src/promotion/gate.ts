/**
 * The production gate (MLflow's MetricThreshold): the candidate and the current production
 * version score the SAME rows, rows neither was trained or tuned on — both runs' TEST rows
 * (rebuilt from their own configs, hash-checked) and recent labelled feedback from the prediction
 * log, minus every row either fitted on (gate-rows.ts) — or a file given with --eval-data; the
 * candidate must beat production by a minimum absolute and relative improvement of the metric.
 * Scoring only the candidate's own TEST rows let a model trained on a slice of the data (small
 * stones) pass on that slice against a production model that is better everywhere else.
 */
import { channel } from 'node:diagnostics_channel';
import { readReleaseStamp } from '../artifacts/release-stamp.js';
import type { MetadataJson } from '../artifacts/run-folder.js';
import { DataError } from '../core/errors.js';
import { DataLoader } from '../data/loader.js';
import { InferencePipeline } from '../inference/inference-pipeline.js';
import { defaultLogPath, logStoreOf } from '../log/default-log-path.js';
import { getMetric, type MetricName } from '../metrics/regression.js';
import type { RegistryConfig } from '../registry/registry-config.js';
import {
  type DataFileOf,
  describeSource,
  type FeedbackOptions,
  fileScored,
  GATE_FEEDBACK_DAYS,
  GATE_FEEDBACK_MAX_ROWS,
  type GateRowSource,
  heldOutByBoth,
  type Model,
  type ScoredRows,
} from './gate-rows.js';

export {
  type DataFileOf,
  GATE_FEEDBACK_DAYS,
  GATE_FEEDBACK_MAX_ROWS,
  type GateRowSource,
} from './gate-rows.js';

/** The gate's metric and thresholds (the `registry` config section's `gate_*` keys). */
export interface GateConfig {
  metric: MetricName;
  min_improvement_abs: number;
  min_improvement_rel: number;
}

/** The gate a resolved `registry` config section asks for. */
export function gateConfigOf(r: RegistryConfig): GateConfig {
  return {
    metric: r.gate_metric,
    min_improvement_abs: r.gate_min_improvement_abs,
    min_improvement_rel: r.gate_min_improvement_rel,
  };
}

/** The gate's decision and the numbers behind it. */
export interface GateResult {
  passed: boolean;
  metric: MetricName;
  greater_is_better: boolean;
  candidate: number;
  incumbent: number;
  /** How much better the candidate is, in metric units (positive = better, whatever the direction). */
  improvement_abs: number;
  /** improvement_abs / |incumbent|. */
  improvement_rel: number;
  thresholds: { min_improvement_abs: number; min_improvement_rel: number };
  /**
   * Rows both models scored (`used`); rows either rejected or without a target (`excluded`); rows
   * left out because production (`seen_by_incumbent`) or the candidate (`seen_by_candidate`)
   * trained or was tuned on them — summed over `sources`, which says where every row came from.
   */
  rows: {
    used: number;
    excluded: number;
    seen_by_incumbent?: number | null;
    seen_by_candidate?: number;
    sources?: GateRowSource[];
  };
  /** The sources that gave rows: `test-of-v7`, `test-of-v7 120 + test-of-v6 80 + feedback 40`, `file:<path>`. */
  eval: string;
  /** Whether both runs were trained on the same data file and split (null with --eval-data). */
  same_split: boolean | null;
}

/** What the gate compares: the candidate's and production's folders, and on which rows. */
export interface GateInput {
  candidateDir: string;
  candidateVersion: number;
  incumbentDir: string;
  gate: GateConfig;
  /** Score on this file instead of the held-out rows and feedback. */
  evalData?: string;
  /** Production's version, for labels (default: from the release's registry.json). */
  incumbentVersion?: number;
  /**
   * The prediction log whose labelled feedback joins the gate's rows: a file or a store URI
   * (default: the storage setting's log when one is set — the log every host shares — else the
   * models root's predictions.sqlite, next to production); `false` leaves feedback out.
   */
  feedbackLog?: string | false;
  /**
   * Where this host reads each run's training data, given its folder (default: the file its
   * config names): a serving node's copy from the artifact store. Checked against the sha256 the
   * run recorded either way, so the rows are the same.
   */
  dataFile?: DataFileOf;
  /** Clock for "recent" feedback, ms since the epoch (default: now). */
  now?: number;
}

/**
 * Every evaluation of the gate is published on this `node:diagnostics_channel` channel as
 * `{candidateDir, incumbentDir}` before it runs (tests count evaluations; tracing can log them).
 */
export const GATE_CHANNEL = 'tabflow:gate';
const gateChannel = channel(GATE_CHANNEL);

/** Score the candidate and production on the same rows and apply the thresholds. */
export async function evaluateGate(inp: GateInput): Promise<GateResult> {
  if (gateChannel.hasSubscribers) {
    gateChannel.publish({ candidateDir: inp.candidateDir, incumbentDir: inp.incumbentDir });
  }
  const candidate = InferencePipeline.load(inp.candidateDir);
  const incumbent = InferencePipeline.load(inp.incumbentDir);
  const target = candidate.metadata.target.name;
  if (incumbent.metadata.target.name !== target) {
    throw new DataError(
      'gate_target_mismatch',
      `The candidate predicts "${target}" but production predicts "${incumbent.metadata.target.name}": ` +
        `they cannot be compared; use --force to promote anyway`,
    );
  }
  const incVersion = inp.incumbentVersion ?? readReleaseStamp(inp.incumbentDir)?.version;
  const cand: Model = { pipeline: candidate, dir: inp.candidateDir, name: `v${inp.candidateVersion}` };
  const inc: Model = {
    pipeline: incumbent,
    dir: inp.incumbentDir,
    name: incVersion === undefined ? 'production' : `v${incVersion}`,
  };
  const rows = inp.evalData
    ? await fileRows(inp.evalData, target, cand, inc)
    : await heldOutByBoth(cand, inc, feedbackOf(inp), inp.dataFile);
  const metric = getMetric(inp.gate.metric, 'registry.gate_metric');
  const sc = metric.compute(rows.y, rows.candidate);
  const si = metric.compute(rows.y, rows.incumbent);
  const abs = metric.greaterIsBetter ? sc - si : si - sc;
  const rel = si === 0 ? (abs > 0 ? Number.POSITIVE_INFINITY : abs < 0 ? -1 : 0) : abs / Math.abs(si);
  const { min_improvement_abs: minAbs, min_improvement_rel: minRel } = inp.gate;
  const sum = (k: 'rejected' | 'seen_by_incumbent' | 'seen_by_candidate') =>
    rows.sources.reduce((t, s) => t + s[k], 0);
  return {
    // "Deploy if better": a tie (an identical model, say) keeps production; thresholds ask for more.
    passed: Number.isFinite(sc) && abs > 0 && abs >= minAbs && rel >= minRel,
    metric: metric.name,
    greater_is_better: metric.greaterIsBetter,
    candidate: sc,
    incumbent: si,
    improvement_abs: abs,
    improvement_rel: rel,
    thresholds: { min_improvement_abs: minAbs, min_improvement_rel: minRel },
    rows: {
      used: rows.y.length,
      excluded: sum('rejected'),
      // With --eval-data the one source is the file, named in `eval`.
      ...(inp.evalData
        ? {}
        : {
            seen_by_incumbent: sum('seen_by_incumbent'),
            seen_by_candidate: sum('seen_by_candidate'),
            sources: rows.sources,
          }),
    },
    eval: evalLabel(rows.sources),
    same_split: inp.evalData ? null : sameSplit(candidate.metadata, incumbent.metadata),
  };
}

function feedbackOf(inp: GateInput): FeedbackOptions | null {
  if (inp.feedbackLog === false) return null;
  const now = inp.now ?? Date.now();
  return {
    file: inp.feedbackLog ?? logStoreOf(defaultLogPath(inp.incumbentDir)),
    since: now - GATE_FEEDBACK_DAYS * 86_400_000,
    maxRows: GATE_FEEDBACK_MAX_ROWS,
  };
}

/** The sources that gave rows; with more than one, how many each. */
function evalLabel(sources: GateRowSource[]): string {
  const used = sources.filter((s) => s.used > 0);
  if (used.length === 1) return used[0].source;
  return used.map((s) => `${s.source} ${s.used}`).join(' + ');
}

function sameSplit(a: MetadataJson, b: MetadataJson): boolean {
  const h = (m: MetadataJson) => (m.split as { hashes?: { test?: string } } | undefined)?.hashes?.test;
  return a.data.sha256 === b.data.sha256 && h(a) !== undefined && h(a) === h(b);
}

async function fileRows(path: string, target: string, cand: Model, inc: Model): Promise<ScoredRows> {
  const loaded = await DataLoader.load(path, { target });
  const col = loaded.frame.get(target);
  if (col.type !== 'numeric') {
    throw new DataError(
      'target_not_numeric',
      `--eval-data ${path}: target "${target}" is ${col.type}, not numeric`,
    );
  }
  return fileScored(path, loaded.frame.drop([target]), col.values, cand, inc);
}

/** One line with the numbers, for messages and the CLI. */
export function describeGate(g: GateResult): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toPrecision(5) : String(x));
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : String(x));
  return (
    `${g.metric} on ${g.rows.used} rows of ${g.eval}: candidate ${f(g.candidate)} vs production ` +
    `${f(g.incumbent)} (${g.greater_is_better ? 'higher' : 'lower'} is better); improvement ` +
    `${f(g.improvement_abs)} (${pct(g.improvement_rel)}), required ≥ ${g.thresholds.min_improvement_abs} ` +
    `and ≥ ${pct(g.thresholds.min_improvement_rel)}` +
    (g.rows.excluded ? `; ${g.rows.excluded} rows left out (rejected or no target)` : '') +
    (g.rows.seen_by_incumbent
      ? `; ${g.rows.seen_by_incumbent} rows production trained or was tuned on left out`
      : '') +
    (g.rows.seen_by_candidate
      ? `; ${g.rows.seen_by_candidate} rows the candidate trained or was tuned on left out`
      : '') +
    (g.rows.sources?.length
      ? `; rows by source — ${g.rows.sources.map((s) => describeSource(s)).join('; ')}`
      : '')
  );
}
