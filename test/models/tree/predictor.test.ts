import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../../src/core/matrix.js';
import {
  accumulateGain,
  addTreePredictions,
  addTreesPredictions,
  decodeTree,
  encodeTree,
  normalize,
  PREDICT_BLOCK_ROWS,
  predictBlockRows,
  predictTree,
  type TreeArrays,
} from '../../../src/models/tree/predictor.js';
import { friedman1 } from '../../helpers/datasets.js';
import { growOn, handmade } from './helpers.js';

describe('tree predictor', () => {
  it('routes numeric thresholds, missing values, category bitsets and unseen codes', () => {
    const t = handmade();
    const NaN_ = Number.NaN;
    const X = fromRows([
      [0.5, 0],
      [NaN_, 0],
      [0.6, 1],
      [0.6, 33],
      [0.6, 2],
      [0.6, 99],
      [0.6, NaN_],
      [0.6, 1.5],
    ]);
    // x=0.5 ≤ 0.5 → left; NaN follows missingLeft; codes 1/33 → left; unseen 99, missing and
    // non-integer codes → right.
    assert.deepEqual([...predictTree(t, X)], [10, 10, 20, 20, 30, 30, 30, 30]);
  });

  it('round-trips through the codec and rejects corrupt structure', () => {
    const t = growOn(friedman1(500, 5, 1, 2).X, friedman1(500, 5, 1, 2).y, { maxLeaves: 20 }).tree;
    const back = decodeTree(JSON.parse(JSON.stringify(encodeTree(t))), 5);
    assert.deepEqual(back, t);
    const bad = encodeTree({ ...t, left: Int32Array.from(t.left, (v) => Math.min(v, 0)) });
    assert.throws(() => decodeTree(bad, 5), /children out of range/);
    assert.throws(() => decodeTree(encodeTree(t), 3), /feature/);
  });

  it('turns split gains into normalised importances', () => {
    const acc = new Float64Array(2);
    accumulateGain(handmade(), acc);
    assert.deepEqual([...normalize(acc)], [0.25, 0.75]);
    assert.deepEqual([...normalize(new Float64Array(3))], [0, 0, 0]);
  });
});

describe('blocked prediction over many trees', () => {
  it('gives, bit for bit, the sums of adding the trees one after another', () => {
    const { X, y } = friedman1(3000, 5, 1, 4);
    const trees = [1, 2, 3].map(
      (k) =>
        growOn(
          X,
          y.map((v) => v * k),
          { maxLeaves: 31 },
        ).tree,
    );
    trees.push(handmade());
    // Rows past one block, some missing values, a categorical-split tree among numeric ones.
    const data = Float64Array.from(X.data);
    for (let i = 0; i < data.length; i += 37) data[i] = Number.NaN;
    const M = { rows: X.rows, cols: X.cols, data };
    assert.ok(M.rows > 2 * PREDICT_BLOCK_ROWS);
    const want = new Float64Array(M.rows).fill(0.25);
    for (const t of trees) addTreePredictions(t, M, want, 0.1);
    for (const block of [PREDICT_BLOCK_ROWS, 1, M.rows]) {
      const got = new Float64Array(M.rows).fill(0.25);
      addTreesPredictions(trees, M, got, 0.1, block);
      assert.deepEqual(got, want, `blocks of ${block} rows`);
    }
    // Small matrices and large models are walked tree by tree over all rows; large matrices of small trees in blocks.
    assert.equal(predictBlockRows(trees, M), M.rows);
    const big = { rows: 60_000, cols: 20, data: new Float64Array(0) };
    assert.equal(predictBlockRows(trees, big), PREDICT_BLOCK_ROWS);
    const forest = Array.from({ length: 100 }, () => ({ feature: new Int32Array(2000) }) as TreeArrays);
    assert.equal(predictBlockRows(forest, big), big.rows);
  });
});
