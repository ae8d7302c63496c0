import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../../src/core/matrix.js';
import {
  accumulateGain,
  decodeTree,
  encodeTree,
  normalize,
  predictTree,
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
