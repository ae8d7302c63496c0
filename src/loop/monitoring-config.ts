/**
 * The `monitoring` config section: the drift thresholds of src/monitor (Evidently's defaults) plus
 * the window sizes and the live-accuracy alarms of `tabflow monitor` and `GET /monitoring`.
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';
import { DRIFT_PARAMS, type DriftParams } from '../monitor/drift-options.js';

/**
 * The `monitoring` section's parameters: the window judged, the drift thresholds and the live-
 * accuracy alarms.
 */
export const MONITORING_PARAMS = {
  window: {
    type: 'number',
    default: 1000,
    integer: true,
    min: 1,
    doc: 'latest logged predictions of the served version judged for drift (and latest actuals for accuracy)',
  },
  max_rmse_ratio: {
    type: 'number',
    default: 1.5,
    min: 1,
    doc: 'alarm when live RMSE exceeds the TEST RMSE of training by this factor',
  },
  min_r2: { type: 'number?', default: null, doc: 'alarm when live R² falls below this (null: no alarm)' },
  max_coverage_drop: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    doc: 'alarm when live interval coverage falls this far below the nominal coverage',
  },
  min_feedback: {
    type: 'number',
    default: 30,
    integer: true,
    min: 2,
    doc: 'fewest actuals before live accuracy is judged (below it: insufficient data)',
  },
  ...DRIFT_PARAMS,
} as const satisfies ParamTable;

/** The resolved `monitoring` section. */
export type MonitoringConfig = ParamsOf<typeof MONITORING_PARAMS>;

/** Resolve the `monitoring` section: defaults filled, every problem reported in one ConfigError. */
export function resolveMonitoringConfig(raw: unknown, prefix = 'monitoring'): MonitoringConfig {
  return resolveParams(MONITORING_PARAMS, raw, prefix);
}

export function driftParamsOf(cfg: MonitoringConfig): DriftParams {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(DRIFT_PARAMS)) out[k] = cfg[k as keyof MonitoringConfig];
  return out as DriftParams;
}
