/**
 * Side-by-side run of the whole workflow: tabflow's `train` vs the scikit-learn reference script
 * on the same rows (a fixed split column from prep_split.py, one per seed), on the bundled
 * datasets. Seed 7 is the reference split of REFERENCE.md (both tools' models at their default
 * seed 42); another seed s is a fresh random 70/10/20 split with both tools' models at seed s.
 *
 *   node --import tsx bench/workflow-vs-sklearn.ts [--models a,b] [--datasets diamonds,ames,concrete]
 *        [--seeds 7,1,2,3,4,5] [--tag name] [--skip-sklearn] [--config tabflow.yaml] [--repeats 1]
 *
 * `--repeats N` runs each side N times per split, alternating (sklearn, tabflow, sklearn, ...) so
 * both see the same machine load, and compares the median walls (the scores are deterministic).
 *
 * Writes bench/results/workflow-vs-sklearn[-<tag>].json and prints a markdown table. Needs
 * /usr/bin/python3 with scikit-learn, XGBoost and pandas (Debian's packages).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
const seeds = arg('seeds', '7').split(',').map(Number);
const skipSklearn = process.argv.includes('--skip-sklearn');
const repeats = Math.max(1, Number(arg('repeats', '1')));
// A tabflow config for every run (e.g. selection.repeats), its path as given.
const configFile = arg('config', '');
// sklearn's name for each tabflow model where they differ.
const SK_NAME: Record<string, string> = { gbdt: 'hist_gbr' };

interface TfModel {
  name: string;
  model: string;
  status: string;
  fit_seconds: number;
  cv?: { mean: number; sd: number };
  metrics?: { val?: { r2: number }; test?: { r2: number; rmse: number; mae: number } };
}

const tmp = mkdtempSync(join(tmpdir(), 'tabflow-bench-'));

function prepSplit(ds: string, seed: number): string {
  const split = join(tmp, `${ds}.${seed}.split.csv`);
  execFileSync('/usr/bin/python3', [
    join(ROOT, 'bench/reference/prep_split.py'),
    join(ROOT, 'examples/data', `${ds}.csv`),
    DATASETS[ds],
    split,
    String(seed),
  ]);
  return split;
}

function runSklearn(split: string, target: string, seed: number) {
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
      '--seed',
      String(seed),
      ...(skModels ? ['--models', skModels] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const wall = (performance.now() - t0) / 1000;
  if (sk.status !== 0) throw new Error(`sklearn failed: ${sk.stderr}`);
  const rows = sk.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((l) => !l.summary);
  const best = rows.reduce((a, b) => (b.r2 > a.r2 ? b : a));
  return { models: rows, best: best.model as string, best_test_r2: best.r2 as number, wall_s: wall };
}

function runTabflow(split: string, target: string, seed: number) {
  const outDir = join(tmp, `models-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
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
      '--seed',
      String(seed),
      '--out',
      outDir,
      '--json',
      ...(models ? ['--models', models] : []),
      ...(configFile ? ['--config', configFile] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CI: 'true' } },
  );
  const wall = (performance.now() - t0) / 1000;
  rmSync(outDir, { recursive: true, force: true });
  if (tf.status !== 0) throw new Error(`tabflow failed: ${tf.stderr}`);
  const results = JSON.parse(tf.stdout);
  const ok: TfModel[] = results.models.filter((m: TfModel) => m.status === 'ok' && m.metrics?.test);
  const test = (m: TfModel) => m.metrics!.test!.r2;
  const selected = ok.find((m) => m.name === results.selection.best)!;
  const singles = ok.filter((m) => m.model !== 'ensemble');
  const bestSingle = singles.reduce((a, b) => (test(b) > test(a) ? b : a));
  const ensemble = ok.find((m) => m.model === 'ensemble');
  return {
    method: results.selection.method ?? 'holdout',
    reason: results.selection.reason,
    models: ok.map((m) => ({
      name: m.name,
      fit_s: m.fit_seconds,
      cv_r2: m.cv?.mean,
      cv_sd: m.cv?.sd,
      val_r2: m.metrics?.val?.r2,
      test_r2: test(m),
    })),
    selected: selected.name,
    selected_test_r2: test(selected),
    best_single: bestSingle.name,
    best_single_test_r2: test(bestSingle),
    ensemble_test_r2: ensemble ? test(ensemble) : null,
    coverage: results.intervals?.test?.coverage ?? null,
    warnings: (results.warnings ?? []).map((w: { message: string }) => w.message),
    wall_s: wall,
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const out: Record<string, unknown>[] = [];
for (const ds of datasets) {
  for (const seed of seeds) {
    const split = prepSplit(ds, seed);
    // The reference split (7) keeps both tools' default model seeds (42), as REFERENCE.md.
    const modelSeed = seed === 7 ? 42 : seed;
    const skWalls: number[] = [];
    const tfWalls: number[] = [];
    let sk: ReturnType<typeof runSklearn> | null = null;
    let tf: ReturnType<typeof runTabflow> | null = null;
    for (let r = 0; r < repeats; r++) {
      if (!skipSklearn) {
        sk = runSklearn(split, DATASETS[ds], modelSeed);
        skWalls.push(sk.wall_s);
      }
      tf = runTabflow(split, DATASETS[ds], modelSeed);
      tfWalls.push(tf.wall_s);
    }
    if (!tf) throw new Error('no run');
    if (sk) sk.wall_s = median(skWalls);
    tf.wall_s = median(tfWalls);
    const row = {
      dataset: ds,
      seed,
      sklearn: sk,
      tabflow: tf,
      selected_minus_best_single: tf.selected_test_r2 - tf.best_single_test_r2,
      ensemble_minus_best_single:
        tf.ensemble_test_r2 === null ? null : tf.ensemble_test_r2 - tf.best_single_test_r2,
      selected_minus_sklearn_best_on_test: sk ? tf.selected_test_r2 - sk.best_test_r2 : null,
      wall_ratio_tabflow_over_sklearn: sk ? tf.wall_s / sk.wall_s : null,
      ...(repeats > 1 ? { walls: { tabflow: tfWalls, sklearn: skWalls } } : {}),
    };
    out.push(row);
    console.log(
      [
        ds,
        seed,
        tf.method,
        `${tf.selected} ${tf.selected_test_r2.toFixed(4)}`,
        `best single ${tf.best_single} ${tf.best_single_test_r2.toFixed(4)}`,
        `ensemble ${tf.ensemble_test_r2?.toFixed(4)}`,
        sk ? `sklearn ${sk.best} ${sk.best_test_r2.toFixed(4)}` : '',
        `coverage ${tf.coverage?.toFixed(3)}`,
        `wall ${tf.wall_s.toFixed(1)} s${sk ? ` vs ${sk.wall_s.toFixed(1)} s` : ''}`,
      ].join(' | '),
    );
  }
}
rmSync(tmp, { recursive: true, force: true });
writeResult(`workflow-vs-sklearn-${tag}`, { models: models || 'default', seeds, repeats, runs: out });
