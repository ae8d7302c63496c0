/**
 * Tree-model artifacts (formatVersion 2, src/models/tree/tree-codec.ts): the compact layout
 * round-trips every node array bit for bit, so predictions, TreeSHAP values and importances are
 * unchanged; it is deterministic, much smaller than the plain layout, refuses corrupt arrays by
 * field, and formatVersion-1 artifacts (a committed fixture) still load and predict the same.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type Serialized, stringifyArtifact } from '../../src/core/codec.js';
import { ArtifactError } from '../../src/core/errors.js';
import { takeRows } from '../../src/core/matrix.js';
import { explain, treeEnsembleOf } from '../../src/explain/index.js';
import { closePool } from '../../src/models/forest/index.js';
import '../../src/models/index.js';
import { loadModel } from '../../src/models/families.js';
import type { FittedRegressor } from '../../src/models/regressor.js';
import { encodeTree, type TreeArrays } from '../../src/models/tree/predictor.js';
import { type CompactTree, decodeTrees, encodeTrees } from '../../src/models/tree/tree-codec.js';
import { concreteData, diamonds, fitModel, type Prepared } from '../explain/data.js';
import { concrete } from '../helpers/datasets.js';

after(() => closePool());

const treesOf = (m: FittedRegressor): readonly TreeArrays[] => {
  const e = treeEnsembleOf(m);
  assert.ok(e, `${m.kind} is a tree ensemble`);
  return e.trees;
};

/** The same model written by the formatVersion-1 code path (plain trees, no deflate). */
function asV1(m: FittedRegressor): Serialized {
  const json = m.toJSON() as Serialized<unknown, Record<string, unknown>>;
  const { thresholds: _, ...state } = json.state;
  return { ...json, formatVersion: 1, state: { ...state, trees: treesOf(m).map(encodeTree) } };
}

function sameModel(a: FittedRegressor, b: FittedRegressor, d: Prepared): void {
  const ta = treesOf(a);
  const tb = treesOf(b);
  assert.equal(tb.length, ta.length);
  for (let i = 0; i < ta.length; i++)
    assert.deepStrictEqual(tb[i], ta[i], `tree ${i}: node arrays identical`);
  assert.deepStrictEqual(b.predict(d.test.X), a.predict(d.test.X));
  assert.deepStrictEqual(b.featureImportances(), a.featureImportances());
  const X = takeRows(
    d.test.X,
    Uint32Array.from({ length: 40 }, (_, i) => i),
  );
  const ea = explain(a, X);
  const eb = explain(b, X);
  assert.deepStrictEqual(eb.values, ea.values, 'TreeSHAP values identical');
  assert.equal(eb.baseValue, ea.baseValue);
}

describe('tree artifacts, formatVersion 2', () => {
  const dia = diamonds('ordinal', 3000);
  const con = concreteData();
  const cases: Array<[string, Record<string, unknown>, Prepared, string]> = [
    ['random_forest', { n_estimators: 8 }, dia, 'diamonds'],
    ['extra_trees', { n_estimators: 6 }, dia, 'diamonds'],
    ['gbdt', { max_iter: 30 }, dia, 'diamonds'],
    ['tree', {}, dia, 'diamonds'],
    ['random_forest', { n_estimators: 6, min_samples_leaf: 3 }, con, 'concrete'],
    ['gbdt', { max_iter: 20, loss: 'absolute' }, con, 'concrete'],
  ];
  for (const [kind, params, d, name] of cases) {
    it(`${kind} on ${name}: exact round trip, deterministic, smaller than the plain layout`, async () => {
      const m = await fitModel(kind, params, d);
      const text = stringifyArtifact(m.toJSON());
      const json = JSON.parse(text);
      assert.equal(json.formatVersion, 2);
      for (const t of json.state.trees)
        assert.equal(t.layout, 'splits', 'grower trees use the compact layout');
      sameModel(m, loadModel(json), d);
      // Same seed, config and data → byte-identical model.json; re-serialising a loaded model too.
      assert.equal(stringifyArtifact((await fitModel(kind, params, d)).toJSON()), text);
      assert.equal(stringifyArtifact(loadModel(JSON.parse(text)).toJSON()), text);
      // The plain (formatVersion 1) form of the same trees still loads to the same model.
      const v1 = stringifyArtifact(asV1(m));
      sameModel(m, loadModel(JSON.parse(v1)), d);
      const ratio = v1.length / text.length;
      const min = name === 'diamonds' && kind !== 'gbdt' && kind !== 'tree' ? 3 : 2;
      assert.ok(
        ratio >= min,
        `${kind}: plain ${v1.length} B / compact ${text.length} B = ${ratio.toFixed(2)}`,
      );
    });
  }

  it('a tree outside the compact layout is stored plain (deflated) and round-trips exactly', async () => {
    const m = await fitModel('random_forest', { n_estimators: 2 }, con);
    const [t0, t1] = treesOf(m);
    // Swap the root's children: still a valid tree, but no longer `right = left + 1`.
    const swapped: TreeArrays = { ...t0, left: t0.left.slice(), right: t0.right.slice() };
    [swapped.left[0], swapped.right[0]] = [t0.right[0], t0.left[0]];
    const e = encodeTrees([swapped, t1]);
    assert.equal((e.trees[0] as Partial<CompactTree>).layout, undefined);
    assert.equal((e.trees[1] as CompactTree).layout, 'splits');
    const back = decodeTrees(JSON.parse(JSON.stringify(e)), con.features.length, 'm');
    assert.deepStrictEqual(back, [swapped, t1]);
  });

  it('a corrupt or inconsistent compact tree is refused with an ArtifactError naming the field', async () => {
    const m = await fitModel('random_forest', { n_estimators: 2 }, dia);
    const json = m.toJSON() as Serialized<unknown, { trees: CompactTree[] }>;
    const tree = json.state.trees[1];
    const zipped = (['value', 'gain', 'parent'] as const).find((k) => tree[k].encoding === 'deflate');
    assert.ok(zipped, 'a fully grown tree has deflated arrays');
    const bad = (patch: Partial<CompactTree>) => {
      const trees = json.state.trees.map((t, i) => (i === 1 ? { ...t, ...patch } : t));
      return { ...json, state: { ...json.state, trees } };
    };
    const field = tree[zipped];
    const b = Buffer.from(field.base64, 'base64');
    b.fill(0xff, 0, 6);
    assert.throws(
      () => loadModel(bad({ [zipped]: { ...field, base64: b.toString('base64') } })),
      (err: unknown) =>
        err instanceof ArtifactError && err.message.includes(`random_forest.state.trees[1].${zipped}`),
    );
    assert.throws(
      () => loadModel(bad({ [zipped]: { ...field, length: field.length - 1 } })),
      (err: unknown) => err instanceof ArtifactError && /more than the declared/.test(err.message),
    );
    assert.throws(
      () => loadModel(bad({ nodes: tree.nodes + 2 })),
      (err: unknown) =>
        err instanceof ArtifactError && /trees\[1\]\.parent: \d+ values for \d+ splits/.test(err.message),
    );
    assert.throws(
      () => loadModel(bad({ threshold: { dtype: 'u32', length: 1, base64: 'AAAAAA==' } })),
      (err: unknown) => err instanceof ArtifactError && /trees\[1\]\.threshold: 1 values/.test(err.message),
    );
    assert.throws(
      () => loadModel({ ...json, state: { ...json.state, trees: [null] } }),
      (err: unknown) =>
        err instanceof ArtifactError && /trees\[0\]: expected a tree object/.test(err.message),
    );
  });
});

describe('formatVersion-1 tree artifacts (committed fixture) still load', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/tree-v1.json', import.meta.url), 'utf8'));
  const data = concrete();
  const X = takeRows(data.X, Uint32Array.from(fixture.rows as number[]));
  for (const kind of ['random_forest', 'extra_trees', 'gbdt', 'tree']) {
    it(`${kind}: same predictions and importances, and re-saves as formatVersion 2`, () => {
      const f = fixture[kind];
      assert.equal(f.model.formatVersion, 1);
      const m = loadModel(f.model);
      assert.deepStrictEqual(Array.from(m.predict(X)), f.predictions);
      assert.deepStrictEqual(Array.from(m.featureImportances()), f.importances);
      const v2 = JSON.parse(stringifyArtifact(m.toJSON()));
      assert.equal(v2.formatVersion, 2);
      const back = loadModel(v2);
      assert.deepStrictEqual(treesOf(back), treesOf(m));
      assert.deepStrictEqual(Array.from(back.predict(X)), f.predictions);
    });
  }
});
