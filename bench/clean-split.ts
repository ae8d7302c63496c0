/**
 * Cleaning and splitting cost: duplicate-row detection on diamonds (53,940 × 10, 146 duplicates)
 * beside a naive string-key baseline measured in the same run, the full DataCleaner, every split
 * strategy, and a 1,000,000 × 10 synthetic frame to show the dedupe stays linear.
 * Writes bench/results/clean-split.json.
 *
 *   node --import tsx bench/clean-split.ts
 */
import { DataCleaner, duplicateMask, resolveCleanConfig } from '../src/clean/index.js';
import { Rng } from '../src/core/random.js';
import { type Column, Frame } from '../src/data/frame.js';
import { DataSplitter, resolveSplitConfig } from '../src/split/index.js';
import { readBundled } from '../test/helpers/csv-frame.js';
import { writeResult } from './write-result.js';

/** Median milliseconds of `runs` calls after one warm-up. */
function time(fn: () => unknown, runs = 15): number {
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

function naiveDuplicates(f: Frame): number {
  const seen = new Set<string>();
  let d = 0;
  for (let i = 0; i < f.nRows; i++) {
    const k = JSON.stringify(f.names.map((n) => f.cell(n, i)));
    if (seen.has(k)) d++;
    else seen.add(k);
  }
  return d;
}

function synthetic(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const cols: Column[] = [];
  for (let j = 0; j < 7; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.next() < 0.02 ? Number.NaN : Math.round(rng.next() * 1000) / 10;
    cols.push({ type: 'numeric', values: v });
  }
  for (let j = 0; j < 3; j++) {
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) c[i] = rng.int(20) - 1;
    cols.push({
      type: 'categorical',
      codes: c,
      dictionary: Array.from({ length: 19 }, (_, k) => `level${k}`),
    });
  }
  return new Frame(
    Array.from({ length: 10 }, (_, j) => `c${j}`),
    cols,
  );
}

const diamonds = readBundled('diamonds');
const cleaner = new DataCleaner(resolveCleanConfig({}));
const cleaned = cleaner.clean(diamonds, 'price').frame;
const dup = duplicateMask(diamonds).reduce((a, b) => a + b, 0);
const result: Record<string, unknown> = {
  diamonds: {
    rows: diamonds.nRows,
    duplicates: dup,
    dedupe_ms: time(() => duplicateMask(diamonds)),
    naive_string_key_ms: time(() => naiveDuplicates(diamonds), 3),
    full_clean_ms: time(() => cleaner.clean(diamonds, 'price')),
  },
  split_ms: Object.fromEntries(
    [
      ['random', {}],
      ['stratified', { strategy: 'stratified' }],
      ['time', { strategy: 'time', time_column: 'carat' }],
      ['group', { strategy: 'group', group_column: 'clarity' }],
    ].map(([name, raw]) => [
      name,
      time(() => new DataSplitter(resolveSplitConfig(raw)).split(cleaned, 'price')),
    ]),
  ),
};
for (const n of [100_000, 1_000_000]) {
  const f = synthetic(n, 1);
  result[`synthetic_${n}x10`] = {
    dedupe_ms: time(() => duplicateMask(f), 5),
    duplicates: duplicateMask(f).reduce((a, b) => a + b, 0),
  };
}
console.log(JSON.stringify(result, null, 2));
writeResult('clean-split', result);
