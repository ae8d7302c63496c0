/**
 * Does `auto`'s choice between absolute and adaptive intervals on a seeded sample of CHOICE_ROWS
 * VAL rows agree with the choice on every VAL row? Linear data with noise spread 1 + 20·k·x₀ (k = 0:
 * constant noise, absolute should win; larger k: adaptive), 100,000 VAL and TEST rows, a ridge
 * fit; this build's `calibrateIntervals` against the one in `--before DIR` (a build from before
 * the sample, e.g. commit afe2879 built into DIR: `DIR/dist/inference/conformal.js`). Reports
 * each mode's relative interval-score gap on VAL, and TEST interval score and coverage.
 *
 *   node --import tsx bench/interval-choice.ts --before /tmp/tabflow-before [--seeds 5]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Matrix, matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import '../src/models/index.js';
import { type CalibrateInput, calibrateIntervals, type Intervals } from '../src/inference/conformal.js';
import { createModel } from '../src/models/families.js';
import { writeResult } from './write-result.js';

const { values: args } = parseArgs({
  options: { before: { type: 'string' }, seeds: { type: 'string', default: '5' } },
});
if (!args.before) throw new Error('--before DIR: a tabflow build from before the sampled choice');
const dist = (p: string) => pathToFileURL(join(resolve(args.before!), 'dist', p)).href;
await import(dist('models/index.js'));
const before = (await import(dist('inference/conformal.js'))) as {
  calibrateIntervals: (i: CalibrateInput) => Promise<Intervals>;
};

function part(rng: Rng, n: number, k: number) {
  const x = Float64Array.from({ length: 2 * n }, () => rng.next());
  const y = Float64Array.from(
    { length: n },
    (_, i) => 3 * x[2 * i] + x[2 * i + 1] + (1 + 20 * k * x[2 * i]) * rng.normal(),
  );
  return { X: matrix(n, 2, x), y };
}

/** TEST interval score (width + 20 × miss distance, 90 %) and coverage. */
function onTest(iv: Intervals, pred: Float64Array, test: { X: Matrix; y: Float64Array }) {
  const { lower, upper } = iv.bounds(pred, test.X);
  let score = 0;
  let hit = 0;
  for (let i = 0; i < pred.length; i++) {
    const y = test.y[i];
    score += upper[i] - lower[i] + 20 * (Math.max(0, lower[i] - y) + Math.max(0, y - upper[i]));
    if (y >= lower[i] && y <= upper[i]) hit++;
  }
  return { score: score / pred.length, coverage: hit / pred.length };
}

/** (adaptive − absolute) / absolute interval score on VAL, in %. */
function gap(iv: Intervals): number {
  const c = iv.json.chosen_by as { absolute: number; adaptive: number };
  return Number(((c.adaptive / c.absolute - 1) * 100).toFixed(3));
}

const rows = [];
for (const k of [0, 0.01, 0.02, 0.05, 0.2]) {
  for (let seed = 1; seed <= Number(args.seeds); seed++) {
    const rng = new Rng(seed * 100 + Math.round(k * 1000));
    const [train, val, test] = [part(rng, 20_000, k), part(rng, 100_000, k), part(rng, 100_000, k)];
    const features = [0, 1].map((j) => ({ name: `x${j}`, kind: 'numeric' as const, source: `x${j}` }));
    const model = await createModel('ridge', {}).fit(train.X, train.y, { features, seed: 1 });
    const input: CalibrateInput = { model, features, train, val, coverage: 0.9, mode: 'auto', seed };
    const [all, sample] = [await before.calibrateIntervals(input), await calibrateIntervals(input)];
    const pred = model.predict(test.X);
    const row = {
      k,
      seed,
      all: { mode: all.json.mode, gapPct: gap(all), test: onTest(all, pred, test) },
      sample: { mode: sample.json.mode, gapPct: gap(sample), test: onTest(sample, pred, test) },
    };
    console.error(JSON.stringify(row));
    rows.push(row);
  }
}
const agree = rows.filter((r) => r.all.mode === r.sample.mode).length;
writeResult('interval-choice', { valRows: 100_000, agree, of: rows.length, rows });
