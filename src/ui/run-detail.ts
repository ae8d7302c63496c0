/**
 * Everything the UI's run page shows, as JSON: the run report (leaderboard, TEST rows scored
 * again by the saved pipeline, coverage per decile, importances), plus the resolved config, the
 * data contract and each artifact with its checksum. The folder is opened through `RunFolder`,
 * so a run whose files do not belong together is refused here as everywhere else.
 */
import { RunFolder } from '../artifacts/run-folder.js';
import { buildRunReport, type RunReport } from '../report/run-report.js';

/** The run page's data: the report with plain arrays, and the run's files. */
export interface RunDetail extends Omit<RunReport, 'test'> {
  test:
    | (Omit<NonNullable<RunReport['test']>, 'actual' | 'predicted'> & {
        actual: number[];
        predicted: number[];
      })
    | null;
  /** The run's resolved config (config.yaml, parsed). */
  config: unknown;
  /** The data contract: input features with their types, ranges and categories. */
  features: {
    name: string;
    type: string;
    nullable: boolean;
    min: number | null;
    max: number | null;
    categories: number;
  }[];
  /** Every file of the run with its recorded sha256 and size. */
  artifacts: { file: string; sha256: string; bytes: number }[];
  /** Registered name and tags, when the run was registered. */
  registration: { name: string; tags: Record<string, string> } | null;
  /** Stage timings in seconds. */
  timings: Record<string, number>;
}

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
    features: meta.features.map((f) => ({
      name: f.name,
      type: f.type,
      nullable: f.nullable,
      min: typeof f.min === 'number' ? f.min : null,
      max: typeof f.max === 'number' ? f.max : null,
      categories: f.categories?.length ?? 0,
    })),
    artifacts: Object.entries(meta.artifacts).map(([file, r]) => ({
      file,
      sha256: r.sha256,
      bytes: r.bytes,
    })),
    registration: meta.registration ?? null,
    timings: meta.timings,
  };
}
