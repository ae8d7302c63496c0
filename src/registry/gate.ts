/**
 * The production gate (MLflow's MetricThreshold): the candidate and the current production
 * version score the SAME held-out rows — the candidate's TEST split rebuilt from its own config
 * (hash-checked), minus any row production itself was trained or tuned on (a retrained candidate's
 * TEST split can hold some), or a file given with --eval-data — and the candidate must beat
 * production by a minimum absolute and relative improvement of the configured metric.
 */
import { existsSync } from 'node:fs';
import type { MetadataJson } from '../artifacts/run-artifacts.js';
import { readRunConfig } from '../artifacts/run-config.js';
import { resolveConfig } from '../config/config.js';
import { DataError } from '../core/errors.js';
import { cellValue, type Frame, numeric } from '../data/frame.js';
import { DataLoader } from '../data/loader.js';
import { InferencePipeline } from '../inference/inference-pipeline.js';
import { getMetric, type MetricName } from '../metrics/regression.js';
import { heldOutParts, runTestRows } from '../train/held-out.js';
import type { RegistryConfig } from './registry-config.js';

export interface GateConfig {
  metric: MetricName;
  min_improvement_abs: number;
  min_improvement_rel: number;
}

export function gateConfigOf(r: RegistryConfig): GateConfig {
  return {
    metric: r.gate_metric,
    min_improvement_abs: r.gate_min_improvement_abs,
    min_improvement_rel: r.gate_min_improvement_rel,
  };
}

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
  /** Rows both models scored; rows either rejected (or without a target) are left out of both. */
  /**
   * `seen_by_incumbent`: rows of the candidate's TEST split that production trained or was tuned
   * on (same content in its TRAIN or VAL rows), left out so the comparison is fair; null when
   * production's data could not be rebuilt to check.
   */
  rows: { used: number; excluded: number; seen_by_incumbent?: number | null };
  /** `test-of-v7` or `file:<path>`. */
  eval: string;
  /**
   * For `test-of-…`: whether production was trained on the same data file and split. When not,
   * some of these rows may have been in production's training set, which favours production.
   */
  same_split: boolean | null;
}

interface EvalRows {
  features: Frame;
  y: Float64Array;
  label: string;
}

export interface GateInput {
  candidateDir: string;
  candidateVersion: number;
  incumbentDir: string;
  gate: GateConfig;
  /** Score on this file instead of the candidate's TEST rows. */
  evalData?: string;
}

export async function evaluateGate(inp: GateInput): Promise<GateResult> {
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
  let rows = inp.evalData
    ? await fileRows(inp.evalData, target)
    : await testRows(inp.candidateDir, candidate.metadata, inp.candidateVersion);
  let seen: number | null | undefined;
  if (!inp.evalData && !sameSplit(candidate.metadata, incumbent.metadata)) {
    // A retrained candidate's TEST split can hold rows production learned from: leave them out.
    const fit = await fittedRows(inp.incumbentDir, incumbent.metadata);
    if (fit) {
      const before = rows.y.length;
      rows = withoutRows(rows, fit, target);
      seen = before - rows.y.length;
    } else seen = null;
  }
  const a = candidate.predictFrame(rows.features);
  const b = incumbent.predictFrame(rows.features);
  const n = rows.y.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!a.rejected[i] && !b.rejected[i] && Number.isFinite(rows.y[i])) keep.push(i);
  }
  if (!keep.length) {
    throw new DataError(
      'gate_no_rows',
      `No row of ${rows.label} could be scored by both models (${n} rows, all rejected or without a target)`,
    );
  }
  const y = Float64Array.from(keep, (i) => rows.y[i]);
  const metric = getMetric(inp.gate.metric, 'registry.gate_metric');
  const sc = metric.compute(
    y,
    Float64Array.from(keep, (i) => a.prediction[i]),
  );
  const si = metric.compute(
    y,
    Float64Array.from(keep, (i) => b.prediction[i]),
  );
  const abs = metric.greaterIsBetter ? sc - si : si - sc;
  const rel = si === 0 ? (abs > 0 ? Number.POSITIVE_INFINITY : abs < 0 ? -1 : 0) : abs / Math.abs(si);
  const { min_improvement_abs: minAbs, min_improvement_rel: minRel } = inp.gate;
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
      used: keep.length,
      excluded: n - keep.length,
      ...(seen !== undefined ? { seen_by_incumbent: seen } : {}),
    },
    eval: rows.label,
    same_split: inp.evalData ? null : sameSplit(candidate.metadata, incumbent.metadata),
  };
}

function sameSplit(a: MetadataJson, b: MetadataJson): boolean {
  const h = (m: MetadataJson) => (m.split as { hashes?: { test?: string } } | undefined)?.hashes?.test;
  return a.data.sha256 === b.data.sha256 && h(a) !== undefined && h(a) === h(b);
}

/** The candidate's TEST rows, rebuilt from its config and checked against its recorded hashes. */
async function testRows(dir: string, meta: MetadataJson, version: number): Promise<EvalRows> {
  const held = await runTestRows(dir, meta, {
    code: 'gate_data_missing',
    who: `The gate (v${version})`,
    orElse: 'pass --eval-data FILE',
  });
  return { features: held.features, y: held.y, label: `test-of-v${version}` };
}

/** Production's TRAIN and VAL rows (what it was fitted and tuned on), or null if unavailable. */
async function fittedRows(dir: string, meta: MetadataJson): Promise<Frame[] | null> {
  try {
    const cfg = resolveConfig(readRunConfig(dir));
    if (!cfg.data.path || !existsSync(cfg.data.path)) return null;
    const hashes = (meta.split as { hashes?: { train?: string; val?: string } } | undefined)?.hashes;
    const parts = await heldOutParts(cfg, ['train', 'val'], {
      dataSha256: meta.data.sha256,
      splitHashes: { train: hashes?.train, val: hashes?.val },
    });
    return parts.map((h) => h.features.withColumn(meta.target.name, numeric(h.y)));
  } catch (e) {
    if (e instanceof DataError) return null; // data changed or moved: the caller reports null
    throw e;
  }
}

/** `rows` minus those whose inputs and target equal a row of `fitted` (compared as text). */
function withoutRows(rows: EvalRows, fitted: Frame[], target: string): EvalRows {
  const names = rows.features.names;
  const key = (f: Frame, i: number, y: number) =>
    JSON.stringify([...names.map((c) => (f.has(c) ? cellValue(f.get(c), i) : null)), y]);
  const known = new Set<string>();
  for (const f of fitted) {
    const y = f.get(target) as { values: Float64Array };
    for (let i = 0; i < f.nRows; i++) known.add(key(f, i, y.values[i]));
  }
  const keep: number[] = [];
  for (let i = 0; i < rows.y.length; i++) if (!known.has(key(rows.features, i, rows.y[i]))) keep.push(i);
  if (keep.length === rows.y.length) return rows;
  return {
    ...rows,
    features: rows.features.take(Uint32Array.from(keep)),
    y: Float64Array.from(keep, (i) => rows.y[i]),
  };
}

async function fileRows(path: string, target: string): Promise<EvalRows> {
  const loaded = await DataLoader.load(path, { target });
  const col = loaded.frame.get(target);
  if (col.type !== 'numeric') {
    throw new DataError(
      'target_not_numeric',
      `--eval-data ${path}: target "${target}" is ${col.type}, not numeric`,
    );
  }
  return { features: loaded.frame.drop([target]), y: col.values, label: `file:${path}` };
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
    (g.same_split === false && g.rows.seen_by_incumbent === null
      ? "; production's training data could not be rebuilt, so some of these rows may be in its " +
        'training set (favours production)'
      : '')
  );
}
