/**
 * The sufficient statistics every linear model here fits from: column means, the centered Gram
 * matrix XcᵀXc and Xcᵀyc (Xc, yc = X, y minus their means). Centering before accumulating (not
 * XᵀX − n·x̄x̄ᵀ afterwards) keeps the precision of columns with a large mean, e.g. years. Fitting
 * the intercept as ȳ − x̄ᵀw on centered data is what scikit-learn does for all four models.
 */
import { ValidationError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';

export interface CenteredGram {
  readonly n: number;
  readonly p: number;
  readonly xMean: Float64Array;
  readonly yMean: number;
  /** p×p row-major, symmetric: Σᵢ (xᵢ − x̄)(xᵢ − x̄)ᵀ. Exactly zero row/column for a constant column. */
  readonly gram: Float64Array;
  /** Σᵢ (xᵢ − x̄)(yᵢ − ȳ). */
  readonly xty: Float64Array;
  /** Σᵢ (yᵢ − ȳ)². */
  readonly yy: number;
}

export function centeredGram(kind: string, X: Matrix, y: Float64Array): CenteredGram {
  const { rows: n, cols: p, data } = X;
  const xMean = columnMeans(kind, X);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i];
  yMean /= n;

  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const r = new Float64Array(p);
  let yy = 0;
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let j = 0; j < p; j++) r[j] = data[off + j] - xMean[j];
    const yc = y[i] - yMean;
    yy += yc * yc;
    // Upper triangle only; mirrored below. Skipping zeros pays off for constant columns.
    for (let a = 0; a < p; a++) {
      const ra = r[a];
      if (ra === 0) continue;
      xty[a] += ra * yc;
      const row = a * p;
      for (let b = a; b < p; b++) gram[row + b] += ra * r[b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) gram[b * p + a] = gram[a * p + b];
  return { n, p, xMean, yMean, gram, xty, yy };
}

/**
 * Column means; a constant column gets its value as mean exactly, so it centers to exact zeros
 * (a rounded mean would leave ~1e-17 noise that a rank-revealing solve could mistake for signal).
 * Non-finite inputs are rejected here: a linear model cannot skip a missing value.
 */
function columnMeans(kind: string, X: Matrix): Float64Array {
  const { rows: n, cols: p, data } = X;
  const sum = new Float64Array(p);
  const constant = new Uint8Array(p).fill(1);
  for (let i = 0; i < n; i++) {
    const off = i * p;
    for (let j = 0; j < p; j++) {
      const v = data[off + j];
      if (!Number.isFinite(v)) {
        throw new ValidationError(
          [
            {
              path: `X[${i}, ${j}]`,
              code: 'not_finite',
              message: `${kind}.fit: X[${i}, ${j}] = ${v}; impute missing values before a linear model`,
            },
          ],
          'Non-finite training input',
        );
      }
      sum[j] += v;
      if (v !== data[j]) constant[j] = 0;
    }
  }
  for (let j = 0; j < p; j++) sum[j] = constant[j] ? data[j] : sum[j] / n;
  return sum;
}

/** Population standard deviation of each column, from the Gram diagonal. */
export function columnStd(g: CenteredGram): Float64Array {
  const sd = new Float64Array(g.p);
  for (let j = 0; j < g.p; j++) sd[j] = Math.sqrt(Math.max(g.gram[j * g.p + j], 0) / g.n);
  return sd;
}
