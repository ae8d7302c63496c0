/**
 * Everything the UI's run page shows, as JSON: the run report (leaderboard, TEST rows scored
 * again by the saved pipeline, coverage per decile, importances), plus the resolved config, the
 * data contract and each artifact with its checksum. The folder is opened through `RunFolder`,
 * so a run whose files do not belong together is refused here as everywhere else.
 */
import { RunFolder } from '../artifacts/run-folder.js';
import { buildRunReport } from '../report/run-report.js';
import type { RunDetail } from './api-types.js';
import { contractField } from './contract-field.js';

export type { RunDetail };

/** Builds the run page's data for the run in `dir` (verifying its files). */
export async function buildRunDetail(dir: string): Promise<RunDetail> {
  const folder = RunFolder.open(dir);
  const meta = folder.metadata;
  const report = await buildRunReport(dir);
  return {
    ...report,
    test: report.test
      ? {
          ...report.test,
          actual: Array.from(report.test.actual),
          predicted: Array.from(report.test.predicted),
        }
      : null,
    config: folder.config,
    features: meta.features.map((f) => ({ ...contractField(f), categories: f.categories?.length ?? 0 })),
    artifacts: Object.entries(meta.artifacts).map(([file, r]) => ({
      file,
      sha256: r.sha256,
      bytes: r.bytes,
    })),
    registration: meta.registration ?? null,
    timings: meta.timings,
  };
}
