/**
 * Exact Shapley values by enumerating every coalition, with the path-dependent value function
 * v(S) = E[tree(x) | x_S]: at a split on a feature in S follow x, otherwise average both children
 * weighted by their training counts. Exponential; for trees on ≤ 8 features only.
 */

import { goesLeft } from '../../src/explain/tree-shap.js';
import type { TreeArrays } from '../../src/models/tree/predictor.js';

export function conditionalValue(
  t: TreeArrays,
  x: ArrayLike<number>,
  inS: (j: number) => boolean,
  node = 0,
): number {
  const f = t.feature[node];
  if (f < 0) return t.value[node];
  if (inS(f)) return conditionalValue(t, x, inS, goesLeft(t, node, x[f]) ? t.left[node] : t.right[node]);
  const l = t.left[node];
  const r = t.right[node];
  const cl = t.count[l];
  const cr = t.count[r];
  // A node no training row reached: both children count equally (the explainer's convention).
  if (cl + cr === 0) return (conditionalValue(t, x, inS, l) + conditionalValue(t, x, inS, r)) / 2;
  return (cl * conditionalValue(t, x, inS, l) + cr * conditionalValue(t, x, inS, r)) / (cl + cr);
}

export function bruteForceShapley(
  trees: readonly TreeArrays[],
  x: ArrayLike<number>,
  p: number,
): Float64Array {
  const phi = new Float64Array(p);
  const fact = [1];
  for (let k = 1; k <= p; k++) fact.push(fact[k - 1] * k);
  const v = (mask: number): number => {
    let s = 0;
    for (const t of trees) s += conditionalValue(t, x, (j) => ((mask >>> j) & 1) === 1);
    return s;
  };
  for (let mask = 0; mask < 1 << p; mask++) {
    let size = 0;
    for (let j = 0; j < p; j++) size += (mask >>> j) & 1;
    const vs = v(mask);
    for (let j = 0; j < p; j++) {
      if ((mask >>> j) & 1) continue;
      const w = (fact[size] * fact[p - size - 1]) / fact[p];
      phi[j] += w * (v(mask | (1 << j)) - vs);
    }
  }
  return phi;
}
