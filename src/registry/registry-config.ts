/**
 * The `registry` config section: which named model a run registers under, where a new version
 * lands, and the gate a promotion to production must pass (MLflow's MetricThreshold, applied to
 * the candidate and the current production version on the same held-out rows).
 */
import { ConfigError } from '../core/errors.js';
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { METRIC_NAMES } from '../metrics/regression.js';
import { checkModelName } from './names.js';

export const REGISTRY_PARAMS = {
  name: {
    type: 'string',
    default: 'default',
    doc: 'model name every run registers under as a new version (--name overrides); letters, digits, . _ -',
  },
  allow_data_change: {
    type: 'boolean',
    default: false,
    doc: 'register a run whose target or input columns differ from the previous version (--allow-data-change); otherwise refused before training',
  },
  stage_on_train: {
    type: 'enum',
    default: 'dev',
    values: ['dev', 'none'],
    doc: 'stage a freshly trained version takes: dev (models/dev mirrors it) or none',
  },
  gate_metric: {
    type: 'enum',
    default: 'rmse',
    values: METRIC_NAMES,
    doc: 'metric the production gate compares, on the same held-out rows',
  },
  gate_min_improvement_abs: {
    type: 'number',
    default: 0,
    min: 0,
    doc: 'the candidate must beat production by at least this much (metric units)',
  },
  gate_min_improvement_rel: {
    type: 'number',
    default: 0,
    min: 0,
    doc: 'and by at least this fraction of the production score (0.01 = 1%)',
  },
} as const satisfies ParamTable;

/** The `registry` config section: model name, gate thresholds, stage on train. */
export type RegistryConfig = ParamsOf<typeof REGISTRY_PARAMS>;

export function resolveRegistryConfig(raw: unknown, prefix = 'registry'): RegistryConfig {
  const cfg = resolveParams(REGISTRY_PARAMS, raw, prefix);
  // The name becomes part of queries and messages: checked here, before any data is loaded.
  try {
    checkModelName(cfg.name, `${prefix}.name`);
  } catch (e) {
    throw new ConfigError([
      { path: `${prefix}.name`, code: 'bad_model_name', message: (e as Error).message },
    ]);
  }
  return cfg;
}
