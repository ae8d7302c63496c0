/**
 * `tabflow monitor`: drift of the served version's latest inputs against its training profile,
 * and live accuracy from feedback, as tables (or JSON), optionally an HTML report with plots.
 * Exit 3 when drift or a live metric crosses its threshold, so cron or CI can act on it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { writeFileAtomic } from '../artifacts/atomic.js';
import { readRunConfig } from '../artifacts/run-config.js';
import { readConfigFile, resolveConfigUnknown } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import { LOG_FILE } from '../log/default-log-path.js';
import { parseSince } from '../log/read-log.js';
import { type MonitoringResult, monitoredModelOf, runMonitoring } from '../loop/monitoring.js';
import { type MonitoringConfig, resolveMonitoringConfig } from '../loop/monitoring-config.js';
import { monitoringHtml } from '../report/monitor-html.js';
import { logStoreOf } from '../store/storage-setting.js';
import { pathOrUri } from '../store/store-uri.js';
import { DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';

export const EXIT_ALARM = 3;

export interface MonitorOptions extends ModelsDirFlags {
  stage?: string;
  model?: string;
  db?: string;
  since?: string;
  until?: string;
  window?: string;
  report?: string;
  config?: string;
  env?: string;
  json?: boolean;
}

export async function monitorCommand(opts: MonitorOptions): Promise<number> {
  const root = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  const stage = opts.stage ?? 'production';
  const modelDir = opts.model ?? join(root, stage);
  if (!existsSync(modelDir)) {
    throw new UsageError(
      'no_model',
      `No model at ${modelDir}: pass --model DIR, or --stage of a models folder (--models-dir) that has one`,
    );
  }
  const model = monitoredModelOf(modelDir);
  const cfg = monitoringConfig(modelDir, opts);
  let window: number | undefined;
  if (opts.window !== undefined) {
    window = Number(opts.window);
    if (!Number.isInteger(window) || window < 1) {
      throw new UsageError(
        'bad_window',
        `--window ${JSON.stringify(opts.window)} is not allowed: expected an integer ≥ 1`,
      );
    }
  }
  const logFile = opts.db !== undefined ? pathOrUri(opts.db) : logStoreOf(join(root, LOG_FILE));
  const result = await runMonitoring(model, logFile, cfg, {
    since: opts.since ? parseSince(opts.since) : undefined,
    until: opts.until ? parseSince(opts.until) : undefined,
    window,
  });
  if (opts.report) {
    writeFileAtomic(opts.report, monitoringHtml(result, { maxRmseRatio: cfg.max_rmse_ratio }));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(render(result, opts.report));
  return result.status === 'alarm' ? EXIT_ALARM : 0;
}

/** The run's own monitoring section, unless --config (and --env / TABFLOW_ENV) say otherwise. */
function monitoringConfig(modelDir: string, opts: MonitorOptions): MonitoringConfig {
  if (opts.config) {
    return resolveConfigUnknown(applyEnvironment(readConfigFile(opts.config), selectedEnvironment(opts.env)))
      .monitoring;
  }
  return resolveMonitoringConfig(readRunConfig(modelDir).monitoring ?? {});
}

function render(r: MonitoringResult, report?: string): string {
  const out: string[] = [];
  const v = r.model.version === null ? '' : ` v${r.model.version}`;
  out.push(
    `${r.model.name ?? r.model.family}${v} (${r.model.family}, run ${r.model.run_id}): ${r.status.replace('_', ' ').toUpperCase()} — ` +
      `${r.window.rows} predictions in the window, ${r.live.current.n} with actuals`,
  );
  for (const a of r.alarms) out.push(`  ALARM ${a.kind}: ${a.message}`);
  if (r.drift) {
    const t = table(['feature', 'method', 'statistic', 'p-value', 'threshold', 'drifted', 'PSI', 'n']);
    const feats = r.drift.prediction ? [...r.drift.features, r.drift.prediction] : r.drift.features;
    for (const f of feats) {
      t.push([
        f.feature,
        f.method,
        fmt(f.statistic),
        fmt(f.p_value),
        f.threshold,
        f.drifted === null ? `n/a: ${f.reason ?? ''}` : f.drifted ? 'YES' : 'no',
        fmt(f.psi),
        f.n_current,
      ]);
    }
    const d = r.drift.dataset;
    out.push(
      `drift: ${d.drifted_features.length} of ${d.n_judged} features drifted (share ${fmt(d.share)}, threshold ${d.threshold})`,
    );
    out.push(t.toString());
  } else {
    out.push(`drift: ${r.drift_note}`);
  }
  const live = table(['', 'actuals', 'R²', 'RMSE', 'MAE', 'coverage']);
  const c = r.live.current;
  live.push(['live (latest window)', c.n, fmt(c.r2), fmt(c.rmse), fmt(c.mae), pct(c.coverage)]);
  const ref = r.live.reference;
  if (ref) {
    const nominal = ref.coverage === null ? pct(null) : `${pct(ref.coverage)} nominal`;
    live.push(['at training (TEST)', '', fmt(ref.r2), fmt(ref.rmse), fmt(ref.mae), nominal]);
  }
  for (const b of r.live.by_version) {
    const name = `${b.version === null ? b.run_id : `v${b.version}`}${b.arm ? ` (${b.arm})` : ''}`;
    live.push([name, b.n, fmt(b.r2), fmt(b.rmse), fmt(b.mae), pct(b.coverage)]);
  }
  out.push('live accuracy:');
  out.push(live.toString());
  if (r.live.note) out.push(r.live.note);
  if (report) out.push(`report written to ${report}`);
  return `${out.join('\n')}\n`;
}

function table(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '—' : Number(x.toPrecision(4)).toString();
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}
