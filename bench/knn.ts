/**
 * k-NN batch predict: the TypeScript search vs the WebAssembly kernel (wasm/knn-query.c) vs
 * scikit-learn's KNeighborsRegressor(5) ('auto' and 'kd_tree', bench/knn_sklearn.py), on the
 * matrices bench/svr_sklearn.py prepares (dedupe, 70/10/20 split seed 7, standardised numbers,
 * one-hot categories): all TRAIN rows, the whole TEST split. Rounds alternate python, js, wasm;
 * medians. Writes bench/results/knn.json.
 *
 *   node --import tsx bench/knn.ts [--rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { matrix } from '../src/core/matrix.js';
import '../src/models/index.js';
import { createModel } from '../src/models/families.js';
import type { FittedKnn } from '../src/models/knn/fitted.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(args.rounds);
const root = fileURLToPath(new URL('..', import.meta.url));
const DATASETS = [
  { name: 'diamonds', file: 'examples/data/diamonds.csv', target: 'price' },
  { name: 'ames', file: 'examples/data/ames.csv', target: 'Sale_Price' },
  { name: 'concrete', file: 'examples/data/concrete.csv', target: 'compressive_strength' },
];

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

function readF64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** Seconds for one predict of the TEST split on a model fitted just before (the search is built lazily, inside). */
async function ours(
  dir: string,
  cols: number,
  mode: 'js' | 'wasm',
): Promise<{ s: number; algorithm: string }> {
  process.env.TABFLOW_KERNELS = mode;
  const y = readF64(join(dir, 'ytrain.f64'));
  const Xte = readF64(join(dir, 'Xtest.f64'));
  const m = (await createModel('knn', { n_neighbors: 5 }).fit(
    matrix(y.length, cols, readF64(join(dir, 'Xtrain.f64'))),
    y,
    { features: [], seed: 42 },
  )) as FittedKnn;
  const t0 = performance.now();
  m.predict(matrix(Xte.length / cols, cols, Xte));
  return { s: (performance.now() - t0) / 1000, algorithm: m.algorithm };
}

const results = [];
for (const ds of DATASETS) {
  const dir = mkdtempSync(join(tmpdir(), 'knn-bench-'));
  try {
    const prep = execFileSync(
      '/usr/bin/python3',
      ['bench/svr_sklearn.py', ds.file, ds.target, dir, '--max-rows', '200'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const cols = JSON.parse(prep.trim().split('\n').pop() as string).cols as number;
    const t = { sk_auto: [] as number[], sk_kd: [] as number[], js: [] as number[], wasm: [] as number[] };
    let algorithm = '';
    let skMethod = '';
    for (let r = 0; r < rounds; r++) {
      const sk = JSON.parse(
        execFileSync('/usr/bin/python3', ['bench/knn_sklearn.py', dir, String(cols)], {
          cwd: root,
          encoding: 'utf8',
        }),
      );
      t.sk_auto.push(sk.auto.predict_s);
      t.sk_kd.push(sk.kd_tree.predict_s);
      skMethod = sk.auto.method;
      for (const mode of ['js', 'wasm'] as const) {
        const o = await ours(dir, cols, mode);
        t[mode].push(o.s);
        algorithm = o.algorithm;
      }
      console.log(
        `${ds.name} round ${r + 1}: sklearn auto ${sk.auto.predict_s.toFixed(3)} s, kd_tree ` +
          `${sk.kd_tree.predict_s.toFixed(3)} s; tabflow js ${t.js[r].toFixed(3)} s, wasm ${t.wasm[r].toFixed(3)} s`,
      );
    }
    const best = Math.min(median(t.sk_auto), median(t.sk_kd));
    const row = {
      dataset: ds.name,
      cols,
      algorithm,
      sklearn_auto_method: skMethod,
      median_s: {
        sklearn_auto: median(t.sk_auto),
        sklearn_kd_tree: median(t.sk_kd),
        js: median(t.js),
        wasm: median(t.wasm),
      },
      wasm_vs_js: median(t.js) / median(t.wasm),
      wasm_vs_best_sklearn: median(t.wasm) / best,
      rounds: t,
    };
    results.push(row);
    console.log(
      `${ds.name} (${algorithm}, ${cols} cols): wasm ${row.wasm_vs_js.toFixed(2)}× js; ` +
        `wasm / best sklearn ${row.wasm_vs_best_sklearn.toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
writeResult('knn', { rounds, load_average: (await import('node:os')).loadavg(), results });
