/**
 * The row jobs two grower threads split (row-jobs.ts): a partition made of two parts joined is
 * the one stable partition, with the TypeScript loops and the WebAssembly kernel; the leaf update
 * gives the same bits wherever the rows are cut.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../../src/core/random.js';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { HistogramHelper } from '../../../src/models/tree/parallel-histogram.js';
import { addLeafValues, joinParts, partitionPart } from '../../../src/models/tree/row-jobs.js';
import { friedman1 } from '../../helpers/datasets.js';

describe('row jobs', () => {
  it('join two partition parts into the stable partition (TypeScript and kernel)', async () => {
    const d = friedman1(3_000, 5, 1, 9);
    const mapper = fitBinMapper(d.X, null);
    const binned = binMatrix(mapper, d.X);
    const helper = await HistogramHelper.start(binned, mapper.offsets, 3 * mapper.offsets[5], 1, {
      thread: false,
      kernel: true,
    });
    try {
      const k = helper.kernel;
      assert.ok(k, 'the kernel compiles on this runtime');
      const b = helper.buf;
      const n = binned.nRows;
      for (let v = 0; v < 257; v++) b.lut[v] = v % 3 === 0 ? 1 : 0;
      const col = b.bins.subarray(n, 2 * n);
      // [start, end) cut into chunks of `len` rows.
      for (const [start, end, len] of [
        [100, 2900, 1400],
        [100, 2900, 700],
        [100, 2900, 333],
        [0, n, n],
        [7, 9, 1],
      ]) {
        for (const useKernel of [false, true]) {
          for (let i = 0; i < n; i++) b.rows[i] = (i * 7919) % n;
          const range = [...b.rows.subarray(start, end)];
          const want = [
            ...range.filter((r) => b.lut[col[r]] === 1),
            ...range.filter((r) => b.lut[col[r]] === 0),
          ];
          const part = useKernel ? k.partitionPart.bind(k) : partitionPart;
          const count = Math.ceil((end - start) / len);
          const lefts = new Int32Array(count);
          // Chunks in any order (two threads take them as they come).
          for (let i = count - 1; i >= 0; i--) {
            const s = start + i * len;
            lefts[i] = part(b.rows, s, Math.min(end, s + len), col, b.lut, b.tmp);
          }
          const boundary = joinParts(b.rows, b.tmp, start, end, len, lefts, count);
          assert.equal(boundary, start + want.filter((r) => b.lut[col[r]] === 1).length);
          assert.deepEqual(
            [...b.rows.subarray(start, end)],
            want,
            `${start} ${end} ${len} kernel ${useKernel}`,
          );
        }
      }
    } finally {
      helper.close();
    }
  });

  it('add leaf values with the same bits wherever the positions are cut', () => {
    const rng = new Rng(3);
    const n = 1000;
    const rows = Uint32Array.from(rng.permutation(n));
    const span = Int32Array.from([0, 10, 10, 400, 400, 401, 401, 1000]);
    const value = Float64Array.from([0.1, -0.3, 1e-9, 7.25]);
    const base = Float64Array.from({ length: n }, () => rng.normal());
    const whole = base.slice();
    addLeafValues(whole, rows, span, value, 4, 0, n);
    for (const cut of [0, 5, 10, 399, 400, 700, n]) {
      const parts = base.slice();
      addLeafValues(parts, rows, span, value, 4, cut, n);
      addLeafValues(parts, rows, span, value, 4, 0, cut);
      assert.deepEqual(parts, whole, `cut at ${cut}`);
    }
    // Refreshing the squared loss's gradients on the way (raw − y of the updated predictions) and
    // resetting the rows for the next tree.
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const raw = base.slice();
    const grad = new Float64Array(n);
    addLeafValues(raw, rows, span, value, 4, 500, n, grad, y);
    addLeafValues(raw, rows, span, value, 4, 0, 500, grad, y);
    assert.deepEqual(raw, whole);
    assert.deepEqual(
      rows,
      Uint32Array.from({ length: n }, (_, i) => i),
      'rows reset to 0, 1, 2, …',
    );
    assert.deepEqual(
      grad,
      Float64Array.from(raw, (v, i) => v - y[i]),
    );
  });
});
