/**
 * ε-SVR side by side with scikit-learn's SVR (Debian's, /usr/bin/python3) on the same rows:
 * bench/svr_sklearn.py prepares each dataset like the reference workflow (dedupe, 70/10/20 split
 * seed 7, median-impute + standardise numbers, one-hot categories) and writes the matrices; both
 * fit the first `max_rows` train rows with the same C, ε, γ ('scale') and a standardised target.
 * Runs alternate (sklearn, tabflow) per repeat; best of --repeats for each side. Also times the
 * Nyström and subsample paths on all diamonds train rows (above max_rows), and k-NN predict (all train rows,
 * whole test split) against KNeighborsRegressor (bench/knn_sklearn.py). Writes
 * bench/results/svr.json.
 *
 *   node --import tsx bench/svr.ts [--repeats 2] [--no-nystroem]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { matrix } from '../src/core/matrix.js';
import { r2 } from '../src/metrics/regression.js';
import '../src/models/index.js';
import { createModel } from '../src/models/families.js';
import type { FittedKnn } from '../src/models/knn/fitted.js';
import type { FittedSvr } from '../src/models/svr/fitted.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({
  options: { repeats: { type: 'string', default: '2' }, 'no-nystroem': { type: 'boolean', default: false } },
});
const repeats = Number(args.repeats);
const root = fileURLToPath(new URL('..', import.meta.url));
const DATASETS = [
  { name: 'diamonds', file: 'examples/data/diamonds.csv', target: 'price', maxRows: 20000 },
  { name: 'concrete', file: 'examples/data/concrete.csv', target: 'compressive_strength', maxRows: 20000 },
  { name: 'ames', file: 'examples/data/ames.csv', target: 'Sale_Price', maxRows: 20000 },
];
const PARAMS = { kernel: 'rbf', C: 1, epsilon: 0.1 };

interface SkResult {
  rows_train: number;
  rows_test: number;
  cols: number;
  fit_rows: number;
  gamma: number;
  r2: number;
  fit_s: number;
  fit_cpu_s: number;
  predict_s: number;
  n_support: number;
}

function sklearn(file: string, target: string, out: string, maxRows: number): SkResult {
  const line = execFileSync(
    '/usr/bin/python3',
    [
      'bench/svr_sklearn.py',
      file,
      target,
      out,
      '--max-rows',
      String(maxRows),
      '--C',
      String(PARAMS.C),
      '--epsilon',
      String(PARAMS.epsilon),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(line.trim().split('\n').pop() as string);
}

function readF64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

async function knn(dir: string, cols: number) {
  const ya = readF64(join(dir, 'ytrain.f64'));
  const X = matrix(ya.length, cols, readF64(join(dir, 'Xtrain.f64')));
  const yte = readF64(join(dir, 'ytest.f64'));
  const Xte = matrix(yte.length, cols, readF64(join(dir, 'Xtest.f64')));
  const sk = JSON.parse(
    execFileSync('/usr/bin/python3', ['bench/knn_sklearn.py', dir, String(cols)], {
      cwd: root,
      encoding: 'utf8',
    }),
  );
  const m = await createModel('knn', { n_neighbors: 5 }).fit(X, ya, { features: [], seed: 42 });
  const t0 = performance.now();
  const pred = m.predict(Xte);
  const predict_s = (performance.now() - t0) / 1000;
  const algorithm = (m as FittedKnn).algorithm;
  return {
    train_rows: ya.length,
    test_rows: yte.length,
    cols,
    tabflow: { algorithm, predict_s, r2: r2(yte, pred) },
    sklearn: sk,
  };
}

async function ours(dir: string, cols: number, rows: number, params: Record<string, unknown>) {
  const Xa = readF64(join(dir, 'Xtrain.f64'));
  const ya = readF64(join(dir, 'ytrain.f64'));
  const Xte = matrix(readF64(join(dir, 'ytest.f64')).length, cols, readF64(join(dir, 'Xtest.f64')));
  const yte = readF64(join(dir, 'ytest.f64'));
  const n = Math.min(rows, ya.length);
  const X = matrix(n, cols, Xa.slice(0, n * cols));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const m = (await createModel('svr', params).fit(X, ya.slice(0, n), {
    features: [],
    seed: 42,
  })) as FittedSvr;
  const fit_s = (performance.now() - t0) / 1000;
  const fit_cpu_s = process.cpuUsage(c0).user / 1e6;
  const t1 = performance.now();
  const pred = m.predict(Xte);
  const predict_s = (performance.now() - t1) / 1000;
  return {
    fit_rows: n,
    gamma: m.state.kernel.gamma,
    r2: r2(yte, pred),
    fit_s,
    fit_cpu_s,
    predict_s,
    n_support: m.nSupport,
    iterations: m.state.iterations,
    method: m.state.method,
    notes: m.notes,
  };
}

const results: Record<string, unknown>[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'tabflow-svr-'));
try {
  for (const ds of DATASETS) {
    const dir = join(tmp, ds.name);
    let sk: SkResult | null = null;
    let tf: Awaited<ReturnType<typeof ours>> | null = null;
    for (let r = 0; r < repeats; r++) {
      const s = sklearn(ds.file, ds.target, dir, ds.maxRows);
      if (!sk || s.fit_s < sk.fit_s) sk = s;
      const t = await ours(dir, s.cols, ds.maxRows, { ...PARAMS, max_rows: ds.maxRows });
      if (!tf || t.fit_s < tf.fit_s) tf = t;
      console.log(
        ds.name,
        `repeat ${r + 1}: sklearn fit ${s.fit_s.toFixed(2)} s, tabflow ${t.fit_s.toFixed(2)} s`,
      );
    }
    if (!sk || !tf) continue;
    const row = {
      dataset: ds.name,
      params: PARAMS,
      rows: sk.fit_rows,
      cols: sk.cols,
      test_rows: sk.rows_test,
      sklearn: sk,
      tabflow: tf,
      r2_diff: tf.r2 - sk.r2,
      fit_ratio: tf.fit_s / sk.fit_s,
      fit_cpu_ratio: tf.fit_cpu_s / sk.fit_cpu_s,
      predict_ratio: tf.predict_s / sk.predict_s,
    };
    results.push(row);
    console.log(
      `${ds.name}: R² tabflow ${tf.r2.toFixed(4)} vs sklearn ${sk.r2.toFixed(4)} ` +
        `(Δ ${row.r2_diff.toFixed(4)}); fit ${tf.fit_s.toFixed(2)} s vs ${sk.fit_s.toFixed(2)} s ` +
        `(×${row.fit_ratio.toFixed(2)}, cpu ×${row.fit_cpu_ratio.toFixed(2)})`,
    );
    const kn = await knn(dir, sk.cols);
    results.push({ dataset: `${ds.name} (knn predict)`, ...kn });
    console.log(
      `${ds.name} knn: predict ${kn.tabflow.predict_s.toFixed(2)} s (${kn.tabflow.algorithm}) vs sklearn ` +
        `${kn.sklearn.auto.predict_s.toFixed(2)} s (${kn.sklearn.auto.method}); ` +
        `R² ${kn.tabflow.r2.toFixed(6)} vs ` +
        `${kn.sklearn.auto.r2.toFixed(6)} (kd_tree ${kn.sklearn.kd_tree.r2.toFixed(6)})`,
    );
    if (ds.name === 'diamonds' && !args['no-nystroem']) {
      const ny = await ours(dir, sk.cols, Number.POSITIVE_INFINITY, { ...PARAMS });
      results.push({
        dataset: 'diamonds (all train rows: Nyström path)',
        rows: ny.fit_rows,
        cols: sk.cols,
        tabflow: ny,
      });
      console.log(
        `diamonds all ${ny.fit_rows} rows: R² ${ny.r2.toFixed(4)}, fit ${ny.fit_s.toFixed(2)} s; ` +
          ny.notes.join(' '),
      );
      const sub = await ours(dir, sk.cols, Number.POSITIVE_INFINITY, {
        ...PARAMS,
        approximation: 'subsample',
      });
      results.push({
        dataset: 'diamonds (all train rows: subsample path)',
        rows: sub.fit_rows,
        cols: sk.cols,
        tabflow: sub,
      });
      console.log(`diamonds all rows, subsample: R² ${sub.r2.toFixed(4)}, fit ${sub.fit_s.toFixed(2)} s`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
writeResult('svr', results);
