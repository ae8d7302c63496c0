/**
 * TrainingPipeline.save_artifacts (the seed's STEP 7): one run's files built together — model,
 * preprocessor, config, results, profile, metadata.json recording every other file's sha256, and
 * its seal — and written as one folder `<output.dir>/runs/<run-id>/`, atomically. Registering the
 * run and moving stages is the promotion layer's (src/promotion/register-run.ts), which writes the
 * folder under the registry's lock through `SaveOptions.write`.
 */
import { join } from 'node:path';
import { encodeNumber, type Serialized, stringifyArtifact } from '../core/codec.js';
import { sortFloat64 } from '../core/sort.js';
import { getMetric } from '../metrics/regression.js';
import type { FittedPreprocessor } from '../preprocess/index.js';
import { VERSION } from '../version.js';
import { writeDirAtomic } from './atomic.js';
import { configToYaml, type RunConfig } from './run-config.js';
import {
  type ArtifactFile,
  type BackgroundJson,
  type CalibrationJson,
  type CandidateJson,
  type IntervalQuality,
  METADATA_FILE,
  METADATA_FORMAT_VERSION,
  METADATA_SEAL_FILE,
  type MetadataJson,
  type OptionalArtifactFile,
  PROFILE_FILE,
  type ResultsJson,
  type SelectionWarningJson,
  sealText,
  sha256,
  type TargetStats,
} from './run-folder.js';

/** Everything a run folder records, as the training pipeline hands it over. */
export interface SaveInput {
  /** The config the run records (config.yaml holds every section of it). */
  config: RunConfig;
  now: Date;
  loaded: {
    path: string;
    format: string;
    sha256: string;
    bytes: number;
    rows: number;
    columns: unknown[];
    encoding?: string;
    encodingNote?: string;
  };
  cleaning: unknown;
  split: unknown;
  /** How the best candidate was chosen (cross-validation or the VAL holdout) and why. */
  selection: { method: 'cv' | 'holdout'; folds?: number; repeats?: number; reason: string };
  /** Standard error of the selected candidate's selection score. */
  selectionSe: number;
  /** Candidates not selected that scored better on TEST by more than `selectionSe`. */
  warnings: SelectionWarningJson[];
  target: string;
  yTrain: Float64Array;
  preprocessor: FittedPreprocessor;
  modelFeatures: string[];
  /** The selected candidate: its spec's name and family, its record and its fitted model's JSON. */
  best: { name: string; kind: string; result: CandidateJson; model: Serialized };
  /** Every candidate's record, in training order. */
  models: CandidateJson[];
  timings: Record<string, number>;
  /** Prediction intervals: the calibration, and its coverage/width on TEST (results.json). */
  intervals?: { calibration: CalibrationJson; test: IntervalQuality };
  /** Train quantiles per numeric/datetime input column, stored in the data contract. */
  featureQuantiles?: Record<string, Record<string, number>>;
  /** Background rows for model-agnostic explanations. */
  explainBackground?: BackgroundJson;
  /** Registry tags the run records (metadata.json `registration`). */
  tags?: Record<string, string>;
  /** Reference profile for drift monitoring (src/monitor), saved as profile.json. */
  profile?: Record<string, unknown>;
}

/** A run's files, built and not yet written. */
export interface RunFiles {
  runId: string;
  /** File name → content, metadata.json and its seal last. */
  files: Record<string, string>;
  results: ResultsJson;
  metadata: MetadataJson;
}

/** A run folder written. */
export interface SavedRun extends RunFiles {
  runDir: string;
}

/** How `saveArtifacts` writes the folder. */
export interface SaveOptions {
  /**
   * Writes folder `runDir` holding exactly `files`, atomically (default: `writeDirAtomic`). The
   * promotion layer passes one that writes and registers under the registry's lock.
   */
  write?: (runDir: string, files: Record<string, string>) => void;
}

/** `20261126-071502-3fa2c1`: sortable by time, unique by content. */
export function makeRunId(now: Date, salt: string): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${sha256(`${salt}${now.getTime()}${process.pid}${Math.random()}`).slice(0, 6)}`;
}

/** Build a run's files and write them as `<config.output.dir>/runs/<run-id>/`. */
export function saveArtifacts(input: SaveInput, o: SaveOptions = {}): SavedRun {
  const run = buildRunFiles(input);
  const runDir = join(input.config.output.dir, 'runs', run.runId);
  (o.write ?? writeDirAtomic)(runDir, run.files);
  return { ...run, runDir };
}

/** The files of a run folder, metadata.json recording every other file's sha256, its seal last. */
export function buildRunFiles(input: SaveInput): RunFiles {
  const { config } = input;
  const runId = makeRunId(input.now, input.loaded.sha256);
  const results = resultsOf(input, runId);
  const files: Record<ArtifactFile, string> & Partial<Record<OptionalArtifactFile, string>> = {
    'model.json': stringifyArtifact(input.best.model),
    'preprocessor.json': stringifyArtifact(input.preprocessor.toJSON()),
    'config.yaml': `# tabflow ${VERSION} — full resolved config of run ${runId}\n${configToYaml(config)}`,
    'results.json': stringifyArtifact(results),
    ...(input.profile ? { [PROFILE_FILE]: stringifyArtifact(input.profile) } : {}),
  };
  const artifacts = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [
      name,
      { sha256: sha256(text), bytes: Buffer.byteLength(text) },
    ]),
  ) as MetadataJson['artifacts'];
  const metadata = metadataOf(input, runId, results, artifacts);
  const metaText = stringifyArtifact(metadata);
  // metadata.json vouches for the other files; its seal, written last, vouches for it.
  return {
    runId,
    files: { ...files, [METADATA_FILE]: metaText, [METADATA_SEAL_FILE]: sealText(sha256(metaText)) },
    results,
    metadata,
  };
}

function resultsOf(input: SaveInput, runId: string): ResultsJson {
  const { metric } = input.config.selection;
  const choice = input.selection;
  const results: ResultsJson = {
    run_id: runId,
    selection: {
      metric,
      on: selectedOn(input),
      method: choice.method,
      ...(choice.method === 'cv' ? { folds: choice.folds, repeats: choice.repeats } : {}),
      reason: choice.reason,
      best: input.best.name,
      greater_is_better: getMetric(metric).greaterIsBetter,
      se: encodeNumber(input.selectionSe),
    },
    models: input.models,
  };
  if (input.warnings.length) results.warnings = input.warnings;
  const cal = input.intervals?.calibration;
  if (cal && input.intervals) {
    const test = input.intervals.test;
    results.intervals = { mode: cal.mode, coverage: cal.coverage, calibration_rows: cal.n, test };
  }
  return results;
}

/** The split the selection scored on: the folds under cross-validation, else `selection.on`. */
function selectedOn(input: SaveInput): string {
  return input.selection.method === 'cv' ? 'cv' : input.config.selection.on;
}

function metadataOf(
  input: SaveInput,
  runId: string,
  results: ResultsJson,
  artifacts: MetadataJson['artifacts'],
): MetadataJson {
  const { config, best } = input;
  const cal = input.intervals?.calibration;
  return {
    format_version: METADATA_FORMAT_VERSION,
    run_id: runId,
    created_at: input.now.toISOString(),
    tabflow_version: VERSION,
    node_version: process.version,
    seed: config.training.seed,
    data: {
      path: input.loaded.path,
      format: input.loaded.format,
      sha256: input.loaded.sha256,
      bytes: input.loaded.bytes,
      rows: input.loaded.rows,
      columns: input.loaded.columns.length,
      // How the text was read: inference reads its files the same way (predict-file.ts).
      decimal: config.data.decimal,
      ...(input.loaded.encoding ? { encoding: input.loaded.encoding } : {}),
      ...(input.loaded.encodingNote ? { encoding_note: input.loaded.encodingNote } : {}),
    },
    target: { name: input.target, train: targetStats(input.yTrain) },
    cleaning: input.cleaning,
    split: input.split,
    features: input.preprocessor.schema.map((f) =>
      input.featureQuantiles?.[f.name] ? { ...f, quantiles: input.featureQuantiles[f.name] } : f,
    ) as MetadataJson['features'],
    model_features: input.modelFeatures,
    selected_model: {
      name: best.name,
      kind: best.kind,
      params: best.result.params,
      metrics: best.result.metrics,
      ...(best.result.cv ? { cv: best.result.cv } : {}),
      selected_by: {
        metric: results.selection.metric,
        on: results.selection.on,
        method: input.selection.method,
      },
    },
    timings: input.timings,
    ...(cal ? { calibration: cal } : {}),
    ...(input.explainBackground ? { explain_background: input.explainBackground } : {}),
    registration: { name: config.registry.name, tags: { ...(input.tags ?? {}) } },
    artifacts,
  };
}

/** Count, mean, std, min, max and quantiles of the TRAIN target (metadata.json `target.train`). */
export function targetStats(y: Float64Array): TargetStats {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - mean) ** 2;
  const s = sortFloat64(y);
  const q = (p: number) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return s[lo] + (h - lo) * ((s[Math.min(lo + 1, n - 1)] ?? s[lo]) - s[lo]);
  };
  return {
    count: n,
    mean,
    std: Math.sqrt(v / Math.max(1, n - 1)),
    min: s[0],
    max: s[n - 1],
    quantiles: { '0.01': q(0.01), '0.25': q(0.25), '0.5': q(0.5), '0.75': q(0.75), '0.99': q(0.99) },
  };
}
