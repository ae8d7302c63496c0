/** transform() checks its input against the train columns and reports every problem at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/core/errors.js';
import { boolean, categorical, datetime, Frame, numeric } from '../../src/data/frame.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';

const train = Frame.fromColumns({
  carat: numeric([0.23, 0.21, 0.29, 0.31]),
  cut: categorical(['Ideal', 'Premium', 'Good', 'Ideal']),
  certified: boolean([true, false, true, null]),
  listed: datetime(['2020-01-02', '2020-02-03', '2020-03-04', '2020-04-05']),
  table: numeric([55, 61, 58, 58]),
});
const fitted = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding: 'onehot' }).fit(train);

function issues(frame: Frame): { path: string; code: string; message: string }[] {
  try {
    fitted.transform(frame);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.issues;
  }
  assert.fail('expected a ValidationError');
}

test('the fitted input columns and their types are recorded', () => {
  assert.deepEqual(fitted.inputColumns, [
    { name: 'carat', type: 'numeric' },
    { name: 'cut', type: 'categorical' },
    { name: 'certified', type: 'boolean' },
    { name: 'listed', type: 'datetime' },
    { name: 'table', type: 'numeric' },
  ]);
});

test('every missing column is listed; extra columns are ignored', () => {
  const got = issues(train.drop(['carat', 'table']).withColumn('price', numeric([1, 2, 3, 4])));
  assert.deepEqual(
    got.map((i) => [i.path, i.code]),
    [
      ['carat', 'missing_column'],
      ['table', 'missing_column'],
    ],
  );
  assert.match(got[0].message, /2 missing: carat, table/);
  const extra = train.withColumn('price', numeric([326, 326, 327, 334]));
  assert.deepEqual(fitted.transform(extra).X.data, fitted.transform(train).X.data);
});

test('columns may come in any order', () => {
  const shuffled = train.select(['table', 'listed', 'cut', 'carat', 'certified']);
  assert.deepEqual(fitted.transform(shuffled).X.data, fitted.transform(train).X.data);
});

test('wrong types name the column and the value; all problems are collected', () => {
  const bad = train
    .withColumn('carat', categorical(['0.5', 'heavy', '0.7', null]))
    .withColumn('certified', numeric([1, 0, 2, 1]))
    .withColumn('listed', numeric([1, 2, 3, 4]))
    .drop(['table']);
  const got = issues(bad);
  assert.deepEqual(
    got.map((i) => [i.path, i.code]),
    [
      ['table', 'missing_column'],
      ['carat', 'wrong_type'],
      ['certified', 'wrong_type'],
      ['listed', 'wrong_type'],
    ],
  );
  assert.match(got[1].message, /column "carat" must be numeric: got the value "heavy"/);
  assert.match(got[2].message, /column "certified" must be boolean \(0\/1 or true\/false\); got the value 2/);
  assert.match(got[3].message, /column "listed" must be datetime .* ambiguous/);
});

test('unambiguous coercions give the same output as the fitted types', () => {
  const asText = Frame.fromColumns({
    carat: categorical(['0.23', ' 0.21', '0.29', '0.31']),
    cut: categorical(['Ideal', 'Premium', 'Good', 'Ideal']),
    certified: categorical(['true', 'no', '1', 'NA']),
    listed: categorical(['2020-01-02', '2020-02-03', '2020-03-04', '2020-04-05']),
    table: numeric([55, 61, 58, 58]),
  });
  assert.deepEqual(fitted.transform(asText).X.data, fitted.transform(train).X.data);
  // Categories given as numbers (MS_SubClass-style codes) are matched by their string form.
  const codes = Frame.fromColumns({ sub: categorical(['20', '60', '20', '120']) });
  const f = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding: 'ordinal' }).fit(codes);
  assert.deepEqual([...f.transform(Frame.fromColumns({ sub: numeric([60, 120, null]) })).X.data], [2, 0, 1]);
});

test('infinite values at transform are reported, not clipped away', () => {
  const got = issues(train.withColumn('table', numeric([55, Number.NEGATIVE_INFINITY, 58, 58])));
  assert.deepEqual(
    got.map((i) => [i.path, i.code]),
    [['table', 'not_finite']],
  );
  assert.match(got[0].message, /row 1/);
});

test('an empty frame gives an empty matrix with the fitted width', () => {
  const { X } = fitted.transform(train.take([]));
  assert.equal(X.rows, 0);
  assert.equal(X.cols, fitted.featureNames.length);
});
