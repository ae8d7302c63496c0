import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import '../../src/models/index.js';
import { CHOICE_ROWS } from '../../src/inference/conformal.js';
import { calibrateIntervals, conformalQuantile, Intervals } from '../../src/inference/index.js';
import { createModel } from '../../src/models/families.js';
import { concrete } from '../helpers/datasets.js';

describe('conformalQuantile', () => {
  it('takes the ⌈(n+1)(1−α)⌉-th smallest score', () => {
    const s = Float64Array.from({ length: 19 }, (_, i) => 19 - i); // 19..1
    // n = 19, coverage 0.9: rank ⌈20 · 0.9⌉ = 18 → the 18th smallest = 18.
    assert.deepEqual(conformalQuantile(s, 0.9), { q: 18, rank: 18 });
    assert.deepEqual(conformalQuantile(s, 0.5), { q: 10, rank: 10 });
    // n = 9 cannot certify 95%: rank 10 > n → an infinite interval, not a too-narrow one.
    assert.equal(conformalQuantile(s.slice(0, 9), 0.95).q, Number.POSITIVE_INFINITY);
    assert.equal(conformalQuantile(new Float64Array(0), 0.9).q, Number.POSITIVE_INFINITY);
  });

  it('covers ≥ nominal on exchangeable data, and not much more (finite-sample exactness)', () => {
    const rng = new Rng(7);
    let hits = 0;
    let trials = 0;
    for (let t = 0; t < 400; t++) {
      const cal = Float64Array.from({ length: 99 }, () => Math.abs(rng.normal()));
      const { q } = conformalQuantile(cal, 0.9);
      for (let k = 0; k < 25; k++, trials++) if (Math.abs(rng.normal()) <= q) hits++;
    }
    // Marginal coverage of split conformal with n = 99 at 90% is exactly 90/100.
    assert.ok(Math.abs(hits / trials - 0.9) < 0.01, `coverage ${hits / trials}`);
  });
});

describe('calibrateIntervals on concrete (ridge): absolute and adaptive', () => {
  const { X, y } = concrete();
  const perm = new Rng(3).permutation(y.length);
  const rows = (a: number, b: number) => Array.from(perm.slice(a, b));
  const take = (idx: number[]) => ({
    X: matrix(
      idx.length,
      X.cols,
      Float64Array.from(idx.flatMap((i) => [...X.data.subarray(i * X.cols, (i + 1) * X.cols)])),
    ),
    y: Float64Array.from(idx, (i) => y[i]),
  });
  const train = take(rows(0, 500));
  const val = take(rows(500, 765));
  const test = take(rows(765, 1030));
  const features = Array.from({ length: X.cols }, (_, j) => ({
    name: `x${j}`,
    kind: 'numeric' as const,
    source: `x${j}`,
  }));

  for (const mode of ['absolute', 'adaptive'] as const) {
    it(`${mode}: TEST coverage within 5 points of 90%, round-trips through JSON`, async () => {
      const model = await createModel('ridge', {}).fit(train.X, train.y, { features, seed: 1 });
      const iv = await calibrateIntervals({ model, features, train, val, coverage: 0.9, mode, seed: 1 });
      assert.equal(iv.json.n, 265);
      assert.equal(iv.json.rank, Math.ceil(266 * 0.9));
      const pred = model.predict(test.X);
      const q = iv.evaluate(pred, test.X, test.y);
      assert.ok(Math.abs(q.coverage - 0.9) <= 0.05, `${mode} coverage ${q.coverage}`);
      const back = Intervals.fromJson(JSON.parse(JSON.stringify(iv.json)));
      const a = iv.bounds(pred, test.X);
      const b = back.bounds(pred, test.X);
      assert.deepEqual(b, a);
      const widths = a.upper.map((u, i) => u - a.lower[i]);
      const constant = widths.every((w) => Math.abs(w - widths[0]) < 1e-9);
      assert.equal(constant, mode === 'absolute');
    });
  }

  it('refuses a calibration that is not split-conformal', () => {
    assert.throws(() => Intervals.fromJson({ method: 'bootstrap' }), /not a split-conformal calibration/);
  });
});

describe('calibrateIntervals auto: the mode with the lower cross-fitted interval score on VAL', () => {
  /** The two interval scores auto compared. */
  const scoresOf = (iv: Intervals) => {
    const by = iv.json.chosen_by;
    assert.equal(by?.criterion, 'interval_score');
    const s = by as { absolute: number; adaptive: number };
    return { absolute: s.absolute, adaptive: s.adaptive };
  };

  /** y = x + noise whose spread is `spread(x)`; a ridge fit on x; 1,000 / `nVal` / 2,000 rows. */
  async function fitOn(spread: (x: number) => number, seed: number, nVal = 500) {
    const rng = new Rng(seed);
    const part = (n: number) => {
      const x = Float64Array.from({ length: n }, () => rng.next() * 10);
      const y = Float64Array.from(x, (v) => v + spread(v) * rng.normal());
      return { X: matrix(n, 1, x), y };
    };
    const [train, val, test] = [part(1000), part(nVal), part(2000)];
    const features = [{ name: 'x', kind: 'numeric' as const, source: 'x' }];
    const model = await createModel('ridge', {}).fit(train.X, train.y, { features, seed: 1 });
    const calibrate = (mode: 'auto' | 'absolute' | 'adaptive') =>
      calibrateIntervals({ model, features, train, val, coverage: 0.9, mode, seed: 1 });
    /** Mean interval score on TEST: width + (2/α)·miss distance. */
    const testScore = (iv: Intervals) => {
      const pred = model.predict(test.X);
      const { lower, upper } = iv.bounds(pred, test.X);
      let s = 0;
      for (let i = 0; i < pred.length; i++) {
        const y = test.y[i];
        s += upper[i] - lower[i] + 20 * (Math.max(0, lower[i] - y) + Math.max(0, y - upper[i]));
      }
      return s / pred.length;
    };
    return { calibrate, testScore };
  }

  it('noise growing with x: adaptive is chosen, and it scores better on TEST', async () => {
    const { calibrate, testScore } = await fitOn((x) => 0.1 + 0.5 * x, 11);
    const auto = await calibrate('auto');
    assert.equal(auto.json.mode, 'adaptive');
    const by = scoresOf(auto);
    assert.ok(by.adaptive < by.absolute);
    // 11.4 vs 14.4 here: narrower where the noise is small, wide enough where it is large.
    assert.ok(testScore(auto) < 0.85 * testScore(await calibrate('absolute')));
    // The chosen mode is calibrated on all of VAL, exactly as asking for it directly.
    assert.deepEqual(auto.json.q, (await calibrate('adaptive')).json.q);
  });

  it('constant noise: absolute is chosen (the simpler intervals; adaptive has nothing to follow)', async () => {
    const { calibrate } = await fitOn(() => 1, 12);
    const auto = await calibrate('auto');
    assert.equal(auto.json.mode, 'absolute');
    assert.equal(auto.json.difficulty, undefined);
    const by = scoresOf(auto);
    assert.ok(by.absolute <= by.adaptive);
  });

  it('a VAL of fewer than 100 rows: absolute, without comparing (halves that small cannot tell)', async () => {
    const { calibrate } = await fitOn((x) => 0.1 + 0.5 * x, 11, 60);
    const auto = await calibrate('auto');
    assert.equal(auto.json.mode, 'absolute');
    assert.deepEqual(auto.json.chosen_by, { criterion: 'too_few_val_rows', rows: 60, min: 100 });
    assert.deepEqual(auto.json.q, (await calibrate('absolute')).json.q);
  });
});

describe('calibrateIntervals auto on a large VAL: the modes compared on a seeded sample', () => {
  /** y = x + noise of spread 0.1 + 0.5x; a ridge fit on x; `nVal` VAL rows. */
  async function setUp(nVal: number) {
    const rng = new Rng(21);
    const part = (n: number) => {
      const x = Float64Array.from({ length: n }, () => rng.next() * 10);
      const y = Float64Array.from(x, (v) => v + (0.1 + 0.5 * v) * rng.normal());
      return { X: matrix(n, 1, x), y };
    };
    const [train, val] = [part(2000), part(nVal)];
    const features = [{ name: 'x', kind: 'numeric' as const, source: 'x' }];
    const model = await createModel('ridge', {}).fit(train.X, train.y, { features, seed: 1 });
    return (mode: 'auto' | 'adaptive') =>
      calibrateIntervals({ model, features, train, val, coverage: 0.9, mode, seed: 3 });
  }

  it(`compares on ${CHOICE_ROWS.toLocaleString('en')} rows, then calibrates the winner on every VAL row`, async () => {
    const calibrate = await setUp(CHOICE_ROWS + 15_000);
    const auto = await calibrate('auto');
    assert.equal(auto.json.mode, 'adaptive');
    const by = auto.json.chosen_by as { compared_rows?: number; absolute: number; adaptive: number };
    assert.equal(by.compared_rows, CHOICE_ROWS);
    assert.ok(by.adaptive < by.absolute);
    // σ on the rows not compared is filled in: the quantile is the one over all of VAL.
    const direct = await calibrate('adaptive');
    assert.equal(auto.json.n, CHOICE_ROWS + 15_000);
    assert.deepEqual(auto.json.q, direct.json.q);
    // Seeded: the same data and seed give the same calibration, to the byte.
    assert.equal(JSON.stringify((await calibrate('auto')).json), JSON.stringify(auto.json));
  });

  it('a VAL of at most that many rows is compared whole (no compared_rows recorded)', async () => {
    const calibrate = await setUp(3000);
    const by = (await calibrate('auto')).json.chosen_by as Record<string, unknown>;
    assert.equal(by.criterion, 'interval_score');
    assert.equal(by.compared_rows, undefined);
  });
});
