/**
 * The WebAssembly k-NN kernel (wasm/knn-query.c) against the TypeScript search: the same
 * neighbours and the same distance bits for the KD-tree and brute force, p = 1 and 2, uniform and
 * distance weights, on real preprocessed diamonds rows (one-hot, many exact ties) and Friedman #1,
 * across query chunks; and the switch by batch size.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type Matrix, matrix, takeRows } from '../../src/core/matrix.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FittedKnn, Neighbors } from '../../src/models/knn/fitted.js';
import { diamonds } from '../explain/data.js';
import { friedman1, splitIdx } from '../helpers/datasets.js';

const saved = process.env.TABFLOW_KERNELS;
afterEach(() => {
  if (saved === undefined) delete process.env.TABFLOW_KERNELS;
  else process.env.TABFLOW_KERNELS = saved;
});

async function fitKnn(params: Record<string, unknown>, X: Matrix, y: Float64Array): Promise<FittedKnn> {
  return (await createModel('knn', params).fit(X, y, { features: [], seed: 1 })) as FittedKnn;
}

/** Neighbours and predictions of one model on `Xq`, by the given path. */
function search(m: FittedKnn, Xq: Matrix, mode: 'js' | 'wasm'): Neighbors & { pred: Float64Array } {
  process.env.TABFLOW_KERNELS = mode;
  return { ...m.kneighbors(Xq), pred: m.predict(Xq) };
}

function assertSame(a: Neighbors & { pred: Float64Array }, b: Neighbors & { pred: Float64Array }): void {
  assert.deepEqual(b.index, a.index);
  // Bit for bit: deepEqual on Float64Array compares with Object.is (so −0 ≠ +0, NaN = NaN).
  assert.deepEqual(b.dist, a.dist);
  assert.deepEqual(b.pred, a.pred);
}

describe('knn WebAssembly kernel: the TypeScript search, bit for bit', () => {
  const d = diamonds('onehot', 6000);
  const cases = [
    { n_neighbors: 5 },
    { n_neighbors: 5, algorithm: 'brute' },
    { n_neighbors: 9, weights: 'distance', p: 1 },
    { n_neighbors: 1, p: 1, algorithm: 'brute', leaf_size: 5 },
    { n_neighbors: 3, leaf_size: 2 },
  ];
  for (const params of cases) {
    it(`diamonds one-hot ${JSON.stringify(params)}: same neighbours, distances and predictions`, async () => {
      const m = await fitKnn(params, d.train.X, d.train.y);
      // Test rows plus training rows (exact matches: distance 0, ties among duplicates).
      const Xq = matrix(
        d.test.X.rows + 300,
        d.test.X.cols,
        Float64Array.from([...d.test.X.data, ...d.train.X.data.subarray(0, 300 * d.train.X.cols)]),
      );
      const js = search(m, Xq, 'js');
      const wasm = search(m, Xq, 'wasm');
      assertSame(js, wasm);
      assert.ok(
        js.dist.some((v) => v === 0),
        'some queries have exact matches',
      );
    });
  }

  it('Friedman #1, 40 features, 7,000 queries: two query chunks, both algorithms', async () => {
    const f = friedman1(7500, 40, 1, 3);
    const { train, test } = splitIdx(f.X.rows, 7000 / 7500, 4);
    const ytr = Float64Array.from(train, (i) => f.y[i]);
    const Xq = takeRows(f.X, test);
    assert.ok(Xq.rows * Xq.cols > 1 << 18, 'more than one 2 MiB query chunk');
    for (const algorithm of ['kd_tree', 'brute']) {
      const m = await fitKnn({ n_neighbors: 4, algorithm }, takeRows(f.X, train), ytr);
      assertSame(search(m, Xq, 'js'), search(m, Xq, 'wasm'));
    }
  });

  it('auto keeps small batches in TypeScript and sends big ones to the kernel, with the same answers', async () => {
    const m = await fitKnn({ n_neighbors: 5 }, d.train.X, d.train.y);
    const one = takeRows(d.test.X, [0]);
    const kernel = (): unknown => (m as unknown as { wasm: unknown }).wasm;
    process.env.TABFLOW_KERNELS = 'auto';
    const small = m.predict(one);
    assert.equal(kernel(), undefined, 'one query does not build the WebAssembly index');
    const big = m.predict(d.test.X);
    assert.ok(kernel(), `${d.test.X.rows} queries × ${d.train.X.rows} rows use the kernel`);
    assert.equal(big[0], small[0]);
    process.env.TABFLOW_KERNELS = 'js';
    assert.deepEqual(m.predict(d.test.X), big);
  });
});
