/**
 * OLS on the full ames design: 34 numeric columns standardised and 40 categoricals one-hot with
 * every level kept (≈ 300 columns, many rare levels) — exactly collinear with the intercept and
 * within itself. scikit-learn's LinearRegression scores R² ≈ −10¹⁸ on such a test set (rounding
 * noise in the null directions, inverted); the rank-revealing solve must stay sensible.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Matrix, matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import '../../src/models/index.js';
import { r2 } from '../../src/metrics/regression.js';
import { createModel } from '../../src/models/families.js';
import type { FittedLinear } from '../../src/models/linear/index.js';
import { DATA_DIR } from '../helpers/datasets.js';

const TARGET = 'Sale_Price';

/** ames.csv has no commas inside quotes; numeric = every cell parses as a number. */
function amesOneHot(seed: number) {
  const lines = readFileSync(`${DATA_DIR}ames.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const cells = lines.slice(1).map((l) => l.split(',').map((s) => s.replace(/"/g, '')));
  const n = cells.length;
  const perm = new Rng(seed).permutation(n);
  const nTrain = Math.floor(0.8 * n);
  const train = perm.slice(0, nTrain);
  const test = perm.slice(nTrain);
  const ti = header.indexOf(TARGET);
  const y = Float64Array.from(cells, (r) => Number(r[ti]));
  // Column builders learned on train rows only.
  const cols: ((r: string[]) => number)[] = [];
  header.forEach((_h, j) => {
    if (j === ti) return;
    if (cells.every((r) => r[j] !== '' && Number.isFinite(Number(r[j])))) {
      let m = 0;
      for (const i of train) m += Number(cells[i][j]);
      m /= train.length;
      let v = 0;
      for (const i of train) v += (Number(cells[i][j]) - m) ** 2;
      const sd = Math.sqrt(v / train.length) || 1;
      cols.push((r) => (Number(r[j]) - m) / sd);
    } else {
      const levels = [...new Set(Array.from(train, (i) => cells[i][j]))].sort();
      for (const lv of levels) cols.push((r) => (r[j] === lv ? 1 : 0));
    }
  });
  const build = (idx: Uint32Array): { X: Matrix; y: Float64Array } => {
    const p = cols.length;
    const X = new Float64Array(idx.length * p);
    idx.forEach((i, k) => {
      for (let j = 0; j < p; j++) X[k * p + j] = cols[j](cells[i]);
    });
    return { X: matrix(idx.length, p, X), y: Float64Array.from(idx, (i) => y[i]) };
  };
  return { train: build(train), test: build(test) };
}

describe('linear: OLS on collinear one-hot ames', () => {
  const { train, test } = amesOneHot(7);
  const ctx = { features: [], seed: 1 };

  it('gives a sane test R² and reports the rank deficiency', async () => {
    const m = (await createModel('linear').fit(train.X, train.y, ctx)) as FittedLinear;
    const score = r2(test.y, m.predict(test.X));
    assert.ok(train.X.cols > 250, `expected a wide one-hot design, got ${train.X.cols} columns`);
    assert.ok(score > 0.5, `test R² ${score}`);
    assert.equal(m.notes.length, 1);
    // Every one-hot group is one exact dependency with the intercept: at least 40 lost ranks.
    const rank = Number(/rank (\d+) </.exec(m.notes[0])?.[1]);
    assert.ok(rank <= train.X.cols - 40, `rank ${rank} of ${train.X.cols}`);
    // No direction of rounding noise was inverted: coefficients stay on the scale of prices.
    const big = m.coef.reduce((a, w) => Math.max(a, Math.abs(w)), 0);
    assert.ok(big < 1e6, `largest |coef| ${big}`);
    // Close to ridge, which is unique: the minimum-norm solution is not an outlier either.
    const rd = await createModel('ridge', { alpha: 1 }).fit(train.X, train.y, ctx);
    const rScore = r2(test.y, rd.predict(test.X));
    assert.ok(Math.abs(score - rScore) < 0.1, `OLS R² ${score} vs ridge ${rScore}`);
  });
});
