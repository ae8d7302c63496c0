/**
 * ProductionPreprocessor cost on diamonds (53,940 rows; 6 numeric + 3 categorical → 26 one-hot
 * features): fit on the train rows, transform of all rows (one-hot and ordinal), JSON save/load,
 * beside scikit-learn's ColumnTransformer with the same steps measured in the same run; plus a
 * 1,000,000-row synthetic frame to show transform stays linear. Writes bench/results/preprocess.json.
 *
 *   node --import tsx bench/preprocess.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Rng } from '../src/core/random.js';
import { type Column, Frame } from '../src/data/frame.js';
import {
  loadPreprocessor,
  ProductionPreprocessor,
  resolvePreprocessConfig,
} from '../src/preprocess/index.js';
import { DATA_DIR } from '../test/helpers/datasets.js';
import { everyFifth, readCsv } from '../test/preprocess/read-csv.js';
import { writeResult } from './write-result.js';

const RUNS = 21;

/** Median milliseconds of `runs` calls after one warm-up. */
function time(fn: () => unknown, runs = RUNS): number {
  fn();
  const t: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return +t[runs >> 1].toFixed(2);
}

function synthetic(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const cols: Column[] = [];
  for (let j = 0; j < 7; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.next() < 0.02 ? Number.NaN : rng.normal() * 10 + j;
    cols.push({ type: 'numeric', values: v });
  }
  for (let j = 0; j < 3; j++) {
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) c[i] = rng.int(21) - 1;
    cols.push({
      type: 'categorical',
      codes: c,
      dictionary: Array.from({ length: 20 }, (_, k) => `level${k}`),
    });
  }
  return new Frame(
    Array.from({ length: 10 }, (_, j) => `c${j}`),
    cols,
  );
}

const diamonds = readCsv('diamonds.csv', ['price']);
const train = diamonds.take(everyFifth(diamonds.nRows).train);
const cfg = resolvePreprocessConfig({});
const onehot = new ProductionPreprocessor(cfg, { encoding: 'onehot' });
const ordinal = new ProductionPreprocessor(cfg, { encoding: 'ordinal' });
const fittedOh = onehot.fit(train);
const fittedOrd = ordinal.fit(train);
const json = JSON.stringify(fittedOh.toJSON());

const ours = {
  rows: diamonds.nRows,
  features_onehot: fittedOh.featureNames.length,
  fit_ms: time(() => onehot.fit(train)),
  transform_onehot_ms: time(() => fittedOh.transform(diamonds)),
  transform_ordinal_ms: time(() => fittedOrd.transform(diamonds)),
  to_json_ms: time(() => JSON.stringify(fittedOh.toJSON())),
  load_ms: time(() => loadPreprocessor(JSON.parse(json))),
  json_bytes: json.length,
};

let sklearn: Record<string, unknown> | null = null;
if (existsSync('/usr/bin/python3')) {
  const script = new URL('./preprocess_sklearn.py', import.meta.url).pathname;
  try {
    const out = execFileSync('/usr/bin/python3', [script, `${DATA_DIR}diamonds.csv`, String(RUNS)], {
      encoding: 'utf8',
    });
    sklearn = JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.error(`scikit-learn reference skipped: ${(e as Error).message.split('\n')[0]}`);
  }
}

const big = synthetic(1_000_000, 1);
const bigFitted = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(big);
const large = {
  rows: big.nRows,
  features_onehot: bigFitted.featureNames.length,
  fit_ms: time(() => new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(big), 5),
  transform_onehot_ms: time(() => bigFitted.transform(big), 5),
};

const result = {
  diamonds: ours,
  sklearn_diamonds: sklearn,
  ratio_transform_vs_sklearn: sklearn
    ? +(ours.transform_onehot_ms / (sklearn.transform_ms as number)).toFixed(3)
    : null,
  ratio_fit_vs_sklearn: sklearn ? +(ours.fit_ms / (sklearn.fit_ms as number)).toFixed(3) : null,
  synthetic_1m: large,
};
console.log(JSON.stringify(result, null, 2));
writeResult('preprocess', result);
