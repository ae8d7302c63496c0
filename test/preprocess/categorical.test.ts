/**
 * Categorical imputation and encoding on a small frame of Ames-like neighbourhood codes:
 * NAmes ×3, CollgCr ×1, OldTown ×1 and one gap in train.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/core/errors.js';
import { categorical, Frame, numeric } from '../../src/data/frame.js';
import {
  type FittedPreprocessor,
  ProductionPreprocessor,
  resolvePreprocessConfig,
} from '../../src/preprocess/index.js';

const train = Frame.fromColumns({
  hood: categorical(['NAmes', 'CollgCr', null, 'NAmes', 'OldTown', 'NAmes']),
  area: numeric([850, 1200, 1100, 1500, 2000, 950]),
});
// Gilbert was never seen in train; the gap is not an unknown.
const fresh = Frame.fromColumns({
  hood: categorical(['Gilbert', 'CollgCr', null, 'NAmes']),
  area: numeric([1000, 1000, 1000, 1000]),
});

function fit(raw: Record<string, unknown>, encoding: 'onehot' | 'ordinal' = 'onehot'): FittedPreprocessor {
  return new ProductionPreprocessor(resolvePreprocessConfig({ scaling: 'none', ...raw }), { encoding }).fit(
    train,
  );
}
/** The categorical block of each row (everything but the trailing `area`). */
function rows(f: FittedPreprocessor, frame: Frame): number[][] {
  const { X } = f.transform(frame);
  return Array.from({ length: X.rows }, (_, i) => [...X.data.subarray(i * X.cols, (i + 1) * X.cols - 1)]);
}

test('most frequent imputation and one-hot with sorted levels', () => {
  const f = fit({});
  assert.deepEqual(f.featureNames, ['hood=CollgCr', 'hood=NAmes', 'hood=OldTown', 'area']);
  assert.deepEqual(rows(f, train), [
    [0, 1, 0],
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0, 1, 0],
  ]);
  assert.ok(f.features.every((x) => x.kind === 'numeric'));
  assert.deepEqual(
    f.features.map((x) => x.source),
    ['hood', 'hood', 'hood', 'area'],
  );
});

test('most frequent ties go to the smallest value (as scikit-learn)', () => {
  const t = Frame.fromColumns({ c: categorical(['b', 'a', 'b', 'a', null]) });
  const f = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding: 'ordinal' }).fit(t);
  assert.deepEqual([...f.transform(t).X.data], [1, 0, 1, 0, 0]);
});

test('constant imputation adds the fill as a level', () => {
  const f = fit({ categorical_impute: 'constant' });
  // Uppercase sorts before lowercase: 'missing' comes last.
  assert.deepEqual(f.featureNames, ['hood=CollgCr', 'hood=NAmes', 'hood=OldTown', 'hood=missing', 'area']);
  assert.deepEqual(rows(f, train)[2], [0, 0, 0, 1]);
});

test('min_frequency and max_categories send rare levels to one infrequent bucket', () => {
  // After imputation NAmes has 4 rows; CollgCr and OldTown 1 each.
  const byCount = fit({ min_frequency: 2 });
  assert.deepEqual(byCount.featureNames, ['hood=NAmes', 'hood:infrequent', 'area']);
  assert.deepEqual(rows(byCount, train), [
    [1, 0],
    [0, 1],
    [1, 0],
    [1, 0],
    [0, 1],
    [1, 0],
  ]);
  // 0.3 of 6 rows = 1.8: the same levels are rare.
  assert.deepEqual(fit({ min_frequency: 0.3 }).featureNames, byCount.featureNames);
  // max_categories counts the bucket: 2 → NAmes + bucket.
  assert.deepEqual(fit({ max_categories: 2 }).featureNames, byCount.featureNames);
  // Three levels need 4 columns with a bucket, so max_categories 3 keeps the two most frequent;
  // of the tied CollgCr and OldTown the earlier one turns infrequent (scikit-learn's stable order).
  assert.deepEqual(fit({ max_categories: 3 }).featureNames, [
    'hood=NAmes',
    'hood=OldTown',
    'hood:infrequent',
    'area',
  ]);
  assert.deepEqual(fit({ max_categories: 4 }).featureNames, fit({}).featureNames);
});

test('ordinal: codes 0..k-1 as floats with FeatureInfo kind categorical', () => {
  const f = fit({}, 'ordinal');
  assert.deepEqual(f.features, [
    { name: 'hood', kind: 'categorical', nCategories: 3, source: 'hood' },
    { name: 'area', kind: 'numeric', source: 'area' },
  ]);
  assert.deepEqual(rows(f, train).flat(), [1, 0, 1, 1, 2, 1]);
  const rare = fit({ min_frequency: 2 }, 'ordinal');
  assert.equal(rare.features[0].nCategories, 2);
  assert.deepEqual(rows(rare, train).flat(), [0, 1, 0, 0, 1, 0]);
});

test('config encoding overrides what the model family asked for', () => {
  assert.equal(fit({ encoding: 'ordinal' }, 'onehot').encoding, 'ordinal');
  assert.equal(fit({ encoding: 'onehot' }, 'ordinal').featureNames.length, 4);
  assert.equal(fit({}, 'ordinal').encoding, 'ordinal');
});

test('unknown category, ignore: one-hot all zeros, ordinal NaN', () => {
  assert.deepEqual(rows(fit({}), fresh), [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [0, 1, 0],
  ]);
  const ord = rows(fit({}, 'ordinal'), fresh).flat();
  assert.ok(Number.isNaN(ord[0]));
  assert.deepEqual(ord.slice(1), [0, 1, 1]);
});

test('unknown category, infrequent: into the bucket when there is one', () => {
  const f = fit({ min_frequency: 2, handle_unknown: 'infrequent' });
  assert.deepEqual(rows(f, fresh), [
    [0, 1],
    [0, 1],
    [1, 0],
    [1, 0],
  ]);
  assert.deepEqual(
    rows(fit({ min_frequency: 2, handle_unknown: 'infrequent' }, 'ordinal'), fresh).flat(),
    [1, 1, 0, 0],
  );
  // No rare level in train → no bucket → like ignore.
  assert.deepEqual(rows(fit({ handle_unknown: 'infrequent' }), fresh)[0], [0, 0, 0]);
});

test('unknown category, error: names column, value and known levels; a gap is no error', () => {
  const f = fit({ handle_unknown: 'error' });
  assert.throws(
    () => f.transform(fresh),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.issues.length, 1);
      assert.equal(e.issues[0].code, 'unknown_category');
      assert.equal(e.issues[0].path, 'hood');
      assert.match(
        e.message,
        /column "hood" has a category not seen in training: "Gilbert"; known: "CollgCr", "NAmes", "OldTown"/,
      );
      return true;
    },
  );
  assert.doesNotThrow(() => f.transform(fresh.take([1, 2, 3])));
});

test('levels come from train rows, not from a dictionary shared with other rows', () => {
  const all = Frame.fromColumns({ hood: categorical(['NAmes', 'Gilbert', 'NAmes', 'CollgCr']) });
  const f = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding: 'onehot' }).fit(
    all.take([0, 2, 3]),
  );
  assert.deepEqual(f.featureNames, ['hood=CollgCr', 'hood=NAmes']);
  assert.deepEqual(f.schema[0].categories, ['NAmes', 'CollgCr']);
  assert.deepEqual(f.schema[0].categoryCounts, [2, 1]);
});

test('an identifier-like column that would not fit one-hot in memory fails clearly at fit', () => {
  const n = 20_000;
  const ids = Frame.fromColumns({ id: categorical(Array.from({ length: n }, (_, i) => `order-${i}`)) });
  const pp = (raw: Record<string, unknown>) =>
    new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding: 'onehot' });
  assert.throws(
    () => pp({}).fit(ids),
    /20000 × 20000 matrix \(3.0 GB\); widest categorical columns: "id" \(20000 levels\)/,
  );
  assert.equal(pp({ max_categories: 50 }).fit(ids).featureNames.length, 50);
});
