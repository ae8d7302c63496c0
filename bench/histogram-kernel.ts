/**
 * The histogram inner loop alone: ns per (row, feature) of histogram.ts `buildHistogram` (V8) and
 * the WebAssembly kernel (wasm/histogram.c) on 1M × 20 binned Friedman rows, constant hessian, for
 * all rows and for random subsets (node rows, ascending). The two run alternately; best of the
 * repetitions (the machine is shared). Writes bench/results/histogram-kernel.json.
 *
 *   node --import tsx bench/histogram-kernel.ts [--rows 1000000]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/random.js';
import { binMatrix, fitBinMapper } from '../src/models/tree/binning.js';
import { buildHistogram, gatherOrdered } from '../src/models/tree/histogram.js';
import { HistogramHelper } from '../src/models/tree/parallel-histogram.js';
import { friedman1 } from '../test/helpers/datasets.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const n = Number(args.rows);
const p = 20;
const d = friedman1(n, p, 1, 3);
const mapper = fitBinMapper(d.X, null);
const binned = binMatrix(mapper, d.X);
const size = 3 * mapper.offsets[p];
const helper = await HistogramHelper.start(binned, mapper.offsets, size, 1, { thread: false, kernel: true });
const k = helper.kernel;
if (!k) throw new Error('the histogram kernel does not run on this runtime');
const b = helper.buf;
const rng = new Rng(1);
for (let i = 0; i < n; i++) b.grad[i] = rng.normal();
const feats = Int32Array.from({ length: p }, (_, j) => j);
b.feats.set(feats);
const ts = new Float64Array(size);
const og = new Float64Array(n);
const results: unknown[] = [];
const load = loadavg()[0];
for (const frac of [1, 0.5, 0.1, 0.01]) {
  let c = 0;
  for (let i = 0; i < n; i++) if (frac === 1 || rng.next() < frac) b.rows[c++] = i;
  // Not the identity (that is the root's dense path): drop row 0 from the full set.
  const start = frac === 1 ? 1 : 0;
  gatherOrdered(og, b.grad, b.rows, start, c);
  k.gather(b.og, b.grad, b.rows, start, c);
  const reps = Math.max(5, Math.round(0.5 / frac));
  let bestTs = Number.POSITIVE_INFINITY;
  let bestWasm = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    buildHistogram(ts, binned, mapper.offsets, feats, p, b.rows, start, c, og, null, 1);
    bestTs = Math.min(bestTs, performance.now() - t0);
    t0 = performance.now();
    k.node(helper.slot(0), b.bins, n, b.offsets, b.feats, p, b.rows, start, c, b.og, null, 1, b.scratch0);
    bestWasm = Math.min(bestWasm, performance.now() - t0);
  }
  const cells = (c - start) * p;
  const r = {
    fraction: frac,
    rows: c - start,
    ns_ts: (bestTs * 1e6) / cells,
    ns_wasm: (bestWasm * 1e6) / cells,
  };
  console.log(
    `rows ${r.rows}: ${r.ns_ts.toFixed(2)} ns (TypeScript) vs ${r.ns_wasm.toFixed(2)} ns (wasm) per row·feature`,
  );
  results.push(r);
}
helper.close();
writeResult('histogram-kernel', { rows: n, features: p, load_avg: load, results });
