/**
 * Side-by-side benchmark: tabflow `random_forest` / `extra_trees` vs scikit-learn's
 * RandomForestRegressor / ExtraTreesRegressor (100 trees, n_jobs=2) on the same split of diamonds,
 * ames and concrete (prep_split.py, seed 7). Writes bench/results/forest.json.
 *
 *   node --import tsx bench/forest.ts [--trees 100] [--jobs 2] [--datasets concrete,ames,diamonds]
 *
 * Each side is timed `--repeats` times, interleaved (sklearn, ours, sklearn, ours, ...) so both see
 * the same machine load; the best time of each side is compared. Our workers are started before
 * timing (pool_start_s); `first_fit_s` is our first fit, before the JIT has warmed up.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { r2 } from '../src/metrics/regression.js';
import { closePool, type FittedForest } from '../src/models/forest/index.js';
import { getPool } from '../src/models/forest/pool.js';
import '../src/models/index.js';
import { createModel, getFamily } from '../src/models/families.js';
import { loadSplit } from './forest-data.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PY = '/usr/bin/python3';
const DATASETS: Record<string, string> = {
  concrete: 'compressive_strength',
  ames: 'Sale_Price',
  diamonds: 'price',
};

const { values: args } = parseArgs({
  options: {
    trees: { type: 'string', default: '100' },
    jobs: { type: 'string', default: '2' },
    datasets: { type: 'string', default: 'concrete,ames,diamonds' },
    models: { type: 'string', default: 'random_forest,extra_trees' },
    encoding: { type: 'string', default: '' },
    repeats: { type: 'string', default: '3' },
    /** Another checkout's root (e.g. the code before a change): also timed, interleaved. */
    baseline: { type: 'string', default: '' },
  },
});
const trees = Number(args.trees);
const jobs = Number(args.jobs);
const repeats = Number(args.repeats);
const models = args.models.split(',');

interface Row {
  dataset: string;
  model: string;
  rows: number;
  features: number;
  ours: {
    r2: number;
    fit_s: number;
    first_fit_s: number;
    cpu_s: number;
    predict_s: number;
    oob_r2: number | null;
    encoding: string;
    nodes: number;
  };
  sklearn: { r2: number; fit_s: number; cpu_s: number; predict_s: number; features: number };
  r2_diff: number;
  fit_ratio: number;
  /** CPU seconds (all threads) ours / sklearn's: steadier than wall time on a shared machine. */
  cpu_ratio: number;
  /** With --baseline: its best fit and CPU time, whether it built the same model, ours / its. */
  baseline?: {
    fit_s: number;
    cpu_s: number;
    same_model: boolean;
    fit_ratio: number;
    cpu_ratio: number;
    median_s: number;
    median_ratio: number;
  };
  /** Median fit times over the repeats (the best times above are each side's minimum). */
  medians?: { ours_s: number; sklearn_s: number; ratio: number };
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Fit a model and time it (wall and CPU seconds of every thread). */
async function timedFit(
  create: typeof createModel,
  model: string,
  d: ReturnType<typeof loadSplit>,
): Promise<{ fitted: Awaited<ReturnType<ReturnType<typeof createModel>['fit']>>; s: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const fitted = await create(model, { n_estimators: trees, n_jobs: jobs }).fit(d.Xtr, d.ytr, {
    features: d.features,
    seed: 42,
    threads: jobs,
  });
  const used = process.cpuUsage(c);
  return { fitted, s: (performance.now() - t) / 1000, cpu: (used.user + used.system) / 1e6 };
}

const modelHash = (m: { toJSON(): unknown }): string =>
  createHash('sha256').update(JSON.stringify(m.toJSON())).digest('hex');

/** The baseline checkout's model factory (its own workers), when --baseline is given. */
async function baselineFactory(): Promise<typeof createModel | null> {
  if (!args.baseline) return null;
  await import(join(args.baseline, 'src/models/index.ts'));
  return (await import(join(args.baseline, 'src/models/families.ts'))).createModel;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tabflow-bench-forest-'));
  const t0 = performance.now();
  await warmPool();
  const poolStart = (performance.now() - t0) / 1000;
  const results: Row[] = [];
  const baseCreate = await baselineFactory();
  try {
    for (const name of args.datasets.split(',')) {
      const target = DATASETS[name];
      const split = join(tmp, `${name}.split.csv`);
      execFileSync(PY, [
        join('/work/shared/bench/prep_split.py'),
        join(ROOT, 'examples/data', `${name}.csv`),
        target,
        split,
      ]);
      for (const model of models) {
        const enc = (args.encoding || getFamily(model).input) as 'onehot' | 'ordinal';
        const d = loadSplit(split, target, enc);
        // Interleave the two sides so both see the same machine load; keep each side's best time.
        let sk: Row['sklearn'] | null = null;
        const times: number[] = [];
        const cpus: number[] = [];
        let fitted = null;
        const base = { times: [] as number[], cpus: [] as number[], same: true };
        const skTimes: number[] = [];
        for (let r = 0; r < repeats; r++) {
          let baseHash = '';
          if (baseCreate) {
            const b = await timedFit(baseCreate, model, d);
            base.times.push(b.s);
            base.cpus.push(b.cpu);
            baseHash = modelHash(b.fitted);
          }
          const s = sklearn(split, target, model);
          skTimes.push(s.fit_s);
          // Best wall time and best CPU time, each over the repeats.
          const cpu = Math.min(s.cpu_s, sk?.cpu_s ?? Number.POSITIVE_INFINITY);
          if (!sk || s.fit_s < sk.fit_s) sk = s;
          sk = { ...sk, cpu_s: cpu };
          const t = performance.now();
          const c = process.cpuUsage();
          fitted = await createModel(model, { n_estimators: trees, n_jobs: jobs }).fit(d.Xtr, d.ytr, {
            features: d.features,
            seed: 42,
            threads: jobs,
          });
          times.push((performance.now() - t) / 1000);
          const used = process.cpuUsage(c);
          cpus.push((used.user + used.system) / 1e6);
          if (baseCreate) base.same &&= baseHash === modelHash(fitted);
        }
        if (!fitted || !sk) throw new Error('no fit');
        const best = Math.min(...times);
        const tp = performance.now();
        const p = fitted.predict(d.Xte);
        const predictS = (performance.now() - tp) / 1000;
        const forest = fitted as FittedForest;
        const oob = Number.isFinite(forest.oobScore) ? forest.oobScore : null;
        const nodes = forest.state.trees.reduce((a, t) => a + t.feature.length, 0);
        const s = sk;
        const ours = {
          r2: r2(d.yte, p),
          fit_s: best,
          first_fit_s: times[0],
          cpu_s: Math.min(...cpus),
          predict_s: predictS,
          oob_r2: oob,
          encoding: enc,
          nodes,
        };
        const row: Row = {
          dataset: name,
          model,
          rows: d.Xtr.rows,
          features: d.Xtr.cols,
          ours,
          sklearn: s,
          r2_diff: ours.r2 - s.r2,
          fit_ratio: ours.fit_s / s.fit_s,
          cpu_ratio: ours.cpu_s / s.cpu_s,
        };
        row.medians = {
          ours_s: median(times),
          sklearn_s: median(skTimes),
          ratio: median(times) / median(skTimes),
        };
        if (baseCreate) {
          const bs = Math.min(...base.times);
          const bc = Math.min(...base.cpus);
          row.baseline = {
            fit_s: bs,
            cpu_s: bc,
            same_model: base.same,
            fit_ratio: ours.fit_s / bs,
            cpu_ratio: ours.cpu_s / bc,
            median_s: median(base.times),
            median_ratio: median(times) / median(base.times),
          };
        }
        results.push(row);
        console.log(JSON.stringify(row));
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await closePool();
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = {
    trees,
    jobs,
    load: loadavg(),
    baseline: args.baseline || null,
    pool_start_s: poolStart,
    date: new Date().toISOString(),
    results,
  };
  writeFileSync(join(ROOT, 'bench/results/forest.json'), `${JSON.stringify(out, null, 1)}\n`);
}

function sklearn(split: string, target: string, model: string): Row['sklearn'] {
  const script = join(ROOT, 'bench/forest_sklearn.py');
  const argv = [script, split, target, '--trees', String(trees), '--jobs', String(jobs), '--models', model];
  const r = JSON.parse(execFileSync(PY, argv, { encoding: 'utf8' }).trim());
  return { r2: r.r2, fit_s: r.fit_s, cpu_s: r.cpu_s, predict_s: r.predict_s, features: r.features };
}

/** Start every worker before timing (a long-lived process pays this once). */
async function warmPool(): Promise<void> {
  const pool = getPool();
  await Promise.all(Array.from({ length: pool.options.maxThreads }, () => pool.run({ kind: 'ping' })));
}

await main();
