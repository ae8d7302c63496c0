/**
 * Eigendecomposition of a small dense symmetric matrix: Householder tridiagonalisation then the
 * implicit QL algorithm (tred2 + tql2, as in EISPACK and JAMA), on flat Float64Arrays. About 5×
 * faster than ml-matrix's port of the same algorithm, which goes through get/set per element.
 */

export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  readonly values: Float64Array;
  /** Row k (n values from k·n) is the unit eigenvector of values[k]. */
  readonly vectors: Float64Array;
}

/** A is n×n row-major and symmetric (only read, never modified). */
export function symmetricEigen(A: Float64Array, n: number): SymmetricEigen {
  const U = Float64Array.from(A.subarray(0, n * n)); // A = Aᵀ, so this is also Vᵀ to start
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: U };
  tred2(U, d, e, n);
  tql2(U, d, e, n);
  return { values: d, vectors: U };
}

/**
 * Householder reduction to tridiagonal form. Works on U = Vᵀ of the textbook version (EISPACK's
 * V[r][c] is U[c·n + r] here), so the O(n³) inner loops run along contiguous memory and U ends
 * up as the rows-are-vectors layout that tql2 wants.
 */
function tred2(U: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = U[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = U[j * n + i - 1];
        U[j * n + i] = 0;
        U[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        U[i * n + j] = f;
        const row = j * n;
        g = e[j] + U[row + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += U[row + k] * d[k];
          e[k] += U[row + k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        const row = j * n;
        for (let k = j; k <= i - 1; k++) U[row + k] -= f * e[k] + g * d[k];
        d[j] = U[row + i - 1];
        U[row + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    U[i * n + n - 1] = U[i * n + i];
    U[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = U[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += U[next + k] * U[row + k];
        for (let k = 0; k <= i; k++) U[row + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) U[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = U[j * n + n - 1];
    U[j * n + n - 1] = 0;
  }
  U[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); W holds the transform transposed (rows = vectors). */
function tql2(W: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const a = i * n;
          const b = a + n;
          for (let k = 0; k < n; k++) {
            const t = W[b + k];
            W[b + k] = s * W[a + k] + c * t;
            W[a + k] = c * W[a + k] - s * t;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
