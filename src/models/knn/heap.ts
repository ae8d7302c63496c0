/**
 * The k best candidates for one query as a bounded max-heap ordered by (distance, index): a
 * candidate enters when it is closer than the worst kept or equally close with a smaller training
 * index, so ties are broken stably by index whatever order points are visited in.
 */
export class NeighborHeap {
  readonly d: Float64Array;
  readonly i: Int32Array;
  constructor(readonly k: number) {
    this.d = new Float64Array(k);
    this.i = new Int32Array(k);
  }

  reset(): void {
    this.d.fill(Number.POSITIVE_INFINITY);
    this.i.fill(0x7fffffff);
  }

  /** Distance of the worst kept candidate (+∞ until k are kept). */
  worst(): number {
    return this.d[0];
  }

  push(dist: number, idx: number): void {
    const { d, i, k } = this;
    if (dist > d[0] || (dist === d[0] && idx >= i[0])) return;
    // Sift the new item down from the root (it replaces the worst).
    let pos = 0;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= k) break;
      const r = l + 1;
      let c = l;
      if (r < k && (d[r] > d[l] || (d[r] === d[l] && i[r] > i[l]))) c = r;
      if (d[c] < dist || (d[c] === dist && i[c] < idx)) break;
      d[pos] = d[c];
      i[pos] = i[c];
      pos = c;
    }
    d[pos] = dist;
    i[pos] = idx;
  }

  /** Writes the k candidates sorted by (distance, index) into the outputs at offset o. */
  drain(outD: Float64Array, outI: Int32Array, o: number): void {
    const k = this.k;
    const ord = Array.from({ length: k }, (_, t) => t);
    ord.sort((a, b) => this.d[a] - this.d[b] || this.i[a] - this.i[b]);
    for (let t = 0; t < k; t++) {
      outD[o + t] = this.d[ord[t]];
      outI[o + t] = this.i[ord[t]];
    }
  }
}
