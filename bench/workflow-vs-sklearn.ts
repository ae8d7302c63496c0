/**
 * Side-by-side run of the whole workflow: tabflow's `train` vs the scikit-learn reference script
 * on the same rows (a fixed split column from prep_split.py), on the bundled datasets.
 *
 *   node --import tsx bench/workflow-vs-sklearn.ts [--models linear,ridge,lasso,elasticnet] [--datasets diamonds,ames,concrete]
 *
 * Writes bench/results/workflow-vs-sklearn[-<tag>].json. Needs /usr/bin/python3 with scikit-learn.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResult } from './write-result.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATASETS: Record<string, string> = {
  diamonds: 'price',
  ames: 'Sale_Price',
  concrete: 'compressive_strength',
};
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const models = arg('models', '');
const tag = arg(
  'tag',
  models ? (models.split(',').length <= 4 && models.includes('ridge') ? 'linear' : 'custom') : 'default',
);
const datasets = arg('datasets', 'diamonds,ames,concrete').split(',');
// sklearn's name for each tabflow model where they differ.
const SK_NAME: Record<string, string> = { gbdt: 'hist_gbr' };

const tmp = mkdtempSync(join(tmpdir(), 'tabflow-bench-'));
const out: Record<string, unknown> = {};
for (const ds of datasets) {
  const target = DATASETS[ds];
  const split = join(tmp, `${ds}.split.csv`);
  execFileSync('/usr/bin/python3', [
    join(ROOT, 'bench/reference/prep_split.py'),
    join(ROOT, 'examples/data', `${ds}.csv`),
    target,
    split,
  ]);

  const skModels = models
    ? models
        .split(',')
        .map((m) => SK_NAME[m] ?? m)
        .join(',')
    : '';
  const t0 = performance.now();
  const sk = spawnSync(
    '/usr/bin/python3',
    [
      join(ROOT, 'bench/reference/sklearn_workflow.py'),
      split,
      target,
      '--split-column',
      'split',
      ...(skModels ? ['--models', skModels] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const skWall = (performance.now() - t0) / 1000;
  if (sk.status !== 0) throw new Error(`sklearn failed: ${sk.stderr}`);
  const skLines = sk.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const skRows = skLines.filter((l) => !l.summary);
  const skBest = skRows.reduce((a, b) => (b.r2 > a.r2 ? b : a));

  const outDir = join(tmp, `models-${ds}`);
  const t1 = performance.now();
  const tf = spawnSync(
    process.execPath,
    [
      join(ROOT, 'bin/tabflow.js'),
      'train',
      '--data',
      split,
      '--target',
      target,
      '--split-column',
      'split',
      '--out',
      outDir,
      '--json',
      ...(models ? ['--models', models] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: 'true' } },
  );
  const tfWall = (performance.now() - t1) / 1000;
  if (tf.status !== 0) throw new Error(`tabflow failed: ${tf.stderr}`);
  const results = JSON.parse(tf.stdout);
  const ok = results.models.filter((m: { status: string }) => m.status === 'ok');
  const selected = ok.find((m: { name: string }) => m.name === results.selection.best);
  const bestOnTest = ok.reduce(
    (a: { metrics: { test: { r2: number } } }, b: { metrics: { test: { r2: number } } }) =>
      b.metrics.test.r2 > a.metrics.test.r2 ? b : a,
  );
  out[ds] = {
    sklearn: { models: skRows, best: skBest.model, best_test_r2: skBest.r2, wall_s: skWall },
    tabflow: {
      models: results.models.map(
        (m: {
          name: string;
          status: string;
          fit_seconds: number;
          metrics?: { val?: { r2: number }; test?: { r2: number; rmse: number; mae: number } };
        }) => ({
          name: m.name,
          status: m.status,
          fit_s: m.fit_seconds,
          val_r2: m.metrics?.val?.r2,
          test_r2: m.metrics?.test?.r2,
          test_rmse: m.metrics?.test?.rmse,
          test_mae: m.metrics?.test?.mae,
        }),
      ),
      selected_on_val: selected.name,
      selected_test_r2: selected.metrics.test.r2,
      best_on_test: bestOnTest.name,
      best_test_r2: bestOnTest.metrics.test.r2,
      wall_s: tfWall,
    },
    delta_selected_vs_sklearn_best: selected.metrics.test.r2 - skBest.r2,
    delta_best_vs_sklearn_best: bestOnTest.metrics.test.r2 - skBest.r2,
    wall_ratio_tabflow_over_sklearn: tfWall / skWall,
  };
  console.log(
    ds,
    JSON.stringify({
      sk: skBest.r2,
      tf_selected: selected.metrics.test.r2,
      tf_best: bestOnTest.metrics.test.r2,
      skWall,
      tfWall,
    }),
  );
}
writeResult(`workflow-vs-sklearn-${tag}`, { models: models || 'default', datasets: out });
