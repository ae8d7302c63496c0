/**
 * The commented config.yaml written by `tabflow init`: every section, every key with its default
 * and its doc, generated from the same parameter tables that validate the config.
 */
import YAML from 'yaml';
import { OUTPUT_PARAMS } from '../artifacts/output-config.js';
import { CLEAN_PARAMS, DEFAULT_MISSING_TOKENS } from '../clean/clean-config.js';
import type { ParamTable } from '../core/params.js';
import { DATA_PARAMS } from '../data/data-config.js';
import { EXPERIMENT_PARAMS } from '../experiment/experiment-config.js';
import { INFERENCE_PARAMS } from '../inference/params.js';
import { LOG_PARAMS } from '../log/log-config.js';
import { MONITORING_PARAMS } from '../loop/monitoring-config.js';
import { RETRAIN_PARAMS } from '../loop/retrain-config.js';
import { modelKinds } from '../models/families.js';
import { PREPROCESS_PARAMS } from '../preprocess/params.js';
import { REGISTRY_PARAMS } from '../registry/registry-config.js';
import { SERVE_PARAMS } from '../serve/serve-config.js';
import { SPLIT_PARAMS } from '../split/split-config.js';
import { STORAGE_SECTION_PARAMS } from '../store/storage-config.js';
import { SELECTION_PARAMS } from '../train/selection-config.js';
import { TRAINING_PARAMS } from '../train/training-config.js';

function section(name: string, doc: string, table: ParamTable, extra: string[] = []): string {
  const lines = [`# ${doc}`, `${name}:`];
  for (const [k, s] of Object.entries(table)) {
    const allowed = 'values' in s ? ` [${s.values.join(' | ')}]` : '';
    lines.push(`  # ${s.doc}${allowed}`);
    lines.push(`  ${k}: ${YAML.stringify(s.default).trim()}`);
  }
  return [...lines, ...extra].join('\n');
}

/**
 * The commented config.yaml `tabflow init` writes: every section and key with its default and doc,
 * from the same tables that validate a config.
 */
export function configTemplate(): string {
  return [
    '# tabflow config. Every key is optional; shown values are the defaults.',
    '# Command-line flags (--data, --target, --seed, --split-column, --models, --models-dir, --promote) override it.',
    '# Relative paths here (data.path, output.dir) are relative to the folder of this file.',
    '',
    section('data', 'STEP 1 — loading', DATA_PARAMS),
    '',
    section('cleaning', 'STEP 2 — cleaning (nothing is learned from the data here)', CLEAN_PARAMS, [
      '  # cells (after trimming) read as missing in text columns',
      `  missing_tokens: ${JSON.stringify(DEFAULT_MISSING_TOKENS)}`,
      '  # force a column type: numeric | categorical | boolean | datetime (unparseable cells become missing)',
      '  types: {}',
      '  # columns to remove before anything else (ids, leaks)',
      '  drop_columns: []',
    ]),
    '',
    section('split', 'STEP 3 — train / val / test split (before anything is learned)', SPLIT_PARAMS),
    '',
    section('preprocessing', 'STEP 4 — preprocessing, fitted on TRAIN only', PREPROCESS_PARAMS),
    '',
    '# STEP 5 — candidates. A name, or {name, model, params}; see `tabflow models` for every parameter.',
    '# Default: every model family with default parameters.',
    '# models:',
    ...modelKinds().map((k) => `#   - ${k}`),
    '#   - {name: ridge_strong, model: ridge, params: {alpha: 10}}',
    '#   # tuning: seeded random search on VAL (trial 0 = the given params); the best VAL score wins',
    '#   - {name: gbdt_tuned, model: gbdt, tuning: {trials: 20, time_budget_s: 120}}',
    '',
    section('training', 'Training budget and seed', TRAINING_PARAMS),
    '',
    section('selection', 'STEP 6 — selecting the best model', SELECTION_PARAMS),
    '',
    section('output', 'STEP 7 — artifacts', OUTPUT_PARAMS),
    '',
    section(
      'inference',
      'Inference: data-contract checks (reject | warn | clip) and intervals',
      INFERENCE_PARAMS,
    ),
    '',
    section('registry', 'Model registry: versions, stages and the production gate', REGISTRY_PARAMS),
    '',
    section('serve', '`tabflow serve` defaults (command-line flags override them)', SERVE_PARAMS),
    '',
    section(
      'log',
      '`tabflow serve` prediction log: what a crash (kill -9) can lose, and the batching (graceful stops lose nothing)',
      LOG_PARAMS,
    ),
    '',
    section(
      'monitoring',
      '`tabflow monitor`: drift thresholds (Evidently defaults) and live-accuracy alarms',
      MONITORING_PARAMS,
    ),
    '',
    section(
      'experiment',
      '`tabflow ab`: A/B stopping rule (fixed horizon: test once at max_samples; peeking inflates false positives)',
      EXPERIMENT_PARAMS,
    ),
    '',
    section('retrain', '`tabflow retrain`: what happens when the challenger passes the gate', RETRAIN_PARAMS),
    '',
    section(
      'storage',
      'Where the registry and the prediction log live (SQLite files in the models folder, or one PostgreSQL database for several hosts; --storage wins), and the artifact store `tabflow train` publishes runs to and `tabflow serve` fetches them from',
      STORAGE_SECTION_PARAMS,
    ),
    '',
    '# Per-environment overrides, applied with --env dev|staging|production or TABFLOW_ENV.',
    '# Mappings merge key by key over the sections above; lists and values replace them.',
    '# environments:',
    '#   dev:',
    '#     data: {path: data/sample.csv}',
    '#     serve: {log_level: debug}',
    '#   production:',
    '#     data: {path: /srv/data/full.csv}',
    '#     inference: {on_out_of_range: reject}',
    '#     registry: {gate_min_improvement_rel: 0.01}',
    '#     serve: {log_level: warn}',
    '',
  ].join('\n');
}
