/**
 * `tabflow report`: one training run as an HTML page — leaderboard, predicted vs actual and
 * residuals on its TEST rows (rebuilt from its data file and scored again), interval coverage
 * per prediction decile, importances. For a run folder or a stage of a models folder.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../artifacts/atomic.js';
import { UsageError } from '../core/errors.js';
import { runReportHtml } from '../report/run-html.js';
import { buildRunReport } from '../report/run-report.js';
import { DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';

export interface ReportOptions extends ModelsDirFlags {
  model?: string;
  stage?: string;
  out?: string;
}

export async function reportCommand(opts: ReportOptions): Promise<number> {
  if (opts.model !== undefined && opts.stage !== undefined) {
    throw new UsageError('model_and_stage', 'Pass --model DIR or --stage NAME, not both');
  }
  const root = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  const modelDir = opts.model ?? join(root, opts.stage ?? 'production');
  if (!existsSync(modelDir)) {
    throw new UsageError(
      'no_model',
      `No model at ${modelDir}: pass --model DIR (a run folder), or --stage of a models folder (--models-dir) that has one`,
    );
  }
  const report = await buildRunReport(modelDir);
  const out = resolve(opts.out ?? `report-${report.run_id}.html`);
  writeFileAtomic(out, runReportHtml(report));
  const sel = report.leaderboard.find((m) => m.selected);
  const lines = [
    `run ${report.run_id}: ${report.selected.name} for ${report.target}` +
      (sel?.test ? `, TEST R² ${sel.test.r2.toFixed(4)}` : ''),
    report.test
      ? `  ${report.test.n} TEST rows rebuilt and scored again` +
        (report.test.coverage
          ? `; interval coverage ${(report.test.coverage.overall * 100).toFixed(1)}%`
          : '')
      : `  no TEST plots: ${report.test_note}`,
    `report → ${out}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
