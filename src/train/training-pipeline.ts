/**
 * TrainingPipeline: the composition root of the seed's training flow.
 *
 *   load → clean (nothing learned) → split 70/10/20 → fit preprocessing on TRAIN only →
 *   train candidates → evaluate on train/val/test → select on VAL → save artifacts together
 *
 * Only this module names the concrete stage classes; each stage is usable on its own.
 */
import { DataCleaner } from '../clean/data-cleaner.js';
import type { TabflowConfig } from '../config/config.js';
import { DataError, ModelError } from '../core/errors.js';
import type { Column, Frame } from '../data/frame.js';
import { DataLoader, type LoadedData } from '../data/loader.js';
import '../models/index.js';
import { type SaveResult, saveArtifacts } from '../artifacts/save-artifacts.js';
import { permutationImportance } from '../explain/permutation-importance.js';
import { backgroundFor } from '../inference/background.js';
import { calibrateIntervals } from '../inference/conformal.js';
import { trainQuantiles } from '../inference/contract.js';
import type { InputEncoding } from '../models/regressor.js';
import { serializeReferenceProfile } from '../monitor/profile-codec.js';
import { buildReferenceProfile } from '../monitor/reference-profile.js';
import { type FittedPreprocessor, ProductionPreprocessor } from '../preprocess/index.js';
import { DataSplitter } from '../split/data-splitter.js';
import { loadOptionsOf } from './held-out.js';
import {
  ModelTrainer,
  type PreparedData,
  type TrainedCandidate,
  type TrainerEvent,
} from './model-trainer.js';

export type Stage =
  | 'load'
  | 'clean'
  | 'split'
  | 'preprocess'
  | 'train'
  | 'evaluate'
  | 'select'
  | 'calibrate'
  | 'importance'
  | 'save';

export type PipelineEvent =
  | { type: 'stage_start'; stage: Stage }
  | { type: 'stage_end'; stage: Stage; seconds: number; summary: string }
  | TrainerEvent;

export interface PipelineOptions {
  onEvent?: (e: PipelineEvent) => void;
  /** Clock for run ids (tests pin it). */
  now?: () => Date;
  /** Registry tags of the new version (e.g. {team: 'pricing'}). */
  tags?: Record<string, string>;
}

export interface RunSummary extends SaveResult {
  best: TrainedCandidate;
  trained: TrainedCandidate[];
}

export class TrainingPipeline {
  readonly config: TabflowConfig;
  private readonly onEvent: (e: PipelineEvent) => void;
  private readonly now: () => Date;
  private readonly tags: Record<string, string>;
  private readonly timings: Record<string, number> = {};

  constructor(config: TabflowConfig, options: PipelineOptions = {}) {
    this.config = config;
    this.onEvent = options.onEvent ?? (() => {});
    this.now = options.now ?? (() => new Date());
    this.tags = options.tags ?? {};
  }

  private async stage<T>(stage: Stage, fn: () => T | Promise<T>, summary: (r: T) => string): Promise<T> {
    this.onEvent({ type: 'stage_start', stage });
    const t0 = performance.now();
    const r = await fn();
    const seconds = (performance.now() - t0) / 1000;
    this.timings[stage] = seconds;
    this.onEvent({ type: 'stage_end', stage, seconds, summary: summary(r) });
    return r;
  }

  async run(): Promise<RunSummary> {
    const cfg = this.config;
    const { path, target } = cfg.data;
    if (!path)
      throw new DataError('no_data', 'No data file given: pass --data FILE or set data.path in the config');
    if (!target)
      throw new DataError(
        'no_target',
        'No target given: pass --target COLUMN or set data.target in the config',
      );

    const loaded = await this.stage(
      'load',
      () => DataLoader.load(path, loadOptionsOf(cfg)),
      (r: LoadedData) =>
        `${r.frame.nRows.toLocaleString('en')} rows × ${r.frame.nCols} columns (${r.report.format})`,
    );

    const cleaned = await this.stage(
      'clean',
      () => new DataCleaner(cfg.cleaning).clean(loaded.frame, target),
      (r) =>
        `${r.report.rowsBefore.toLocaleString('en')} → ${r.report.rowsAfter.toLocaleString('en')} rows ` +
        `(${r.report.duplicatesDropped} duplicates, ${r.report.missingTargetDropped} missing target dropped)`,
    );

    const split = await this.stage(
      'split',
      () => new DataSplitter(cfg.split).split(cleaned.frame, target),
      (r) =>
        `train ${r.train.length.toLocaleString('en')} / val ${r.val.length.toLocaleString('en')} / test ${r.test.length.toLocaleString('en')} (${r.report.strategy})`,
    );

    const frame = cleaned.frame;
    const yAll = numericTarget(frame.get(target), target);
    const features = frame.drop([target, ...split.dropColumns]);
    const parts = {
      train: { rows: split.train, frame: features.take(split.train) },
      val: { rows: split.val, frame: features.take(split.val) },
      test: { rows: split.test, frame: features.take(split.test) },
    };
    const ys = {
      train: Float64Array.from(split.train, (i) => yAll[i]),
      val: Float64Array.from(split.val, (i) => yAll[i]),
      test: Float64Array.from(split.test, (i) => yAll[i]),
    };

    const trainer = new ModelTrainer(cfg.models, {
      seed: cfg.training.seed,
      candidateBudgetS: cfg.training.candidate_time_budget_s,
      totalBudgetS: cfg.training.time_budget_s,
      threads: cfg.training.threads,
      trainMetricsRows: cfg.training.train_metrics_rows,
      tuneMetric: cfg.selection.metric,
      onEvent: this.onEvent,
    });

    // One preprocessor per encoding the candidates want, each fitted on TRAIN rows only.
    const prepared = new Map<InputEncoding, { pre: FittedPreprocessor; data: PreparedData }>();
    await this.stage(
      'preprocess',
      () => {
        for (const encoding of trainer.encodings()) {
          const pre = new ProductionPreprocessor(cfg.preprocessing, { encoding }).fit(parts.train.frame);
          const tr = pre.transform(parts.train.frame);
          prepared.set(encoding, {
            pre,
            data: {
              features: tr.features,
              train: { X: tr.X, y: ys.train },
              val: { X: pre.transform(parts.val.frame).X, y: ys.val },
              test: { X: pre.transform(parts.test.frame).X, y: ys.test },
            },
          });
        }
        return prepared;
      },
      (m) => [...m].map(([enc, p]) => `${enc}: ${p.data.features.length} model features`).join(', '),
    );
    const dataFor = (enc: InputEncoding): PreparedData => {
      const p = prepared.get(enc);
      if (!p) throw new Error(`no preprocessor fitted for encoding ${enc}`);
      return p.data;
    };

    const trained = await this.stage(
      'train',
      () => trainer.trainAll(dataFor),
      (r) => `${r.filter((t) => t.fitted).length} of ${r.length} candidates trained`,
    );
    await this.stage(
      'evaluate',
      () => trainer.evaluateAll(trained, dataFor),
      () => 'R², RMSE, MAE, MAPE, median AE on train, val, test',
    );
    const { metric, on } = cfg.selection;
    const best = await this.stage(
      'select',
      () => trainer.selectBest(trained, metric, on),
      (b) =>
        b ? `${b.spec.name} (${metric} on ${on} = ${b.result.metrics?.[on]?.[metric]?.toFixed(4)})` : 'none',
    );
    if (!best?.fitted) {
      const why = trained.map((t) => `  - ${t.spec.name}: ${t.result.error ?? t.result.status}`).join('\n');
      throw new ModelError('all_failed', `No candidate trained successfully:\n${why}`);
    }

    const chosen = prepared.get(best.result.encoding)!;
    // Split-conformal intervals on VAL residuals of the selected model, checked on TEST.
    const { interval_method: mode, interval_coverage: coverage } = cfg.inference;
    const intervals =
      mode === 'none'
        ? undefined
        : await this.stage(
            'calibrate',
            async () => {
              const { features, train, val, test } = chosen.data;
              const iv = await calibrateIntervals({
                model: best.fitted!,
                features,
                train,
                val,
                coverage,
                mode,
                seed: cfg.training.seed,
              });
              return {
                calibration: iv.json,
                test: iv.evaluate(best.fitted!.predict(test.X), test.X, test.y),
              };
            },
            (r) =>
              `${r.calibration.mode}${mode === 'auto' ? ' (lower interval score on VAL)' : ''} ${(coverage * 100).toFixed(0)}% intervals: ` +
              `test coverage ${(r.test.coverage * 100).toFixed(1)}%, mean width ${r.test.mean_width.toPrecision(4)}`,
          );
    const { test } = chosen.data;
    if (test.y.length >= 2) {
      // Global importance of the selected model on TEST (subsampled to ≤ 5,000 rows: cheap).
      const fitted = best.fitted;
      best.result.permutation_importance = await this.stage(
        'importance',
        () =>
          permutationImportance(fitted, test.X, test.y, chosen.data.features, { seed: cfg.training.seed }),
        (r) =>
          `permutation importance (R² drop) on ${r.rows.toLocaleString('en')} TEST rows × ${r.repeats} repeats`,
      );
    }
    const saved = await this.stage(
      'save',
      () =>
        saveArtifacts({
          config: cfg,
          now: this.now(),
          tags: this.tags,
          loaded: loaded.report,
          cleaning: cleaned.report,
          split: split.report,
          target,
          yTrain: ys.train,
          preprocessor: chosen.pre,
          modelFeatures: chosen.data.features.map((f) => f.name),
          best,
          trained,
          timings: this.timings,
          intervals,
          featureQuantiles: trainQuantiles(parts.train.frame),
          explainBackground: backgroundFor(best.fitted!, chosen.data.train.X, cfg.training.seed),
          // What monitoring compares live traffic with: raw TRAIN inputs, TEST predictions.
          profile: serializeReferenceProfile(
            buildReferenceProfile(parts.train.frame, {
              predictions: best.fitted!.predict(chosen.data.test.X),
              target: { name: target, values: ys.train },
            }),
          ),
        }),
      (r) => r.runDir,
    );
    return { ...saved, best, trained };
  }
}

function numericTarget(col: Column, name: string): Float64Array {
  if (col.type !== 'numeric') {
    throw new DataError(
      'target_not_numeric',
      `Target column "${name}" is ${col.type}, not numeric; choose a numeric target`,
    );
  }
  return col.values;
}

export type { Frame };
