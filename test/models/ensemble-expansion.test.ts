/**
 * The one-hot matrix is an exact function of the ordinal one: on ames (40 categorical inputs),
 * expanding the ordinal preprocessor's output gives the one-hot preprocessor's output bit for bit,
 * on TRAIN and on TEST rows with levels TRAIN never saw, with and without an infrequent bucket,
 * missing categories imputed or not, missing numbers with indicators.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.js';
import { fromRows } from '../../src/core/matrix.js';
import {
  expandedFeatures,
  expandOnehot,
  layoutFromSlots,
  onehotLayout,
} from '../../src/models/ensemble/onehot-expansion.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { amesSplit, UNSEEN_IN } from './ensemble-data.js';

const CONFIGS: Record<string, Record<string, unknown>> = {
  'defaults (unknown ignored, no bucket)': {},
  'ignore + min_frequency 10 (bucket; unknown → zeros / NaN)': { min_frequency: 10 },
  'infrequent + min_frequency 10 (unknown → bucket)': { handle_unknown: 'infrequent', min_frequency: 10 },
  'infrequent + max_categories 6': { handle_unknown: 'infrequent', max_categories: 6 },
  'constant fill not a level, indicators, robust scaling, iqr clipping': {
    categorical_impute: 'constant',
    add_missing_indicator: true,
    scaling: 'robust',
    outliers: 'iqr',
    min_frequency: 0.01,
  },
  'constant fill + infrequent': {
    categorical_impute: 'constant',
    handle_unknown: 'infrequent',
    max_categories: 10,
  },
};

describe('one-hot expansion of the ordinal matrix (ames)', () => {
  for (const [label, raw] of Object.entries(CONFIGS)) {
    it(`equals the one-hot preprocessor exactly: ${label}`, async () => {
      const { train, test } = await amesSplit();
      const cfg = resolvePreprocessConfig(raw);
      const ord = new ProductionPreprocessor(cfg, { encoding: 'ordinal' }).fit(train);
      const oh = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(train);
      const layout = onehotLayout(ord.features);
      assert.ok(layout.hasCategorical);
      assert.equal(layout.width, oh.nFeatures);
      const wide = expandedFeatures(ord.features, layout);
      assert.deepEqual(
        wide.map((f) => [f.source, f.kind]),
        oh.features.map((f) => [f.source, f.kind]),
      );
      for (const rows of [train, test]) {
        const o = ord.transform(rows).X;
        const h = oh.transform(rows).X;
        assert.deepStrictEqual(expandOnehot(o, layout), h);
      }
      // The TEST rows do hold unseen levels in the columns kept rare, and they take part.
      const strict = resolvePreprocessConfig({ ...raw, handle_unknown: 'error' });
      assert.throws(
        () => new ProductionPreprocessor(strict, { encoding: 'ordinal' }).fit(train).transform(test),
        (e: unknown) =>
          e instanceof ValidationError && UNSEEN_IN.every((c) => e.issues.some((i) => i.path === c)),
      );
    });
  }

  it('the configs exercise what they claim: NaN codes, all-zero rows, buckets, indicators', async () => {
    const { train, test } = await amesSplit();
    const fit = (raw: Record<string, unknown>) =>
      new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding: 'ordinal' }).fit(train);
    const ignore = fit({});
    const j = ignore.featureNames.indexOf('Neighborhood');
    const Xt = ignore.transform(test).X;
    let nan = 0;
    for (let i = 0; i < Xt.rows; i++) if (Number.isNaN(Xt.data[i * Xt.cols + j])) nan++;
    assert.ok(nan >= 1, `unseen Neighborhood rows coded NaN: ${nan}`);

    const bucket = fit({ handle_unknown: 'infrequent', min_frequency: 10 });
    const oh = new ProductionPreprocessor(
      resolvePreprocessConfig({ handle_unknown: 'infrequent', min_frequency: 10 }),
      {
        encoding: 'onehot',
      },
    ).fit(train);
    const buckets = oh.featureNames.filter((n) => n.endsWith(':infrequent'));
    assert.ok(buckets.length >= 10, `${buckets.length} infrequent buckets`);
    const k = bucket.features[j].nCategories!;
    const Xb = bucket.transform(test).X;
    let inBucket = 0;
    for (let i = 0; i < Xb.rows; i++) if (Xb.data[i * Xb.cols + j] === k - 1) inBucket++;
    assert.ok(inBucket >= nan, `unseen + rare Neighborhood rows in the bucket: ${inBucket}`);

    const ind = fit({ add_missing_indicator: true });
    assert.ok(ind.featureNames.includes('Lot_Frontage:missing'));
  });
});

describe('expandOnehot on small inputs', () => {
  const features = [
    { name: 'a', kind: 'numeric', source: 'a' },
    { name: 'c', kind: 'categorical', nCategories: 3, source: 'c' },
    { name: 'b', kind: 'numeric', source: 'b' },
  ] as const;

  it('copies numbers, sets the slot indicator, leaves NaN all zeros; names columns c#slot', () => {
    const layout = onehotLayout(features);
    assert.deepEqual([...layout.inputOf], [0, 1, 1, 1, 2]);
    const X = fromRows([
      [1.5, 2, -3],
      [Number.NaN, Number.NaN, 4],
      [0, 0, 0],
    ]);
    const E = expandOnehot(X, layout);
    assert.deepEqual([...E.data], [1.5, 0, 0, 1, -3, Number.NaN, 0, 0, 0, 4, 0, 1, 0, 0, 0]);
    assert.deepEqual(
      expandedFeatures(features, layout).map((f) => f.name),
      ['a', 'c#0', 'c#1', 'c#2', 'b'],
    );
  });

  it('is the identity (same matrix) when no column is categorical', () => {
    const X = fromRows([[1, 2]]);
    assert.equal(expandOnehot(X, layoutFromSlots(new Int32Array(2))), X);
  });

  it('rejects a code outside 0..k-1 naming the cell, and a wrong column count', () => {
    const layout = onehotLayout(features);
    for (const bad of [3, 1.5, -1]) {
      assert.throws(
        () => expandOnehot(fromRows([[0, bad, 0]]), layout),
        (e: unknown) => e instanceof ValidationError && /X\[0, 1\] = .*0\.\.2/.test(e.message),
      );
    }
    assert.throws(() => expandOnehot(fromRows([[0, 1]]), layout), /3 input columns but X has 2/);
  });
});
