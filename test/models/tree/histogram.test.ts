import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src/core/random.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { buildHistogram, gatherOrdered, subtractHistogram } from '../../../src/models/tree/histogram.js';
import { friedman1 } from '../../helpers/datasets.js';

describe('histogram', () => {
  const d = friedman1(3000, 7, 1, 5);
  // Some missing values, so the missing bin is exercised too.
  for (let i = 0; i < d.X.rows; i += 13) d.X.data[i * d.X.cols + 2] = Number.NaN;
  const mapper = fitBinMapper(d.X, null, { maxBins: 64 });
  const binned = binMatrix(mapper, d.X);
  const n = d.X.rows;
  const p = d.X.cols;
  const feats = Int32Array.from({ length: p }, (_, j) => j);
  const size = 3 * mapper.offsets[p];
  const rng = new Rng(1);
  const g = Float64Array.from({ length: n }, () => rng.normal());
  const h = Float64Array.from({ length: n }, () => 0.5 + rng.next());

  // Rows 0..n-1 split in two ascending runs: "left" (random half) then "right".
  const isLeft = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const rows = new Uint32Array(n);
  let nl = 0;
  for (let i = 0; i < n; i++) if (isLeft[i]) rows[nl++] = i;
  for (let i = 0, k = nl; i < n; i++) if (!isLeft[i]) rows[k++] = i;
  const all = Uint32Array.from({ length: n }, (_, i) => i);

  const build = (r: Uint32Array, s: number, e: number, withHess: boolean) => {
    const hist = new Float64Array(size);
    const og = new Float64Array(n);
    const oh = new Float64Array(n);
    gatherOrdered(og, g, r, s, e);
    gatherOrdered(oh, h, r, s, e);
    buildHistogram(hist, binned, mapper.offsets, feats, p, r, s, e, og, withHess ? oh : null, 2);
    return hist;
  };

  for (const withHess of [true, false]) {
    it(`parent − built child equals the directly built sibling (${withHess ? 'hessians' : 'constant hessian'})`, () => {
      const parent = build(all, 0, n, withHess);
      const left = build(rows, 0, nl, withHess);
      const right = build(rows, nl, n, withHess);
      const sib = new Float64Array(size);
      subtractHistogram(sib, parent, left, mapper.offsets, feats, p);
      for (let b = 0; b < size; b++)
        assert.ok(Math.abs(sib[b] - right[b]) < 1e-9, `slot ${b}: ${sib[b]} vs ${right[b]}`);
    });
  }

  it('holds per feature the node sums of g, h and the row count, missing bin included', () => {
    const hist = build(rows, 0, nl, true);
    let G = 0;
    let H = 0;
    for (let k = 0; k < nl; k++) {
      G += g[rows[k]];
      H += h[rows[k]];
    }
    for (let j = 0; j < p; j++) {
      let sg = 0;
      let sh = 0;
      let sn = 0;
      for (let b = 3 * mapper.offsets[j]; b < 3 * mapper.offsets[j + 1]; b += 3) {
        sg += hist[b];
        sh += hist[b + 1];
        sn += hist[b + 2];
      }
      assert.ok(Math.abs(sg - G) < 1e-9 && Math.abs(sh - H) < 1e-9);
      assert.equal(sn, nl);
    }
    const miss = 3 * (mapper.offsets[2] + mapper.nBins[2]);
    let nMiss = 0;
    for (let k = 0; k < nl; k++) if (rows[k] % 13 === 0) nMiss++;
    assert.equal(hist[miss + 2], nMiss);
  });

  it('constant hessian: H of a bin is its count × hConst', () => {
    const hist = build(rows, nl, n, false);
    for (let b = 0; b < size; b += 3) assert.equal(hist[b + 1], hist[b + 2] * 2);
  });
});
