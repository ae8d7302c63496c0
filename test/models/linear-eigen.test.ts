/**
 * The dense kernels under the linear family: the symmetric eigensolver (checked against the
 * definition and against ml-matrix) and the minimum-norm solve on singular Gram matrices.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import { minNormSolve } from '../../src/models/linear/dense-solve.js';
import type { FittedLinear } from '../../src/models/linear/index.js';
import { symmetricEigen } from '../../src/models/linear/symmetric-eigen.js';

/** XᵀX of an (n+5)×n Gaussian X whose last `dependent` columns are sums of earlier ones. */
function gram(n: number, dependent: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const m = n + 5;
  const X = Float64Array.from({ length: m * n }, () => rng.normal());
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < dependent; j++) X[i * n + n - 1 - j] = X[i * n + j] + 2 * X[i * n + j + 1];
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) A[a * n + b] += X[i * n + a] * X[i * n + b];
  }
  return A;
}

describe('symmetricEigen', () => {
  for (const [n, dep] of [
    [1, 0],
    [2, 0],
    [7, 2],
    [60, 12],
  ]) {
    it(`${n}×${n} with ${dep} exact dependencies: A v = λ v, V orthonormal, λ as ml-matrix`, () => {
      const A = gram(n, dep, n);
      const { values, vectors } = symmetricEigen(A, n);
      const scale = Math.max(...values.map(Math.abs));
      for (let k = 0; k < n; k++) {
        for (let a = 0; a < n; a++) {
          let s = 0;
          for (let b = 0; b < n; b++) s += A[a * n + b] * vectors[k * n + b];
          assert.ok(Math.abs(s - values[k] * vectors[k * n + a]) < 1e-12 * scale);
        }
        for (let k2 = 0; k2 < n; k2++) {
          let s = 0;
          for (let a = 0; a < n; a++) s += vectors[k * n + a] * vectors[k2 * n + a];
          assert.ok(Math.abs(s - (k === k2 ? 1 : 0)) < 1e-12);
        }
      }
      const M = new MlMatrix(n, n);
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) M.set(a, b, A[a * n + b]);
      const ref = [...new EigenvalueDecomposition(M, { assumeSymmetric: true }).realEigenvalues].sort(
        (x, y) => x - y,
      );
      const got = [...values].sort((x, y) => x - y);
      for (let k = 0; k < n; k++) assert.ok(Math.abs(got[k] - ref[k]) < 1e-12 * scale);
      assert.equal(got.filter((v) => Math.abs(v) < 1e-10 * scale).length, dep);
    });
  }
});

describe('minNormSolve', () => {
  it('finds the rank and agrees with the normal equations on the column space', () => {
    const n = 30;
    const A = gram(n, 6, 11);
    const b = Float64Array.from({ length: n }, (_, j) => A[j * n] + 0.5 * A[j * n + 3]); // b = A·(e0 + e3/2)
    const { x, rank } = minNormSolve(A, b, n, 1e-10);
    assert.equal(rank, 24);
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let c = 0; c < n; c++) s += A[a * n + c] * x[c];
      assert.ok(Math.abs(s - b[a]) < 1e-8 * (1 + Math.abs(b[a])), `row ${a}: ${s} vs ${b[a]}`);
    }
  });

  it('OLS splits a duplicated column evenly (minimum norm) and keeps the fit', async () => {
    const rng = new Rng(4);
    const n = 300;
    const single = new Float64Array(n * 2);
    const dup = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.normal();
      const v = rng.normal();
      single.set([u, v], i * 2);
      dup.set([u, v, u], i * 3);
      y[i] = 4 * u - v + 0.1 * rng.normal();
    }
    const ctx = { features: [], seed: 0 };
    const a = (await createModel('linear').fit(matrix(n, 2, single), y, ctx)) as FittedLinear;
    const b = (await createModel('linear').fit(matrix(n, 3, dup), y, ctx)) as FittedLinear;
    assert.ok(Math.abs(b.coef[0] - a.coef[0] / 2) < 1e-9);
    assert.ok(Math.abs(b.coef[2] - a.coef[0] / 2) < 1e-9);
    assert.ok(Math.abs(b.coef[1] - a.coef[1]) < 1e-9);
    assert.match(b.notes[0], /rank 2 < 3/);
  });
});
