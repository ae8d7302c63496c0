/**
 * Split-conformal interval quality on the three bundled datasets: TEST coverage, mean width,
 * interval score (width + (2/α)·miss distance: lower is better) and the lowest coverage of any
 * prediction decile, of the selected model's 90% intervals — absolute, adaptive (difficulty-
 * scaled) and auto (the one with the lower cross-fitted interval score on VAL) — over several
 * split seeds. Issue 4 asks for coverage within ±3 points of nominal.
 *
 *   node --import tsx bench/intervals.ts [models=ridge,gbdt] [seeds=42,1,2,3,4]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigUnknown } from '../src/config/config.js';
import { buildRunReport } from '../src/report/run-report.js';
import { TrainingPipeline } from '../src/train/training-pipeline.js';
import { writeResult } from './write-result.js';

const MODES = ['absolute', 'adaptive', 'auto'] as const;
const TARGETS = { concrete: 'compressive_strength', ames: 'Sale_Price', diamonds: 'price' } as const;
const models = (process.argv[2] ?? 'ridge,gbdt').split(',');
const seeds = (process.argv[3] ?? '42,1,2,3,4').split(',').map(Number);

async function main() {
  const rows: Record<string, unknown>[] = [];
  for (const [dataset, target] of Object.entries(TARGETS)) {
    for (const mode of MODES) {
      for (const seed of seeds) {
        const cfg = resolveConfigUnknown({
          data: { path: new URL(`../examples/data/${dataset}.csv`, import.meta.url).pathname, target },
          models,
          split: { seed },
          training: { seed },
          inference: { interval_method: mode, interval_coverage: 0.9 },
          output: { dir: mkdtempSync(join(tmpdir(), 'bench-intervals-')) },
        });
        const run = await new TrainingPipeline(cfg).run();
        const iv = run.results.intervals!;
        const cov = (await buildRunReport(run.runDir)).test!.coverage!;
        const row = {
          dataset,
          mode,
          chosen: iv.mode,
          seed,
          model: run.best.spec.name,
          calibration_rows: iv.calibration_rows,
          test_rows: iv.test.n,
          coverage: Number(iv.test.coverage.toFixed(4)),
          mean_width: Number(iv.test.mean_width.toPrecision(5)),
          interval_score: Number(cov.interval_score.toPrecision(5)),
          worst_decile_coverage: Math.min(...cov.by_decile.map((b) => Number(b.coverage.toFixed(4)))),
        };
        console.log(JSON.stringify(row));
        rows.push(row);
      }
    }
  }
  const summary = Object.keys(TARGETS).flatMap((d) =>
    MODES.map((mode) => {
      const rs = rows.filter((r) => r.dataset === d && r.mode === mode);
      const mean = (k: string) => rs.reduce((s, r) => s + (r[k] as number), 0) / rs.length;
      const cov = rs.map((r) => r.coverage as number);
      return {
        dataset: d,
        mode,
        mean_coverage: Number(mean('coverage').toFixed(4)),
        min_coverage: Math.min(...cov),
        max_coverage: Math.max(...cov),
        mean_width: Number(mean('mean_width').toPrecision(5)),
        mean_interval_score: Number(mean('interval_score').toPrecision(5)),
        mean_worst_decile_coverage: Number(mean('worst_decile_coverage').toFixed(4)),
        within_3_points: cov.every((c) => Math.abs(c - 0.9) <= 0.03),
        // Sampling noise alone: calibration quantile (n_val) plus the TEST proportion (n_test).
        expected_sd_points: Number(
          (
            100 *
            Math.sqrt(0.09 / ((rs[0].calibration_rows as number) + 2) + 0.09 / (rs[0].test_rows as number))
          ).toFixed(2),
        ),
      };
    }),
  );
  console.table(summary);
  writeResult('intervals', { nominal: 0.9, models, seeds, summary, runs: rows });
}

await main();
