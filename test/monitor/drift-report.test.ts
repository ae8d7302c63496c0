import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ValidationError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/random.js';
import { categorical, Frame, type NumericColumn, numeric } from '../../src/data/frame.js';
import {
  buildCurrentWindow,
  buildCurrentWindowFromFrame,
  buildReferenceProfile,
  type DriftReport,
  detectDrift,
} from '../../src/monitor/index.js';
import { diamonds, randomHalves, sampleRows } from './diamonds.js';

const { small, large } = diamonds();
// A stand-in model: predictions proportional to price (drift of the prediction follows the inputs).
const predictions = (f: Frame): Float64Array =>
  (f.get('price') as NumericColumn).values.map((p) => 0.97 * p + 40);
const price = (f: Frame): Float64Array => (f.get('price') as NumericColumn).values;
const reference = buildReferenceProfile(small, {
  predictions: predictions(small),
  target: { name: 'price', values: price(small) },
});
const window = (f: Frame) => buildCurrentWindowFromFrame(reference, f, { predictions: predictions(f) });
const verdicts = (r: DriftReport) => Object.fromEntries(r.features.map((f) => [f.feature, f.drifted]));

describe('diamonds: larger stones arrive (carat ≥ 1 against a carat < 1 reference)', () => {
  it('a window of 500 rows: KS and χ² flag the size features and the dataset', () => {
    const r = detectDrift(reference, window(sampleRows(large, 500, 1)));
    const byName = Object.fromEntries(r.features.map((f) => [f.feature, f]));
    for (const name of ['carat', 'price', 'x', 'y', 'z']) {
      assert.equal(byName[name].method, 'ks');
      assert.equal(byName[name].drifted, true, name);
      assert.ok((byName[name].p_value ?? 1) < 1e-50, `${name} p = ${byName[name].p_value}`);
      assert.ok((byName[name].psi ?? 0) > 1, `${name} PSI ${byName[name].psi}`);
    }
    assert.equal(byName.cut.method, 'chisquare');
    assert.equal(r.dataset.drifted, true);
    assert.ok((r.dataset.share ?? 0) >= 0.5);
    assert.equal(r.prediction?.drifted, true);
    assert.equal(r.prediction?.feature, 'prediction');
    assert.equal(r.target, null, 'no actuals given, no target drift');
  });
  it('actuals from feedback: target drift, with the rows still waiting for feedback as missing', () => {
    const cur = sampleRows(large, 500, 1);
    const actuals: (number | null)[] = Array.from(price(cur), (p, i) => (i % 5 === 0 ? null : p));
    const r = detectDrift(reference, buildCurrentWindowFromFrame(reference, cur, { actuals }));
    assert.equal(r.target?.feature, 'price');
    assert.equal(r.target?.n_current, 400);
    assert.equal(r.target?.missing_rate_cur, 0.2);
    assert.equal(r.target?.drifted, true);
  });
  it('a window of 5000 rows: Wasserstein and Jensen–Shannon', () => {
    const r = detectDrift(reference, window(sampleRows(large, 5000, 2)));
    const carat = r.features.find((f) => f.feature === 'carat');
    assert.equal(carat?.method, 'wasserstein');
    assert.ok((carat?.statistic ?? 0) > 2, `carat: ${carat?.statistic} reference stds`);
    assert.equal(r.features.find((f) => f.feature === 'clarity')?.method, 'jensenshannon');
    assert.equal(r.dataset.drifted, true);
  });
});

describe('diamonds: a random split of the same rows does not drift', () => {
  const [train, rest] = randomHalves(small, 20_000, 16_000, 11);
  const ref = buildReferenceProfile(train, { predictions: predictions(train) });
  it('800 rows (tests) and 8000 rows (distances): no dataset drift, PSI below 0.1 everywhere', () => {
    for (const [n, seed] of [
      [800, 3],
      [8000, 4],
    ]) {
      const cur = sampleRows(rest, n, seed);
      const r = detectDrift(ref, buildCurrentWindowFromFrame(ref, cur, { predictions: predictions(cur) }));
      assert.equal(r.dataset.drifted, false, `n=${n}: ${JSON.stringify(verdicts(r))}`);
      assert.ok(r.dataset.drifted_features.length <= 1, `n=${n}: ${r.dataset.drifted_features}`);
      for (const f of r.features) assert.ok((f.psi ?? 1) < 0.1, `n=${n} ${f.feature} PSI ${f.psi}`);
      assert.equal(r.prediction?.drifted, false);
    }
  });
  // Diamonds values have many ties, which make KS conservative: fewer than 5% rejections.
  it('KS p-values on the sketch are not anti-conservative under no drift', () => {
    let tests = 0;
    let rejected = 0;
    for (let seed = 0; seed < 40; seed++) {
      const r = detectDrift(ref, buildCurrentWindowFromFrame(ref, sampleRows(rest, 300, 100 + seed)));
      for (const f of r.features) {
        if (f.method !== 'ks') continue;
        tests++;
        if (f.drifted) rejected++;
      }
    }
    assert.ok(rejected / tests < 0.08, `${rejected} of ${tests} null windows flagged`);
    assert.ok(rejected > 0, 'a test that never rejects is not a test');
  });
});

describe('never a wrong verdict on bad input', () => {
  it('a window below min_samples: every verdict null, with the reason', () => {
    const r = detectDrift(reference, window(sampleRows(large, 60, 1)));
    for (const f of r.features) {
      assert.equal(f.drifted, null);
      assert.equal(f.psi_drifted, null);
      assert.match(f.reason ?? '', /insufficient data: 60 current values, min_samples is 100/);
    }
    assert.deepEqual([r.dataset.drifted, r.dataset.share, r.dataset.n_judged], [null, null, 0]);
  });
  it('an empty window', () => {
    const r = detectDrift(reference, buildCurrentWindow(reference, []));
    assert.equal(r.dataset.drifted, null);
    assert.ok(r.features.every((f) => f.drifted === null && f.statistic === null && f.psi === null));
    assert.equal(r.prediction, null);
  });
  it('a feature that stops arriving: no value verdict, but PSI on its missing bin fires', () => {
    const records = sampleRows(small, 400, 9)
      .toRecords()
      .map(({ depth: _, ...rest }) => rest);
    const r = detectDrift(reference, buildCurrentWindow(reference, records));
    const depth = r.features.find((f) => f.feature === 'depth');
    assert.equal(depth?.drifted, null);
    assert.match(depth?.reason ?? '', /0 current values.*400 missing and 0 invalid of 400 rows/);
    assert.equal(depth?.missing_rate_cur, 1);
    assert.equal(depth?.psi_drifted, true);
    assert.equal(r.dataset.n_judged, 9);
    assert.equal(r.dataset.drifted, false);
  });
  it('text in a numeric feature is counted as invalid and left out of the test', () => {
    const records = sampleRows(small, 400, 10)
      .toRecords()
      .map((rec, i) =>
        i % 10 === 0 ? { ...rec, table: 'n/a (see notes)' } : { ...rec, table: String(rec.table) },
      );
    const r = detectDrift(reference, buildCurrentWindow(reference, records));
    const table = r.features.find((f) => f.feature === 'table');
    assert.equal(table?.invalid_rate, 0.1);
    assert.equal(table?.n_current, 360);
    assert.equal(table?.drifted, false);
  });
  it('unseen categories: counted, named, and enough of them is drift', () => {
    const records = sampleRows(small, 400, 12)
      .toRecords()
      .map((rec, i) => (i % 4 === 0 ? { ...rec, cut: 'Astor Ideal' } : rec));
    const r = detectDrift(reference, buildCurrentWindow(reference, records));
    const cut = r.features.find((f) => f.feature === 'cut');
    assert.equal(cut?.unseen_rate, 0.25);
    assert.deepEqual(cut?.unseen_examples, ['Astor Ideal']);
    assert.equal(cut?.drifted, true);
    assert.ok(cut?.distribution.bins.includes('(unseen)'));
  });
  it('a single-valued reference feature: same constant is no drift, anything else is', () => {
    const n = 300;
    const train = new Frame(
      ['k', 'c'],
      [numeric(new Array(n).fill(5)), categorical(Array.from({ length: n }, () => 'x'))],
    );
    const ref = buildReferenceProfile(train);
    const same = detectDrift(
      ref,
      buildCurrentWindow(
        ref,
        Array.from({ length: 200 }, () => ({ k: 5, c: 'x' })),
      ),
    );
    assert.deepEqual(
      same.features.map((f) => [f.drifted, f.statistic, f.p_value]),
      [
        [false, 0, 1],
        [false, 0, 1],
      ],
    );
    const moved = detectDrift(
      ref,
      buildCurrentWindow(
        ref,
        Array.from({ length: 2000 }, (_, i) => ({ k: i % 2 ? 5 : 6, c: 'x' })),
      ),
    );
    assert.equal(moved.features[0].method, 'jensenshannon');
    assert.ok((moved.features[0].statistic ?? 0) > 0.3);
    assert.equal(moved.features[0].drifted, true);
    const byWasserstein = detectDrift(ref, buildCurrentWindow(ref, [{ k: 6 }, { k: 5 }]), {
      numeric_method: 'wasserstein',
      min_samples: 1,
    });
    assert.equal(byWasserstein.features[0].statistic, Number.POSITIVE_INFINITY);
    assert.equal(byWasserstein.features[0].drifted, true);
  });
  it('an all-missing reference feature cannot be judged on values', () => {
    const train = new Frame(
      ['e', 'v'],
      [numeric(new Array(200).fill(null)), numeric(Array.from({ length: 200 }, (_, i) => i))],
    );
    const ref = buildReferenceProfile(train);
    const r = detectDrift(
      ref,
      buildCurrentWindow(
        ref,
        Array.from({ length: 150 }, (_, i) => ({ e: i, v: i })),
      ),
    );
    assert.equal(r.features[0].drifted, null);
    assert.equal(r.features[0].reason, 'no non-missing reference values');
    assert.equal(r.features[0].psi_drifted, true);
  });
  it('a window built from another reference is refused', () => {
    const other = buildReferenceProfile(small.select(['carat', 'cut']));
    const w = buildCurrentWindowFromFrame(other, sampleRows(large, 200, 1));
    assert.throws(
      () => detectDrift(reference, w),
      (e: unknown) =>
        e instanceof ValidationError &&
        /reference feature 2 is "color" \(categorical\) but the window has nothing there/.test(e.message) &&
        /the reference has 10 features, the window 2/.test(e.message),
    );
  });
});

describe('discrete numeric features (flags, small counts)', () => {
  const n = 2000;
  const rng = new Rng(5);
  const train = new Frame(
    ['has_pool', 'rooms'],
    [
      numeric(Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0))),
      numeric(Array.from({ length: n }, () => 1 + Math.floor(rng.next() * 4))),
    ],
  );
  const ref = buildReferenceProfile(train);
  const records = (m: number, pPool: number, maxRooms: number) =>
    Array.from({ length: m }, () => ({
      has_pool: rng.next() < pPool ? 1 : 0,
      rooms: 1 + Math.floor(rng.next() * maxRooms),
    }));
  it('are tested on their values with χ² (KS is needlessly conservative on ties)', () => {
    const same = detectDrift(ref, buildCurrentWindow(ref, records(600, 0.3, 4)));
    assert.deepEqual(
      same.features.map((f) => [f.method, f.drifted]),
      [
        ['chisquare', false],
        ['chisquare', false],
      ],
    );
    assert.deepEqual(same.features[0].distribution.bins, ['= 0', '= 1']);
    const shifted = detectDrift(ref, buildCurrentWindow(ref, records(600, 0.4, 4)));
    assert.equal(shifted.features[0].drifted, true, `p = ${shifted.features[0].p_value}`);
  });
  it('a value never seen in training lands in a gap bin of its own', () => {
    const r = detectDrift(ref, buildCurrentWindow(ref, records(600, 0.3, 5)));
    const rooms = r.features[1];
    assert.equal(rooms.drifted, true);
    assert.ok(rooms.distribution.bins.includes('(4, ∞)'), rooms.distribution.bins.join(' '));
    assert.equal(rooms.distribution.reference[rooms.distribution.bins.indexOf('(4, ∞)')], 0);
  });
  it('discrete_max_values: 0 turns the rule off', () => {
    const r = detectDrift(ref, buildCurrentWindow(ref, records(600, 0.3, 4)), { discrete_max_values: 0 });
    assert.ok(r.features.every((f) => f.method === 'ks'));
  });
});

describe('options', () => {
  const w = window(sampleRows(small, 700, 21));
  it('thresholds and methods are overridable', () => {
    const strict = detectDrift(reference, w, { p_value_threshold: 0.999, psi_threshold: 0.0001 });
    assert.ok(strict.features.filter((f) => f.drifted).length >= 8);
    assert.ok(strict.features.every((f) => f.psi_drifted));
    const psiOnly = detectDrift(reference, w, { numeric_method: 'psi', categorical_method: 'psi' });
    assert.ok(
      psiOnly.features.every((f) => f.method === 'psi' && f.statistic === f.psi && f.threshold === 0.1),
    );
    const js = detectDrift(reference, w, { numeric_method: 'jensenshannon' });
    assert.ok(js.features.filter((f) => f.type === 'numeric').every((f) => f.method === 'jensenshannon'));
    const few = detectDrift(reference, w, { min_samples: 5000 });
    assert.equal(few.dataset.drifted, null);
    const share = detectDrift(reference, window(sampleRows(large, 500, 1)), { drift_share: 1 });
    assert.equal(share.dataset.drifted, (share.dataset.share ?? 0) >= 1);
  });
  it('unknown keys and bad values are config errors naming them', () => {
    assert.throws(
      () => detectDrift(reference, w, { psi_treshold: 0.2, drift_share: 2 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /monitor\.drift\.psi_treshold/.test(e.message) &&
        /drift_share = 2/.test(e.message),
    );
  });
  it('the report is plain JSON', () => {
    const r = detectDrift(reference, w);
    const back = JSON.parse(JSON.stringify(r));
    assert.deepEqual(back.dataset, r.dataset);
    assert.equal(back.features[0].distribution.bins.length, r.features[0].distribution.reference.length);
  });
});
