/**
 * Numeric strategies against values worked out by hand on a small house-price-like frame:
 * living area (sq ft) with one gap and one outlier, a garage flag, and a neighbourhood.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { column } from '../../src/core/matrix.js';
import { boolean, categorical, Frame, numeric } from '../../src/data/frame.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';

// Observed areas, sorted: 850, 950, 1200, 1500, 9000 (median 1200, mean 2700, Q1 950, Q3 1500).
const houses = Frame.fromColumns({
  area: numeric([850, 1200, null, 1500, 9000, 950]),
  garage: boolean([true, false, null, true, true, false]),
  hood: categorical(['NAmes', 'CollgCr', null, 'NAmes', 'OldTown', 'NAmes']),
});

function fit(raw: Record<string, unknown>, frame = houses) {
  return new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding: 'onehot' }).fit(frame);
}
function col(raw: Record<string, unknown>, name: string, frame = houses, on = frame): number[] {
  const f = fit(raw, frame);
  const { X } = f.transform(on);
  return [...column(X, f.featureNames.indexOf(name))];
}
const near = (a: number[], b: number[]) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => {
    assert.ok(Math.abs(v - b[i]) < 1e-12, `[${i}]: got ${v}, expected ${b[i]}`);
  });
};

test('default: median imputation then standard scaling (population std)', () => {
  // Filled: 850 1200 1200 1500 9000 950 → mean 14700 / 6 = 2450; Σd² = 51,740,000.
  const sd = Math.sqrt(51_740_000 / 6);
  near(
    col({}, 'area'),
    [850, 1200, 1200, 1500, 9000, 950].map((v) => (v - 2450) / sd),
  );
});

test('mean and constant imputation', () => {
  near(col({ numeric_impute: 'mean', scaling: 'none' }, 'area'), [850, 1200, 2700, 1500, 9000, 950]);
  near(
    col({ numeric_impute: 'constant', numeric_fill_value: -1, scaling: 'none' }, 'area'),
    [850, 1200, -1, 1500, 9000, 950],
  );
});

test('missing indicator only for columns with gaps in train', () => {
  const f = fit({ add_missing_indicator: true, scaling: 'none' });
  assert.deepEqual(f.featureNames, [
    'area',
    'area:missing',
    'garage',
    'garage:missing',
    'hood=CollgCr',
    'hood=NAmes',
    'hood=OldTown',
  ]);
  near([...column(f.transform(houses).X, 1)], [0, 0, 1, 0, 0, 0]);
  const full = Frame.fromColumns({ area: numeric([1, 2, 3]) });
  assert.deepEqual(fit({ add_missing_indicator: true }, full).featureNames, ['area']);
  // A gap seen only at transform time is filled; no indicator column appears.
  const gap = Frame.fromColumns({ area: numeric([null, 2, 3]) });
  near(col({ add_missing_indicator: true, scaling: 'none' }, 'area', full, gap), [2, 2, 3]);
});

test('IQR bounds clip train and new rows; the fill is learned from clipped values', () => {
  // IQR = 1500 - 950 = 550 → bounds [950 - 825, 1500 + 825] = [125, 2325]; clipped mean = 6825 / 5.
  const cfg = { outliers: 'iqr', numeric_impute: 'mean', scaling: 'none' };
  near(col(cfg, 'area'), [850, 1200, 1365, 1500, 2325, 950]);
  const fresh = Frame.fromColumns({
    area: numeric([20_000, 10, 1000]),
    garage: boolean([true, true, true]),
    hood: categorical(['NAmes', 'NAmes', 'NAmes']),
  });
  near(col(cfg, 'area', houses, fresh), [2325, 125, 1000]);
  near(col({ ...cfg, iqr_factor: 0 }, 'area', houses, fresh), [1500, 950, 1000]);
});

test('quantile clipping interpolates like numpy', () => {
  // q=0.1 at position 0.4 → 850 + 0.4·100 = 890; q=0.9 at 3.6 → 1500 + 0.6·7500 = 6000.
  const cfg = { outliers: 'quantile', clip_quantile_low: 0.1, clip_quantile_high: 0.9, scaling: 'none' };
  near(col(cfg, 'area'), [890, 1200, 1200, 1500, 6000, 950]);
});

test('robust scaling: (x - median) / IQR of the filled column', () => {
  // Filled, sorted: 850 950 1200 1200 1500 9000 → median 1200, Q1 1012.5, Q3 1425, IQR 412.5.
  near(
    col({ scaling: 'robust' }, 'area'),
    [850, 1200, 1200, 1500, 9000, 950].map((v) => (v - 1200) / 412.5),
  );
});

test('min-max scaling maps train to [0, 1]; new rows may fall outside', () => {
  near(
    col({ scaling: 'minmax' }, 'area'),
    [850, 1200, 1200, 1500, 9000, 950].map((v) => (v - 850) / 8150),
  );
  const fresh = Frame.fromColumns({
    area: numeric([17_150]),
    garage: boolean([null]),
    hood: categorical(['NAmes']),
  });
  near(col({ scaling: 'minmax' }, 'area', houses, fresh), [2]);
});

test('booleans are 0/1 numbers, imputed like numbers', () => {
  // Observed 1 0 1 1 0: median 1, mean 0.6.
  near(col({ scaling: 'none' }, 'garage'), [1, 0, 1, 1, 1, 0]);
  near(col({ scaling: 'none', numeric_impute: 'mean' }, 'garage'), [1, 0, 0.6, 1, 1, 0]);
});

test('constant and all-missing columns: no division by zero, fill value used', () => {
  const f = Frame.fromColumns({ c: numeric([0.1, 0.1, 0.1, null]), gone: numeric([null, null, null, null]) });
  for (const scaling of ['standard', 'robust', 'minmax']) {
    near(col({ scaling }, 'c', f), [0, 0, 0, 0]);
    near(col({ scaling, numeric_fill_value: 7 }, 'gone', f), [0, 0, 0, 0]);
  }
  near(col({ scaling: 'none', numeric_fill_value: 7 }, 'gone', f), [7, 7, 7, 7]);
});

test('fit rejects infinite train values, naming the column', () => {
  const f = Frame.fromColumns({ ratio: numeric([1, Number.POSITIVE_INFINITY, 2]) });
  assert.throws(() => fit({}, f), /column "ratio" has the value Infinity at train row 1/);
});
