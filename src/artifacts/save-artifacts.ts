/**
 * TrainingPipeline.save_artifacts (the seed's STEP 7): one run's files written together into
 * models/runs/<run-id>/ (atomically), registered as the next version of the configured model
 * (models/registry.sqlite), moved into stage dev, and promoted to production when there is no
 * production version yet (`output.promote: if_none`) or through the gate (`always`, --promote).
 */
import { join } from 'node:path';
import { configToYaml, type TabflowConfig } from '../config/config.js';
import { encodeNumber, stringifyArtifact } from '../core/codec.js';
import { TabflowError, UsageError } from '../core/errors.js';
import type { BackgroundJson } from '../inference/background.js';
import type { CalibrationJson, IntervalQuality } from '../inference/conformal.js';
import { getMetric } from '../metrics/regression.js';
import type { FittedPreprocessor } from '../preprocess/index.js';
import { ModelRegistry, type PromotionDecision } from '../registry/model-registry.js';
import { checkModelName, type Stage } from '../registry/names.js';
import type { TrainedCandidate } from '../train/model-trainer.js';
import type { MethodChoice } from '../train/selection-method.js';
import { selectionWarnings } from '../train/selection-warnings.js';
import { VERSION } from '../version.js';
import { hasProduction } from './production.js';
import {
  type ArtifactFile,
  METADATA_FILE,
  METADATA_FORMAT_VERSION,
  METADATA_SEAL_FILE,
  type MetadataJson,
  type OptionalArtifactFile,
  PROFILE_FILE,
  type ResultsJson,
  sealText,
  sha256,
  targetStats,
} from './run-artifacts.js';

export interface SaveInput {
  config: TabflowConfig;
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
  selection: MethodChoice;
  /** Standard error of the selected candidate's selection score. */
  selectionSe: number;
  target: string;
  yTrain: Float64Array;
  preprocessor: FittedPreprocessor;
  modelFeatures: string[];
  best: TrainedCandidate;
  trained: TrainedCandidate[];
  timings: Record<string, number>;
  /** Prediction intervals: the calibration, and its coverage/width on TEST (results.json). */
  intervals?: { calibration: CalibrationJson; test: IntervalQuality };
  /** Train quantiles per numeric/datetime input column, stored in the data contract. */
  featureQuantiles?: Record<string, Record<string, number>>;
  /** Background rows for model-agnostic explanations. */
  explainBackground?: BackgroundJson;
  /** Registry tags of the new version. */
  tags?: Record<string, string>;
  /** Reference profile for drift monitoring (src/monitor), saved as profile.json. */
  profile?: Record<string, unknown>;
}

export interface SaveResult {
  runId: string;
  runDir: string;
  /** Set when this run was published to models/production. */
  productionDir?: string;
  promoted: boolean;
  /** The registered model name and this run's version of it. */
  modelName: string;
  version: number;
  /** Stages this version entered (dev, production). */
  stages: Stage[];
  /** The production decision, when promotion was attempted (refused: `applied` false). */
  promotion?: PromotionDecision;
  /** Why the production gate could not be evaluated (the version stays registered). */
  promotionError?: string;
  results: ResultsJson;
  metadata: MetadataJson;
}

/** `20261126-071502-3fa2c1`: sortable by time, unique by content. */
export function makeRunId(now: Date, salt: string): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${sha256(`${salt}${now.getTime()}${process.pid}${Math.random()}`).slice(0, 6)}`;
}

export async function saveArtifacts(input: SaveInput): Promise<SaveResult> {
  const { config, best, trained } = input;
  const runId = makeRunId(input.now, input.loaded.sha256);
  const { metric } = config.selection;
  const choice = input.selection;
  const on = choice.method === 'cv' ? 'cv' : config.selection.on;
  const results: ResultsJson = {
    run_id: runId,
    selection: {
      metric,
      on,
      method: choice.method,
      ...(choice.method === 'cv' ? { folds: choice.folds, repeats: choice.repeats } : {}),
      reason: choice.reason,
      best: best.spec.name,
      greater_is_better: getMetric(metric).greaterIsBetter,
      se: encodeNumber(input.selectionSe),
    },
    models: trained.map((t) => t.result),
  };
  const warnings = selectionWarnings(
    results.models,
    best.spec.name,
    metric,
    input.selectionSe,
    choice.method,
  );
  if (warnings.length) results.warnings = warnings;
  const cal = input.intervals?.calibration;
  if (cal && input.intervals) {
    const test = input.intervals.test;
    results.intervals = { mode: cal.mode, coverage: cal.coverage, calibration_rows: cal.n, test };
  }
  const files: Record<ArtifactFile, string> & Partial<Record<OptionalArtifactFile, string>> = {
    'model.json': stringifyArtifact(best.fitted!.toJSON()),
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
  const metadata: MetadataJson = {
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
      name: best.spec.name,
      kind: best.spec.model,
      params: best.result.params,
      metrics: best.result.metrics,
      ...(best.result.cv ? { cv: best.result.cv } : {}),
      selected_by: { metric, on, method: choice.method },
    },
    timings: input.timings,
    ...(cal ? { calibration: cal } : {}),
    ...(input.explainBackground ? { explain_background: input.explainBackground } : {}),
    registration: { name: config.registry.name, tags: { ...(input.tags ?? {}) } },
    artifacts,
  };
  const metaText = stringifyArtifact(metadata);
  // metadata.json vouches for the other files; its seal, written last, vouches for it.
  const all = { ...files, [METADATA_FILE]: metaText, [METADATA_SEAL_FILE]: sealText(sha256(metaText)) };
  const root = config.output.dir;
  const name = checkModelName(config.registry.name);
  const registry = ModelRegistry.open(root);
  try {
    // Refuse a second model name before writing anything.
    const held = registry.modelName;
    if (held !== null && held !== name) {
      throw new UsageError(
        'other_model',
        `${root} holds the registered model "${held}"; registering "${name}" there is not allowed: ` +
          `one models folder holds one model, so use another --models-dir (or --name ${held})`,
      );
    }
    const runDir = join(root, 'runs', runId);
    // Written and registered under the registry's lock: a kill leaves a `.tmp-` folder or a complete
    // run, both cleaned up (removed, registered) by the next open.
    const v = registry.saveRun(runDir, all, { name, tags: input.tags });
    const stages: Stage[] = [];
    if (config.registry.stage_on_train === 'dev') {
      await registry.promote(v.version, 'dev', { reason: 'trained' });
      stages.push('dev');
    }
    const mode = config.output.promote;
    let promotion: PromotionDecision | undefined;
    let promotionError: string | undefined;
    // if_none: a production folder published before the registry existed counts as one.
    const none = !registry.stageVersion('production') && !hasProduction(root);
    if (mode === 'always' || (mode === 'if_none' && none)) {
      try {
        promotion = await registry.promote(v.version, 'production', {
          reason: mode === 'always' ? 'tabflow train --promote' : 'first production version',
        });
      } catch (e) {
        // The gate could not run (data changed, ...): the version stays registered, unpromoted.
        if (!(e instanceof TabflowError)) throw e;
        promotionError = e.message;
      }
    }
    const promoted = promotion?.applied === true;
    if (promoted) stages.push('production');
    return {
      runId,
      runDir,
      productionDir: promoted ? registry.stageDir('production') : undefined,
      promoted,
      modelName: name,
      version: v.version,
      stages,
      promotion,
      promotionError,
      results,
      metadata,
    };
  } finally {
    registry.close();
  }
}
