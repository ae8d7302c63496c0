/**
 * Side-by-side fit times: tabflow's linear family vs scikit-learn (Debian's, /usr/bin/python3) on
 * the same seeded matrices, best of --repeats (wall and CPU seconds: the machine is shared, CPU
 * time is the steadier number). Writes bench/results/linear-fit.json.
 *
 *   node --import tsx bench/linear-fit.ts [--repeats 3] [--no-sklearn]
 *
 * Cases: dense 100k × 50 (correlated Gaussian columns) and a one-hot-like 10k × 300 design
 * (50 numeric + 10 categoricals × 25 levels, every level kept: collinear, as the preprocessor
 * makes it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Matrix, matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { r2 } from '../src/metrics/regression.js';
import '../src/models/index.js';
import { createModel } from '../src/models/families.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({
  options: { repeats: { type: 'string', default: '3' }, 'no-sklearn': { type: 'boolean', default: false } },
});
const repeats = Number(args.repeats);

const MODELS = [
  { kind: 'linear', params: {} },
  { kind: 'ridge', params: { alpha: 1 } },
  { kind: 'lasso', params: { alpha: 0.001, max_iter: 5000 } },
  { kind: 'elasticnet', params: { alpha: 0.001, l1_ratio: 0.5, max_iter: 5000 } },
];

function dense(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const common = rng.normal();
    let s = 0;
    for (let j = 0; j < p; j++) {
      const v = 0.5 * common + rng.normal();
      X[i * p + j] = v;
      s += (j % 5 === 0 ? 1 : 0.1) * v;
    }
    y[i] = s + rng.normal();
  }
  return { X: matrix(n, p, X), y };
}

function oneHotLike(n: number, nNum: number, nCat: number, levels: number, seed: number) {
  const rng = new Rng(seed);
  const p = nNum + nCat * levels;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const effect = Float64Array.from({ length: nCat * levels }, () => rng.normal());
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < nNum; j++) {
      const v = rng.normal();
      X[i * p + j] = v;
      s += v / (j + 1);
    }
    for (let c = 0; c < nCat; c++) {
      // Skewed level frequencies: rare levels, as in real categoricals.
      const lv = Math.min(levels - 1, Math.floor(levels * rng.next() ** 2));
      X[i * p + nNum + c * levels + lv] = 1;
      s += effect[c * levels + lv];
    }
    y[i] = s + rng.normal();
  }
  return { X: matrix(n, p, X), y };
}

const cases = [
  { name: 'dense_100k_x_50', ...dense(100_000, 50, 1) },
  { name: 'onehot_10k_x_300', ...oneHotLike(10_000, 50, 10, 25, 2) },
];

interface Row {
  case: string;
  model: string;
  rows: number;
  cols: number;
  ours: { fit_s: number; cpu_s: number; r2_train: number; notes: readonly string[] };
  sklearn?: { fit_s: number; cpu_s: number; r2_train: number; n_iter: number | null };
  fit_ratio?: number;
}

const rows: Row[] = [];
for (const c of cases) {
  for (const m of MODELS) {
    let best = Number.POSITIVE_INFINITY;
    let bestCpu = Number.POSITIVE_INFINITY;
    let r2Train = 0;
    let notes: readonly string[] = [];
    for (let k = 0; k < repeats; k++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const fitted = await createModel(m.kind, m.params).fit(c.X, c.y, { features: [], seed: 0 });
      const used = process.cpuUsage(cpu);
      best = Math.min(best, (performance.now() - t) / 1000);
      bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
      r2Train = r2(c.y, fitted.predict(c.X));
      notes = fitted.notes;
    }
    rows.push({
      case: c.name,
      model: m.kind,
      rows: c.X.rows,
      cols: c.X.cols,
      ours: { fit_s: best, cpu_s: bestCpu, r2_train: r2Train, notes },
    });
    console.log(
      c.name,
      m.kind,
      `${best.toFixed(3)} s (cpu ${bestCpu.toFixed(3)} s)`,
      `R² ${r2Train.toFixed(5)}`,
      notes.join(' '),
    );
  }
}

if (!args['no-sklearn']) {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-linear-'));
  try {
    for (const c of cases) {
      writeFileSync(join(dir, `${c.name}.X.f64`), c.X.data);
      writeFileSync(join(dir, `${c.name}.y.f64`), c.y);
    }
    const spec = {
      repeats,
      models: MODELS,
      cases: cases.map((c) => ({ name: c.name, rows: c.X.rows, cols: c.X.cols })),
    };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(spec));
    const script = fileURLToPath(new URL('./linear_sklearn.py', import.meta.url));
    const out = execFileSync('/usr/bin/python3', [script, dir], { encoding: 'utf8', maxBuffer: 1 << 24 });
    for (const line of out.trim().split('\n')) {
      const s = JSON.parse(line);
      const row = rows.find((r) => r.case === s.case && r.model === s.model);
      if (!row) continue;
      row.sklearn = { fit_s: s.fit_s, cpu_s: s.cpu_s, r2_train: s.r2_train, n_iter: s.n_iter };
      row.fit_ratio = row.ours.fit_s / s.fit_s;
      console.log(
        s.case,
        s.model,
        `sklearn ${s.fit_s.toFixed(3)} s (cpu ${s.cpu_s.toFixed(3)} s)`,
        `R² ${s.r2_train.toFixed(5)}`,
        `ratio ${row.fit_ratio.toFixed(2)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

writeResult('linear-fit', { repeats, rows });
