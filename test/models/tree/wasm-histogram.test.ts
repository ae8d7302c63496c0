/**
 * The WebAssembly histogram kernel (wasm/histogram.c) against the TypeScript loops of
 * histogram.ts and the grower's partition: the same bits for root and node histograms, with and
 * without hessians; and whole gbdt models fitted on diamonds serialising byte for byte the same
 * with TABFLOW_KERNELS=js and =wasm, on one thread and with the helper thread.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Rng } from '../../../src/core/random.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import {
  allRowCounts,
  buildHistogram,
  buildRootHistogram,
  gatherOrdered,
  subtractHistogram,
} from '../../../src/models/tree/histogram.js';
import { HistogramHelper } from '../../../src/models/tree/parallel-histogram.js';
import { diamonds, fitModel } from '../../explain/data.js';
import { friedman1 } from '../../helpers/datasets.js';

const saved = process.env.TABFLOW_KERNELS;
afterEach(() => {
  if (saved === undefined) delete process.env.TABFLOW_KERNELS;
  else process.env.TABFLOW_KERNELS = saved;
});

const bits = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('histogram kernel', () => {
  it('builds the same bits as histogram.ts for root and node histograms', async () => {
    const p = 7;
    const d = friedman1(5_000, p, 1, 4);
    for (let i = 0; i < d.X.rows; i += 13) d.X.data[i * p + 2] = Number.NaN;
    const mapper = fitBinMapper(d.X, null);
    const binned = binMatrix(mapper, d.X);
    const n = d.X.rows;
    const size = 3 * mapper.offsets[p];
    const helper = await HistogramHelper.start(binned, mapper.offsets, size, 2, {
      thread: false,
      kernel: true,
    });
    const k = helper.kernel;
    assert.ok(k, 'the kernel compiles on this runtime');
    const b = helper.buf;
    const rng = new Rng(5);
    for (let i = 0; i < n; i++) {
      b.grad[i] = rng.normal();
      b.hess[i] = 0.5 + rng.next();
    }
    const feats = Int32Array.from([6, 0, 3, 1, 5, 2, 4]);
    b.feats.set(feats);
    const counts = allRowCounts(binned, mapper.offsets);
    b.counts.set(counts);
    const ts = new Float64Array(size);
    const wasm = helper.slot(0);
    for (const withHess of [false, true]) {
      const h = withHess ? b.hess : null;
      buildRootHistogram(ts, binned, mapper.offsets, feats, p, b.grad, h, 0.75, counts);
      k.root(wasm, b.bins, n, b.offsets, b.feats, p, b.grad, h, 0.75, b.counts, b.scratch0);
      assert.deepEqual(bits(wasm), bits(ts), `root, hessians ${withHess}`);
      // Identity rows through the node path, then shuffled subsets of every size class.
      for (const cnt of [n, 1, 2, 3, 5, 17, 1000, n - 1]) {
        for (let i = 0; i < n; i++) b.rows[i] = i;
        if (cnt < n) for (let i = n - 1; i > 0; i--) swap(b.rows, i, rng.int(i + 1));
        const start = cnt < n ? 7 % (n - cnt + 1) : 0;
        const og = new Float64Array(n);
        const oh = new Float64Array(n);
        gatherOrdered(og, b.grad, b.rows, start, start + cnt);
        gatherOrdered(oh, b.hess, b.rows, start, start + cnt);
        k.gather(b.og, b.grad, b.rows, start, start + cnt);
        k.gather(b.oh, b.hess, b.rows, start, start + cnt);
        assert.deepEqual(bits(b.og.subarray(0, cnt)), bits(og.subarray(0, cnt)));
        for (const nf of [p, 3]) {
          const ohTs = withHess ? oh : null;
          buildHistogram(ts, binned, mapper.offsets, feats, nf, b.rows, start, start + cnt, og, ohTs, 2);
          const ohK = withHess ? b.oh : null;
          k.node(
            wasm,
            b.bins,
            n,
            b.offsets,
            b.feats,
            nf,
            b.rows,
            start,
            start + cnt,
            b.og,
            ohK,
            2,
            b.scratch0,
          );
          assert.deepEqual(bits(wasm), bits(ts), `node of ${cnt} rows, ${nf} features, hessians ${withHess}`);
        }
      }
    }
    // The sibling by subtraction, over a feature subset.
    const parent = helper.slot(1);
    for (let i = 0; i < size; i++) parent[i] = rng.normal();
    const want = Float64Array.from(parent);
    subtractHistogram(want, parent, wasm, mapper.offsets, feats, 5);
    k.subtract(parent, parent, wasm, b.offsets, b.feats, 5);
    assert.deepEqual(bits(parent), bits(want), 'subtraction');
    helper.close();
  });

  it('partitions rows stably like the grower', async () => {
    const d = friedman1(3_000, 5, 1, 9);
    const mapper = fitBinMapper(d.X, null);
    const binned = binMatrix(mapper, d.X);
    const helper = await HistogramHelper.start(binned, mapper.offsets, 3 * mapper.offsets[5], 1, {
      thread: false,
      kernel: true,
    });
    const k = helper.kernel;
    assert.ok(k);
    const b = helper.buf;
    const n = binned.nRows;
    for (let i = 0; i < n; i++) b.rows[i] = (i * 7919) % n;
    for (let v = 0; v < 257; v++) b.lut[v] = v % 3 === 0 ? 1 : 0;
    const col = b.bins.subarray(n, 2 * n);
    const expected = [...b.rows.subarray(100, 2900)];
    const left = expected.filter((r) => b.lut[col[r]] === 1);
    const right = expected.filter((r) => b.lut[col[r]] === 0);
    const mid = k.partition(b.rows, 100, 2900, col, b.lut, b.tmp);
    assert.equal(mid, 100 + left.length);
    assert.deepEqual([...b.rows.subarray(100, 2900)], [...left, ...right]);
    helper.close();
  });
});

describe('gbdt with the histogram kernel', () => {
  it('serialises byte-identical models on diamonds with TABFLOW_KERNELS=js and =wasm', async () => {
    const data = diamonds('ordinal', 30_000);
    for (const params of [
      { max_iter: 15 },
      { max_iter: 10, subsample: 0.7, colsample: 0.6, loss: 'huber' },
    ]) {
      process.env.TABFLOW_KERNELS = 'js';
      const js = JSON.stringify((await fitModel('gbdt', params, data)).toJSON());
      process.env.TABFLOW_KERNELS = 'wasm';
      const wasm = JSON.stringify((await fitModel('gbdt', params, data)).toJSON());
      assert.equal(wasm, js, JSON.stringify(params));
    }
  });
});

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
