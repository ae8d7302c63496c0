/**
 * The files of one run, which always travel together: model.json, preprocessor.json,
 * config.yaml, metadata.json and results.json. metadata.json records the sha256 of every other
 * file, so a loader can prove they belong to the same run.
 */
import { createHash } from 'node:crypto';
import type { JsonNumber } from '../core/codec.js';
import type { BackgroundJson } from '../inference/background.js';
import type { CalibrationJson, IntervalQuality } from '../inference/conformal.js';
import type { CandidateResult } from '../train/model-trainer.js';
import type { SelectionWarning } from '../train/selection-warnings.js';

export const ARTIFACT_FILES = ['model.json', 'preprocessor.json', 'config.yaml', 'results.json'] as const;
export type ArtifactFile = (typeof ARTIFACT_FILES)[number];
export const METADATA_FILE = 'metadata.json';
/**
 * metadata.json's own sha256, written beside it in `sha256sum` format (`sha256sum -c` checks it):
 * metadata.json vouches for every other file, this file vouches for metadata.json.
 */
export const METADATA_SEAL_FILE = 'metadata.json.sha256';
/**
 * Files a run may have besides the four: checked like them when metadata.json lists them (a run
 * trained before they existed simply has none).
 */
export const PROFILE_FILE = 'profile.json';
export const OPTIONAL_ARTIFACT_FILES = [PROFILE_FILE] as const;
export type OptionalArtifactFile = (typeof OPTIONAL_ARTIFACT_FILES)[number];

/** Every file metadata.json vouches for: the four required ones, then the optional ones it lists. */
export function artifactFilesOf(meta: Pick<MetadataJson, 'artifacts'>): string[] {
  const listed = (meta.artifacts ?? {}) as Record<string, unknown>;
  return [...ARTIFACT_FILES, ...OPTIONAL_ARTIFACT_FILES.filter((f) => listed[f] !== undefined)];
}
export const METADATA_FORMAT_VERSION = 1;

export interface ResultsJson {
  run_id: string;
  selection: {
    metric: string;
    /** `cv` (mean over folds), `val` or `test`. */
    on: string;
    /** Absent in runs from before cross-validated selection (they selected on the holdout). */
    method?: 'cv' | 'holdout';
    folds?: number;
    repeats?: number;
    reason?: string;
    best: string | null;
    greater_is_better: boolean;
    /** Standard error of the selected candidate's selection score (cv: sd/√folds; holdout: bootstrap). */
    se?: JsonNumber;
  };
  /** A candidate not selected scored better on TEST by more than `selection.se` (the choice stands). */
  warnings?: SelectionWarning[];
  models: CandidateResult[];
  /** Split-conformal intervals of the selected model: nominal coverage, and what TEST showed. */
  intervals?: { mode: string; coverage: number; calibration_rows: number; test: IntervalQuality };
}

/**
 * A candidate's score by the run's selection rule: the mean over folds under cross-validation,
 * else the metric on the split it selected on. Undefined when the candidate has none.
 */
export function selectionScore(
  model: CandidateResult,
  selection: Pick<ResultsJson['selection'], 'metric' | 'on'>,
): number | undefined {
  if (selection.on === 'cv') return model.cv?.complete ? model.cv.mean : undefined;
  const split = model.metrics?.[selection.on as 'val' | 'test'];
  return split?.[selection.metric as keyof typeof split];
}

export interface FeatureSchemaEntry {
  name: string;
  type: string;
  nullable: boolean;
  min?: number | null;
  max?: number | null;
  categories?: string[];
  [k: string]: unknown;
}

export interface MetadataJson {
  format_version: number;
  run_id: string;
  created_at: string;
  tabflow_version: string;
  node_version: string;
  seed: number;
  data: {
    path: string;
    format: string;
    sha256: string;
    bytes: number;
    rows: number;
    columns: number;
    [k: string]: unknown;
  };
  target: { name: string; train: TargetStats };
  cleaning: unknown;
  split: unknown;
  features: FeatureSchemaEntry[];
  model_features: string[];
  selected_model: {
    name: string;
    kind: string;
    params: Record<string, unknown>;
    metrics: CandidateResult['metrics'];
    cv?: CandidateResult['cv'];
    selected_by: { metric: string; on: string; method?: 'cv' | 'holdout' };
  };
  timings: Record<string, number>;
  /** Split-conformal calibration on VAL residuals of the selected model (absent: no intervals). */
  calibration?: CalibrationJson;
  /** TRAIN rows of the model matrix for model-agnostic explanations (SVR, k-NN only). */
  explain_background?: BackgroundJson;
  /** The name and tags the run registers under, so a rebuilt registry can restore them. */
  registration?: { name: string; tags: Record<string, string> };
  artifacts: Record<ArtifactFile, { sha256: string; bytes: number }> &
    Partial<Record<OptionalArtifactFile, { sha256: string; bytes: number }>>;
}

export interface TargetStats {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  quantiles: Record<string, number>;
}

/** The seal of a metadata.json: `<sha256>  metadata.json` and a newline. */
export function sealText(metadataSha256: string): string {
  return `${metadataSha256}  ${METADATA_FILE}\n`;
}

/** The sha256 a seal records, or null when the text is not a seal of metadata.json. */
export function parseSeal(text: string): string | null {
  const m = /^([0-9a-f]{64}) [ *]metadata\.json\r?\n?$/.exec(text);
  return m ? m[1] : null;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function targetStats(y: Float64Array): TargetStats {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - mean) ** 2;
  const s = Float64Array.from(y).sort();
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
