import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DataCleaner, resolveCleanConfig } from '../../src/clean/index.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { categorical, Frame, numeric } from '../../src/data/frame.js';
import {
  DataSplitter,
  getSplitStrategy,
  partSizes,
  resolveSplitConfig,
  type SplitResult,
  STRATEGY_NAMES,
} from '../../src/split/index.js';
import { readBundled } from '../helpers/csv-frame.js';

const splitter = (raw: unknown = {}) => new DataSplitter(resolveSplitConfig(raw));
const diamonds = new DataCleaner(resolveCleanConfig({})).clean(readBundled('diamonds'), 'price').frame;

/** Disjoint, covering, ascending, and the report agrees with the arrays. */
function assertPartition(r: SplitResult, n: number): void {
  const seen = new Uint8Array(n);
  for (const p of [r.train, r.val, r.test]) {
    for (let k = 0; k < p.length; k++) {
      assert.ok(k === 0 || p[k] > p[k - 1], 'ascending');
      assert.equal(seen[p[k]], 0, `row ${p[k]} in two parts`);
      seen[p[k]] = 1;
    }
  }
  assert.equal(r.train.length + r.val.length + r.test.length, n);
  assert.deepEqual(r.report.counts, { train: r.train.length, val: r.val.length, test: r.test.length });
}

/** sha256 of little-endian uint32 bytes, written byte by byte (independent of the implementation). */
function sha(idx: Uint32Array): string {
  const b = Buffer.alloc(idx.length * 4);
  for (let k = 0; k < idx.length; k++) b.writeUInt32LE(idx[k], 4 * k);
  return createHash('sha256').update(b).digest('hex');
}

test('part sizes equal the scikit-learn reference script (int(0.7 n), int(0.1 n), rest)', () => {
  // Expected values computed with Python: int(0.7*n), int(0.1*n), n - both.
  const cases: [number, number, number, number][] = [
    [7, 4, 0, 3],
    [10, 7, 1, 2],
    [29, 20, 2, 7],
    [1005, 703, 100, 202],
    [2930, 2051, 293, 586],
    [53794, 37655, 5379, 10760],
  ];
  for (const [n, tr, va, te] of cases)
    assert.deepEqual(partSizes(n, { train: 0.7, val: 0.1, test: 0.2 }), { train: tr, val: va, test: te });
  // With no test part the remainder goes to train.
  assert.deepEqual(partSizes(29, { train: 0.9, val: 0.1, test: 0 }), { train: 27, val: 2, test: 0 });
});

describe('random', () => {
  test('diamonds: partition with the reference sizes, recorded with hashes', () => {
    const r = splitter().split(diamonds, 'price');
    assertPartition(r, diamonds.nRows);
    assert.deepEqual(r.report.counts, { train: 37655, val: 5379, test: 10760 });
    assert.equal(r.report.strategy, 'random');
    assert.equal(r.report.seed, 42);
    assert.deepEqual(r.report.hashes, { train: sha(r.train), val: sha(r.val), test: sha(r.test) });
    assert.deepEqual(r.dropColumns, []);
    // Shuffled, not a block: test rows are spread over the file.
    assert.ok(r.test[0] < 100 && r.test[r.test.length - 1] > diamonds.nRows - 100);
  });

  test('same seed → same split; another seed → another split', () => {
    const a = splitter({ seed: 7 }).split(diamonds, 'price');
    const b = splitter({ seed: 7 }).split(diamonds, 'price');
    const c = splitter({ seed: 8 }).split(diamonds, 'price');
    assert.deepEqual(a.report.hashes, b.report.hashes);
    assert.deepEqual(a.test, b.test);
    assert.notEqual(a.report.hashes.test, c.report.hashes.test);
    assert.notEqual(a.report.hashes.train, c.report.hashes.train);
    assert.deepEqual(a.report.counts, c.report.counts);
  });

  test('hashes are stable across versions (pinned)', () => {
    const f = new Frame(['y'], [numeric(Array.from({ length: 20 }, (_, i) => i))]);
    const r = splitter().split(f, 'y');
    assert.deepEqual(
      [...r.val],
      [...r.val].sort((a, b) => a - b),
    );
    // Pinned: a change here means every recorded split changes meaning (Rng or algorithm changed).
    assert.deepEqual({ train: [...r.train], val: [...r.val], test: [...r.test] }, PINNED_20);
    assert.equal(r.report.hashes.test, sha(Uint32Array.from(PINNED_20.test)));
    assert.equal(r.report.hashes.train, '1672ab8ee26bd27440f168ab9354183b3752d780df7cf7a14b36021df69fcb03');
    assert.equal(sha(new Uint32Array(0)), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('val may be empty only when its fraction is 0', () => {
    const f = new Frame(['y'], [numeric([1, 2, 3, 4, 5, 6, 7])]);
    assert.throws(
      () => splitter().split(f, 'y'),
      (e: unknown) =>
        e instanceof DataError &&
        /leaves val empty \(train 4, val 0, test 3\)/.test(e.message) &&
        /split\.val: 0/.test(e.message),
    );
    const r = splitter({ train: 0.8, val: 0, test: 0.2 }).split(f, 'y');
    assert.deepEqual(r.report.counts, { train: 5, val: 0, test: 2 });
    assert.equal(r.report.hashes.val, sha(new Uint32Array(0)));
  });

  test('a missing target column is a DataError listing the columns', () => {
    assert.throws(
      () => splitter().split(diamonds, 'Price'),
      (e: unknown) =>
        e instanceof DataError && /"Price"/.test(e.message) && /columns are: carat, cut/.test(e.message),
    );
  });
});

describe('stratified', () => {
  test('diamonds price deciles: every bin split 70/10/20 to within one row, same totals as random', () => {
    const r = splitter({ strategy: 'stratified', bins: 10 }).split(diamonds, 'price');
    assertPartition(r, diamonds.nRows);
    assert.deepEqual(r.report.counts, { train: 37655, val: 5379, test: 10760 });
    const y = (diamonds.get('price') as { values: Float64Array }).values;
    const sorted = Float64Array.from(y).sort();
    // Decile edges computed here independently (numpy 'linear').
    const edge = (q: number) => {
      const pos = q * (sorted.length - 1);
      const lo = Math.floor(pos);
      return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - lo);
    };
    const edges = Array.from({ length: 9 }, (_, k) => edge((k + 1) / 10));
    const binOf = (v: number) => edges.filter((e) => e < v).length;
    const count = (idx: Uint32Array) => {
      const c = new Array(10).fill(0);
      for (const i of idx) c[binOf(y[i])]++;
      return c;
    };
    const [tr, va, te] = [count(r.train), count(r.val), count(r.test)];
    for (let b = 0; b < 10; b++) {
      const size = tr[b] + va[b] + te[b];
      assert.ok(size > 5000, `bin ${b} has ${size} rows`);
      assert.ok(Math.abs(tr[b] - 0.7 * size) <= 1, `bin ${b}: train ${tr[b]} of ${size}`);
      assert.ok(Math.abs(va[b] - 0.1 * size) <= 1, `bin ${b}: val ${va[b]} of ${size}`);
      assert.ok(Math.abs(te[b] - 0.2 * size) <= 2, `bin ${b}: test ${te[b]} of ${size}`);
    }
    const again = splitter({ strategy: 'stratified', bins: 10 }).split(diamonds, 'price');
    assert.deepEqual(again.report.hashes, r.report.hashes);
    assert.notEqual(
      splitter({ strategy: 'stratified', seed: 1 }).split(diamonds, 'price').report.hashes.test,
      r.report.hashes.test,
    );
  });

  test('a skewed target: val and test means track the full mean closer than worst random seeds', () => {
    const y = (diamonds.get('price') as { values: Float64Array }).values;
    const mean = (idx: Uint32Array) => idx.reduce((s, i) => s + y[i], 0) / idx.length;
    const all = y.reduce((s, v) => s + v, 0) / y.length;
    const r = splitter({ strategy: 'stratified', bins: 20 }).split(diamonds, 'price');
    assert.ok(Math.abs(mean(r.val) - all) / all < 0.01, `val mean ${mean(r.val)} vs ${all}`);
    assert.ok(Math.abs(mean(r.test) - all) / all < 0.01, `test mean ${mean(r.test)} vs ${all}`);
  });
});

describe('time', () => {
  const ames = readBundled('ames');
  const sold = Float64Array.from({ length: ames.nRows }, (_, i) =>
    Date.UTC(ames.cell('Year_Sold', i) as number, (ames.cell('Mo_Sold', i) as number) - 1, 1),
  );
  const withTime = ames.withColumn('Sold', { type: 'datetime', values: sold });

  test('ames by month sold: oldest → train, newest → test, months never straddle parts', () => {
    const r = splitter({ strategy: 'time', time_column: 'Sold' }).split(withTime, 'Sale_Price');
    assertPartition(r, ames.nRows);
    const range = (idx: Uint32Array) => [
      Math.min(...Array.from(idx, (i) => sold[i])),
      Math.max(...Array.from(idx, (i) => sold[i])),
    ];
    const [tr, va, te] = [range(r.train), range(r.val), range(r.test)];
    assert.ok(tr[1] < va[0] && va[1] < te[0], 'strictly ordered, no tied month in two parts');
    // ~55 distinct months: each cut moves by at most half a month's rows from the target size.
    assert.ok(Math.abs(r.train.length - 2051) < 60, `train ${r.train.length}`);
    assert.ok(Math.abs(r.test.length - 586) < 120, `test ${r.test.length}`);
    assert.ok(r.val.length > 150);
  });

  test('numeric time works, ties are kept together, and the split is the same for every seed', () => {
    const r = splitter({ strategy: 'time', time_column: 'Year_Sold' }).split(ames, 'Sale_Price');
    const yr = (i: number) => ames.cell('Year_Sold', i) as number;
    const years = (idx: Uint32Array) => new Set(Array.from(idx, yr));
    assert.deepEqual([...years(r.train)].sort(), [2006, 2007, 2008]);
    assert.deepEqual([...years(r.val)], [2009]);
    assert.deepEqual([...years(r.test)], [2010]);
    const other = splitter({ strategy: 'time', time_column: 'Year_Sold', seed: 3 }).split(ames, 'Sale_Price');
    assert.deepEqual(other.report.hashes, r.report.hashes);
  });

  test('bad time columns fail clearly', () => {
    assert.throws(
      () => splitter({ strategy: 'time', time_column: 'Neighborhood' }).split(ames, 'Sale_Price'),
      /"Neighborhood" is categorical; it must be datetime or numeric .*cleaning\.types\.Neighborhood: datetime/,
    );
    assert.throws(
      () => splitter({ strategy: 'time', time_column: 'When' }).split(ames, 'Sale_Price'),
      (e: unknown) =>
        e instanceof DataError && /"When"/.test(e.message) && /columns are: MS_SubClass/.test(e.message),
    );
    const holes = withTime.withColumn('Sold', {
      type: 'datetime',
      values: sold.map((v, i) => (i % 1000 === 0 ? Number.NaN : v)),
    });
    assert.throws(
      () => splitter({ strategy: 'time', time_column: 'Sold' }).split(holes, 'Sale_Price'),
      /missing in 3 of 2930 rows/,
    );
    const flat = new Frame(
      ['t', 'y'],
      [numeric(new Array(50).fill(1)), numeric(Array.from({ length: 50 }, (_, i) => i))],
    );
    assert.throws(
      () => splitter({ strategy: 'time', time_column: 't' }).split(flat, 'y'),
      /too few distinct times/,
    );
  });
});

describe('group', () => {
  const ames = readBundled('ames');

  test('ames by neighborhood: no neighborhood in two parts, sizes near the fractions', () => {
    const r = splitter({ strategy: 'group', group_column: 'Neighborhood' }).split(ames, 'Sale_Price');
    assertPartition(r, ames.nRows);
    const hood = (i: number) => ames.cell('Neighborhood', i) as string;
    const sets = [r.train, r.val, r.test].map((p) => new Set(Array.from(p, hood)));
    for (let a = 0; a < 3; a++)
      for (let b = a + 1; b < 3; b++)
        for (const h of sets[a]) assert.ok(!sets[b].has(h), `${h} in two parts`);
    assert.equal(sets[0].size + sets[1].size + sets[2].size, 28);
    // Largest neighborhood has 443 rows: each part is within that of its target.
    assert.ok(
      Math.abs(r.train.length - 2051) <= 443 && Math.abs(r.test.length - 586) <= 443,
      JSON.stringify(r.report.counts),
    );
    assert.ok(r.val.length > 0);
    assert.deepEqual(
      splitter({ strategy: 'group', group_column: 'Neighborhood' }).split(ames, 'Sale_Price').report.hashes,
      r.report.hashes,
    );
  });

  test('different seeds give different group assignments', () => {
    const hashes = new Set(
      [1, 2, 3, 4].map(
        (seed) =>
          splitter({ strategy: 'group', group_column: 'Neighborhood', seed }).split(ames, 'Sale_Price').report
            .hashes.test,
      ),
    );
    assert.ok(hashes.size >= 3);
  });

  test('numeric groups with missing values: missing rows form one group', () => {
    const rng = new Rng(5);
    const g = Array.from({ length: 600 }, () => (rng.next() < 0.1 ? null : rng.int(60)));
    const f = new Frame(['g', 'y'], [numeric(g), numeric(g.map((_, i) => i))]);
    const r = splitter({ strategy: 'group', group_column: 'g' }).split(f, 'y');
    assertPartition(r, 600);
    const partOf = new Map<number | null, number>();
    [r.train, r.val, r.test].forEach((p, k) => {
      for (const i of p) {
        assert.ok(!partOf.has(g[i]) || partOf.get(g[i]) === k, `group ${g[i]} split`);
        partOf.set(g[i], k);
      }
    });
  });
});

describe('column', () => {
  const ames = readBundled('ames');
  const labels = (f: (i: number) => string | null) =>
    ames.withColumn('split', categorical(Array.from({ length: ames.nRows }, (_, i) => f(i))));

  test('follows the column, accepts val spellings, and drops the column from the features', () => {
    const perm = new Rng(9).permutation(ames.nRows);
    const lab = new Array<string>(ames.nRows);
    perm.forEach((row, k) => {
      lab[row] = k < 2051 ? 'train' : k < 2344 ? ['val', 'Validation', 'VALID'][k % 3] : 'Test';
    });
    const f = labels((i) => lab[i]);
    const r = splitter({ split_column: 'split' }).split(f, 'Sale_Price');
    assertPartition(r, ames.nRows);
    assert.equal(r.report.strategy, 'column');
    assert.deepEqual(r.report.counts, { train: 2051, val: 293, test: 586 });
    assert.deepEqual(r.dropColumns, ['split']);
    for (const i of r.val) assert.match(lab[i], /^(val|Validation|VALID)$/);
    for (const i of r.test) assert.equal(lab[i], 'Test');
  });

  test('a bad value names the column, the value and the row', () => {
    const f = labels((i) => (i === 17 || i === 40 ? 'tst' : ['train', 'val', 'test'][i % 3]));
    assert.throws(
      () => splitter({ split_column: 'split' }).split(f, 'Sale_Price'),
      (e: unknown) =>
        e instanceof DataError &&
        /split column "split" holds "tst" in row 17/.test(e.message) &&
        /and 1 more rows/.test(e.message) &&
        /allowed values: train, val/.test(e.message),
    );
    const m = labels((i) => (i === 3 ? null : 'train'));
    assert.throws(
      () => splitter({ split_column: 'split' }).split(m, 'Sale_Price'),
      /holds a missing value in row 3/,
    );
    assert.throws(
      () => splitter({ split_column: 'Lot_Area' }).split(ames, 'Sale_Price'),
      /"Lot_Area" is numeric/,
    );
    const noTest = labels((i) => (i % 2 ? 'train' : 'val'));
    assert.throws(
      () => splitter({ split_column: 'split' }).split(noTest, 'Sale_Price'),
      /no rows labelled test/,
    );
  });
});

describe('config', () => {
  test('defaults: random 70/10/20, seed 42, 10 bins', () => {
    const c = resolveSplitConfig(undefined);
    assert.equal(c.strategy, 'random');
    assert.deepEqual([c.train, c.val, c.test, c.seed, c.bins], [0.7, 0.1, 0.2, 42, 10]);
  });

  test('errors name the key, the value and what is allowed', () => {
    assert.throws(
      () => resolveSplitConfig({ strategy: 'kfold' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /split\.strategy = "kfold" .* one of random, stratified, time, group, column/.test(e.message),
    );
    assert.throws(
      () => resolveSplitConfig({ train: 0.8, val: 0.1, test: 0.2 }),
      /0\.8 \+ 0\.1 \+ 0\.2 = 1\.1; they must sum to 1/,
    );
    assert.throws(
      () => resolveSplitConfig({ train: 0, val: 0.5, test: 0.5 }),
      /split\.train = 0 is not allowed: expected a number > 0/,
    );
    assert.throws(() => resolveSplitConfig({ val: -0.1, test: 0.4 }), /split\.val = -0\.1/);
    assert.throws(
      () => resolveSplitConfig({ strategy: 'time' }),
      /split\.time_column is required when split\.strategy = time/,
    );
    assert.throws(
      () => resolveSplitConfig({ strategy: 'random', group_column: 'g' }),
      /split\.group_column = "g" has no effect/,
    );
    assert.throws(() => resolveSplitConfig({ bins: 1.5 }), /split\.bins = 1\.5 .* integer/);
  });

  test('split_column alone selects the column strategy', () => {
    assert.equal(resolveSplitConfig({ split_column: 'split' }).strategy, 'column');
  });
});

const PINNED_20 = {
  train: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 19],
  val: [14, 18],
  test: [0, 1, 2, 13],
};

test('an unknown strategy name fails listing the known ones', () => {
  assert.throws(
    () => getSplitStrategy('kfold'),
    (e: unknown) =>
      e instanceof ConfigError &&
      /split\.strategy = "kfold" is not a known strategy; known: random, stratified, time, group, column/.test(
        e.message,
      ),
  );
  assert.deepEqual([...STRATEGY_NAMES], ['random', 'stratified', 'time', 'group', 'column']);
});
