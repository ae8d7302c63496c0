/**
 * The `registry` config section: which named model a run registers under, where a new version
 * lands, and the gate a promotion to production must pass (MLflow's MetricThreshold, applied to
 * the candidate and the current production version on the same held-out rows).
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { METRIC_NAMES } from '../metrics/regression.js';

export const REGISTRY_PARAMS = {
  name: {
    type: 'string',
    default: 'default',
    doc: 'model name every run registers under as a new version (--name overrides); letters, digits, . _ -',
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

export type RegistryConfig = ParamsOf<typeof REGISTRY_PARAMS>;

export function resolveRegistryConfig(raw: unknown, prefix = 'registry'): RegistryConfig {
  return resolveParams(REGISTRY_PARAMS, raw, prefix);
}
