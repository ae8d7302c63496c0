/**
 * The production page's data: what `tabflow monitor` reports for a stage — status, alarms, drift
 * per feature with both distributions, live accuracy and interval coverage from feedback —
 * computed by the same monitoring (`monitorWindow`, which `runMonitoring` wraps) with the run's
 * own monitoring config, plus the traffic of the rows that window read (requests, rejections,
 * latency percentiles): one read of the log per view.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readRunConfig } from '../artifacts/run-config.js';
import { UsageError } from '../core/errors.js';
import { LOG_FILE } from '../log/default-log-path.js';
import { type MonitoringResult, monitoredModelOf, monitorWindow } from '../loop/monitoring.js';
import { resolveMonitoringConfig } from '../loop/monitoring-config.js';
import { STAGES } from '../registry/names.js';
import { logStoreOf } from '../store/storage-setting.js';
import type { ProductionJson } from './api-types.js';
import { type Traffic, trafficOf } from './traffic.js';

/** The production page's data; `monitoring` and `traffic` are null before any traffic was logged. */
export interface ProductionView extends ProductionJson {
  monitoring: MonitoringResult | null;
  traffic: Traffic | null;
}

/** Monitors `stage` of `modelsDir` over its latest `window` logged rows (default: its config's). */
export async function productionView(
  modelsDir: string,
  stage: string,
  window?: number,
): Promise<ProductionView> {
  if (!(STAGES as readonly string[]).includes(stage)) {
    throw new UsageError(
      'bad_stage',
      `stage must be one of ${STAGES.join(', ')}; got ${JSON.stringify(stage)}`,
    );
  }
  const modelDir = join(modelsDir, stage);
  if (!existsSync(join(modelDir, 'metadata.json'))) {
    throw new UsageError(
      'no_model',
      `Stage ${stage} holds no model in this models folder (promote one first)`,
    );
  }
  const generated_at = new Date().toISOString();
  const logFile = logStoreOf(join(modelsDir, LOG_FILE));
  if (!existsSync(logFile)) {
    const note = 'No prediction log yet: serve this stage (tabflow serve) and its traffic shows here';
    return { stage, generated_at, monitoring: null, traffic: null, note };
  }
  const cfg = resolveMonitoringConfig(readRunConfig(modelDir).monitoring ?? {});
  const n = window ?? cfg.window;
  const { result, rows } = await monitorWindow(monitoredModelOf(modelDir), logFile, cfg, { window: n });
  return { stage, generated_at, monitoring: result, traffic: trafficOf(rows), note: null };
}
