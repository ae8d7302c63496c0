/** Exact k-NN by scanning every training row, abandoning each distance sum as soon as it loses. */
import { rdist } from './distance.js';
import type { NeighborHeap } from './heap.js';

export function bruteQuery(
  X: Float64Array,
  n: number,
  p: number,
  pw: number,
  x: Float64Array,
  xo: number,
  heap: NeighborHeap,
): void {
  heap.reset();
  for (let j = 0, o = 0; j < n; j++, o += p) {
    const worst = heap.d[0];
    const r = rdist(x, xo, X, o, p, pw, worst);
    if (r <= worst) heap.push(r, j);
  }
}
