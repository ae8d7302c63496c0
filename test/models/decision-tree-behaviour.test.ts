import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../src/core/matrix.js';
import { r2 } from '../../src/metrics/regression.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import type { FittedTrees } from '../../src/models/tree/fitted-trees.js';
import { leafCount, treeDepth } from '../../src/models/tree/predictor.js';
import { friedman1 } from '../helpers/datasets.js';

const numeric = (p: number): FeatureInfo[] =>
  Array.from({ length: p }, (_, j) => ({ name: `x${j}`, kind: 'numeric', source: `x${j}` }));

describe('tree (decision tree)', () => {
  const d = friedman1(3000, 8, 0.5, 4);
  const ctx = { features: numeric(8), seed: 0 };

  it('fits a step function exactly', async () => {
    const X = fromRows([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]]);
    const y = Float64Array.of(1, 1, 1, 1, 1, 9, 9, 9, 9, 9);
    const m = await createModel('tree').fit(X, y, { features: numeric(1), seed: 0 });
    assert.deepEqual([...m.predict(X)], [...y]);
  });

  it('honours max_depth, max_leaves and min_samples_leaf', async () => {
    const shallow = (await createModel('tree', { max_depth: 4 }).fit(d.X, d.y, ctx)) as FittedTrees;
    assert.equal(treeDepth(shallow.trees[0]), 4);
    const few = (await createModel('tree', { max_leaves: 12 }).fit(d.X, d.y, ctx)) as FittedTrees;
    assert.equal(leafCount(few.trees[0]), 12);
    const big = (await createModel('tree', { min_samples_leaf: 50 }).fit(d.X, d.y, ctx)) as FittedTrees;
    const t = big.trees[0];
    for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) assert.ok(t.count[i] >= 50);
  });

  it('min_impurity_decrease prunes weak splits', async () => {
    const full = (await createModel('tree').fit(d.X, d.y, ctx)) as FittedTrees;
    const pruned = (await createModel('tree', { min_impurity_decrease: 0.05 }).fit(
      d.X,
      d.y,
      ctx,
    )) as FittedTrees;
    assert.ok(leafCount(pruned.trees[0]) < leafCount(full.trees[0]) / 2);
    assert.ok(r2(d.y, pruned.predict(d.X)) > 0.7);
  });
});
