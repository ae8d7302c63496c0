/**
 * The defaults (and two other configurations) reproduce scikit-learn's ColumnTransformer output
 * on ames — numbers from fixtures/make_sklearn_fixture.py, compared feature by feature by name.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { amesWithGaps, everyFifth } from './read-csv.js';

interface Expected {
  tabflow: Record<string, unknown>;
  names: string[];
  train_sum: (number | null)[];
  test_sum: (number | null)[];
  test_nan: number[];
  test_rows: (number | null)[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/sklearn-ames.json', import.meta.url), 'utf8'),
) as {
  configs: Record<string, Expected>;
};

const frame = amesWithGaps();
const { train, test: testIdx } = everyFifth(frame.nRows);
const trainF = frame.take(train);
const testF = frame.take(testIdx);

/** Relative 1e-9 per value; sums of n values (near 0 for centred columns) get n · 1e-11 absolute. */
const close = (a: number, b: number, what: string, n = 1) => {
  const tol = Math.max(1e-9 * Math.abs(b), 1e-11 * Math.max(n, 100));
  assert.ok(Math.abs(a - b) <= tol, `${what}: tabflow ${a}, scikit-learn ${b}`);
};

for (const [name, exp] of Object.entries(fixture.configs)) {
  test(`ames matches scikit-learn: ${name}`, () => {
    const cfg = resolvePreprocessConfig(exp.tabflow);
    const fitted = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(trainF);
    assert.deepEqual([...fitted.featureNames].sort(), [...exp.names].sort());
    const col = new Map(fitted.featureNames.map((f, j) => [f, j]));
    const Xtr = fitted.transform(trainF).X;
    const Xte = fitted.transform(testF).X;
    exp.names.forEach((f, e) => {
      const j = col.get(f)!;
      let sTr = 0;
      let sTe = 0;
      let nan = 0;
      for (let i = 0; i < Xtr.rows; i++) sTr += Xtr.data[i * Xtr.cols + j];
      for (let i = 0; i < Xte.rows; i++) {
        const v = Xte.data[i * Xte.cols + j];
        if (Number.isNaN(v)) nan++;
        else sTe += v;
      }
      close(sTr, exp.train_sum[e]!, `${f} train sum`, Xtr.rows);
      close(sTe, exp.test_sum[e]!, `${f} test sum`, Xte.rows);
      assert.equal(nan, exp.test_nan[e], `${f}: NaN count in test`);
      exp.test_rows.forEach((r, i) => {
        const v = Xte.data[i * Xte.cols + j];
        if (r[e] === null) assert.ok(Number.isNaN(v), `${f} row ${i}: expected NaN, got ${v}`);
        else close(v, r[e]!, `${f} test row ${i}`);
      });
    });
  });
}
