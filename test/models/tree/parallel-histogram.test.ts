import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binMatrix, fitBinMapper } from '../../../src/models/tree/binning.js';
import { TreeGrower } from '../../../src/models/tree/grower.js';
import { HistogramHelper } from '../../../src/models/tree/parallel-histogram.js';
import '../../../src/models/index.js';
import { createModel } from '../../../src/models/families.js';
import { friedman1 } from '../../helpers/datasets.js';

describe('parallel histograms', () => {
  it('grow identical trees with a helper thread building half of the features', async () => {
    const d = friedman1(40_000, 10, 1, 8);
    for (let i = 0; i < d.X.rows; i += 17) d.X.data[i * 10 + 3] = Number.NaN;
    const mapper = fitBinMapper(d.X, null);
    const binned = binMatrix(mapper, d.X);
    const n = d.X.rows;
    const opts = {
      maxLeaves: 31,
      maxDepth: Number.POSITIVE_INFINITY,
      minSamplesLeaf: 20,
      minHessian: 0,
      minGain: 0,
      l2: 0,
    };
    const serial = new TreeGrower(mapper, binned);
    const g = Float64Array.from(d.y, (v) => -v);
    const h = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    // Both with the WebAssembly kernel on both threads and with the TypeScript loops.
    for (const kernel of [true, false]) {
      const helper = await HistogramHelper.start(binned, mapper.offsets, 3 * mapper.offsets[10], 40, {
        kernel,
      });
      assert.equal(helper.kernel !== null, kernel);
      await growBoth(helper);
    }
    async function growBoth(helper: HistogramHelper) {
      try {
        const par = new TreeGrower(mapper, helper.sharedData(binned), helper);
        for (const [withHess, steal] of [
          [false, false],
          [true, false],
          [false, true],
        ]) {
          // steal = false: the main thread always waits, so the worker builds its half.
          helper.steal = steal;
          // Large nodes' partitions split between the threads too (from 64k rows by default).
          helper.minRowJob = 1_000;
          const rowsA = Uint32Array.from({ length: n }, (_, i) => i);
          const a = serial.grow(g, withHess ? h : null, 1, rowsA, n, opts).tree;
          helper.buf.grad.set(g);
          helper.buf.hess.set(h);
          for (let i = 0; i < n; i++) helper.buf.rows[i] = i;
          const b = par.grow(
            helper.buf.grad,
            withHess ? helper.buf.hess : null,
            1,
            helper.buf.rows,
            n,
            opts,
          ).tree;
          assert.deepEqual(b, a);
        }
        assert.ok(helper.jobs >= 2, `helper ran ${helper.jobs} jobs`);
      } finally {
        helper.close();
      }
    }
  });

  it('gbdt fits byte-identical models on one and two threads (kernels js and wasm)', async () => {
    // 2M (row, feature) cells: the helper thread builds histograms, partitions and updates.
    const d = friedman1(100_000, 20, 1, 5);
    const features = Array.from({ length: 20 }, (_, j) => ({
      name: `x${j}`,
      kind: 'numeric' as const,
      source: `x${j}`,
    }));
    const saved = process.env.TABFLOW_KERNELS;
    try {
      for (const params of [{ max_iter: 4 }, { max_iter: 3, loss: 'huber', subsample: 0.8 }]) {
        const fits: string[] = [];
        for (const [kernels, threads] of [
          ['js', 1],
          ['js', 2],
          ['wasm', 2],
        ] as const) {
          process.env.TABFLOW_KERNELS = kernels;
          const m = await createModel('gbdt', { ...params, early_stopping: 'false' }).fit(d.X, d.y, {
            features,
            seed: 2,
            threads,
          });
          fits.push(JSON.stringify(m.toJSON()));
        }
        assert.equal(fits[1], fits[0], `${JSON.stringify(params)}: js, 2 threads`);
        assert.equal(fits[2], fits[0], `${JSON.stringify(params)}: wasm, 2 threads`);
      }
    } finally {
      if (saved === undefined) delete process.env.TABFLOW_KERNELS;
      else process.env.TABFLOW_KERNELS = saved;
    }
  });
});
