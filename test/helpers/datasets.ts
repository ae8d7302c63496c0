/**
 * Small real datasets for tests, read without the DataLoader so model tests do not depend on it.
 * concrete.csv (Yeh 1998, UCI; bundled in examples/data) is all numeric.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Matrix, matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';

export const DATA_DIR = fileURLToPath(new URL('../../examples/data/', import.meta.url));

export interface XY {
  X: Matrix;
  y: Float64Array;
  names: string[];
}

/** concrete.csv: 1030 rows, 8 numeric features, target compressive_strength. */
export function concrete(): XY {
  const lines = readFileSync(`${DATA_DIR}concrete.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const n = lines.length - 1;
  const p = header.length - 1;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = lines[i + 1].split(',').map(Number);
    for (let j = 0; j < p; j++) X[i * p + j] = v[j];
    y[i] = v[p];
  }
  return { X: matrix(n, p, X), y, names: header.slice(0, p) };
}

/** Standardise columns in place using the mean/std of the given rows (default: all). */
export function standardize(X: Matrix): Matrix {
  const { rows, cols, data } = X;
  const out = new Float64Array(data);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += data[i * cols + j];
    const mean = s / rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (data[i * cols + j] - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let i = 0; i < rows; i++) out[i * cols + j] = (data[i * cols + j] - mean) / sd;
  }
  return matrix(rows, cols, out);
}

/** Friedman #1 regression problem (realistic nonlinear benchmark), seeded. */
export function friedman1(n: number, p = 10, noise = 1, seed = 0): XY {
  if (p < 5) throw new RangeError('friedman1 needs p >= 5');
  const rng = new Rng(seed);
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * p + j] = rng.next();
    const r = X.subarray(i * p, i * p + p);
    y[i] =
      10 * Math.sin(Math.PI * r[0] * r[1]) +
      20 * (r[2] - 0.5) ** 2 +
      10 * r[3] +
      5 * r[4] +
      noise * rng.normal();
  }
  return { X: matrix(n, p, X), y, names: Array.from({ length: p }, (_, j) => `x${j}`) };
}

/** Deterministic train/test index split. */
export function splitIdx(n: number, testFrac = 0.2, seed = 1): { train: Uint32Array; test: Uint32Array } {
  const perm = new Rng(seed).permutation(n);
  const nTest = Math.round(n * testFrac);
  return { test: perm.slice(0, nTest), train: perm.slice(nTest) };
}
