/**
 * Explanations of an ensemble on ames: gbdt (TreeSHAP) on the ordinal matrix, ridge (linear) and
 * knn (sampling against a background) fitted on the one-hot preprocessor's matrix. The ensemble
 * sees only the ordinal matrix and background; its attributions equal the weighted sum of each
 * member explained on its own preprocessor's matrix, and base + Σφ = prediction on every row.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ModelError, ValidationError } from '../../src/core/errors.js';
import { type Matrix, takeRows } from '../../src/core/matrix.js';
import { explain, explainInputs, explainMethod, needsBackground } from '../../src/explain/index.js';
import '../../src/models/index.js';
import { type EnsembleMember, FittedEnsemble } from '../../src/models/ensemble/fitted-ensemble.js';
import { createModel } from '../../src/models/families.js';
import type { FeatureInfo, FittedRegressor } from '../../src/models/regressor.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { amesSplit } from '../models/ensemble-data.js';

interface Side {
  X: Matrix;
  background: Matrix;
  features: readonly FeatureInfo[];
}

/** Largest |base + Σφ − prediction| / max(1, |prediction|) over the rows. */
function relativeGap(base: number, values: Float64Array, width: number, pred: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < pred.length; i++) {
    let s = base;
    for (let j = 0; j < width; j++) s += values[i * width + j];
    worst = Math.max(worst, Math.abs(s - pred[i]) / Math.max(1, Math.abs(pred[i])));
  }
  return worst;
}

describe('explaining an ensemble (ames: gbdt + ridge + knn)', () => {
  let ord: Side;
  let oh: Side;
  let parts: { w: number; model: FittedRegressor; side: () => Side }[];
  let mixed: FittedEnsemble;
  let exact: FittedEnsemble;

  before(async () => {
    const { train, test, yTrain } = await amesSplit();
    const cfg = resolvePreprocessConfig({ min_frequency: 5 });
    const ordP = new ProductionPreprocessor(cfg, { encoding: 'ordinal' }).fit(train);
    const ohP = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(train);
    const rows = Uint32Array.from({ length: 4 }, (_, i) => i * 53);
    const bgRows = Uint32Array.from({ length: 8 }, (_, i) => 11 + i * 251);
    const side = (p: typeof ordP): Side & { train: Matrix } => {
      const t = p.transform(train).X;
      return {
        train: t,
        X: takeRows(p.transform(test).X, rows),
        background: takeRows(t, bgRows),
        features: p.features,
      };
    };
    const o = side(ordP);
    const h = side(ohP);
    ord = o;
    oh = h;
    const fit = (kind: string, params: Record<string, unknown>, s: typeof o, n = s.train.rows) =>
      createModel(kind, params).fit(
        takeRows(
          s.train,
          Uint32Array.from({ length: n }, (_, i) => i),
        ),
        yTrain.subarray(0, n),
        { features: s.features, seed: 2, threads: 1 },
      );
    const gbdt = await fit('gbdt', { max_iter: 40 }, o);
    const ridge = await fit('ridge', { alpha: 3 }, h);
    const knn = await fit('knn', { n_neighbors: 7 }, h, 300);
    parts = [
      { w: 0.55, model: gbdt, side: () => ord },
      { w: 0.3, model: ridge, side: () => oh },
      { w: 0.15, model: knn, side: () => oh },
    ];
    const members: EnsembleMember[] = [
      { name: 'gbdt', encoding: 'ordinal', weight: 0.55, model: gbdt },
      { name: 'ridge', encoding: 'onehot', weight: 0.3, model: ridge },
      { name: 'knn', encoding: 'onehot', weight: 0.15, model: knn },
    ];
    mixed = FittedEnsemble.build({ members, input: 'ordinal', features: o.features });
    exact = FittedEnsemble.build({
      members: [
        { ...members[0], weight: 0.6 },
        { ...members[1], weight: 0.4 },
      ],
      input: 'ordinal',
      features: o.features,
    });
  });

  it('method ensemble; a background is needed only when a member samples', () => {
    assert.equal(explainMethod(mixed), 'ensemble');
    assert.equal(needsBackground(mixed), true);
    assert.equal(needsBackground(exact), false);
    assert.throws(
      () => explain(mixed, ord.X),
      (e: unknown) => e instanceof ModelError && e.code === 'no_background',
    );
  });

  it('explainInputs = Σ weight × each member explained on its own preprocessor matrix; base + Σφ = prediction', () => {
    const opts = { background: ord.background, seed: 4 };
    const e = explainInputs(mixed, ord.X, ord.features, opts);
    assert.equal(e.method, 'ensemble');
    assert.deepEqual(
      e.names,
      ord.features.map((f) => f.source),
    );
    const want = new Float64Array(e.values.length);
    let base = 0;
    for (const { w, model, side } of parts) {
      const s = side();
      const m = explainInputs(model, s.X, s.features, { background: s.background, seed: 4 });
      assert.deepEqual(m.names, e.names);
      base += w * m.baseValue;
      for (let k = 0; k < want.length; k++) want[k] += w * m.values[k];
    }
    assert.ok(Math.abs(e.baseValue - base) <= 1e-9 * Math.abs(base), `${e.baseValue} vs ${base}`);
    let worst = 0;
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(e.values[k] - want[k]));
    assert.ok(worst <= 1e-6, `max |Δφ| = ${worst} (prices ~1e5)`);
    const gap = relativeGap(e.baseValue, e.values, e.names.length, mixed.predict(ord.X));
    assert.ok(gap <= 1e-9, `relative efficiency gap ${gap}`);
  });

  it('explain per ordinal column: same values here (one column per input), additive', () => {
    const opts = { background: ord.background, seed: 4 };
    const e = explain(mixed, ord.X, opts);
    assert.equal(e.nFeatures, ord.X.cols);
    assert.equal(e.method, 'ensemble');
    const byInput = explainInputs(mixed, ord.X, ord.features, opts);
    assert.deepEqual(e.values, byInput.values);
    assert.ok(relativeGap(e.baseValue, e.values, e.nFeatures, mixed.predict(ord.X)) <= 1e-9);
    // The members that moved the prediction most are attributed: some φ is far from zero.
    assert.ok(e.values.some((v) => Math.abs(v) > 1000));
  });

  it('exact members only: no background needed, additive to 1e-9, TreeSHAP + linear unchanged', () => {
    const e = explainInputs(exact, ord.X, ord.features);
    const gap = relativeGap(e.baseValue, e.values, e.names.length, exact.predict(ord.X));
    assert.ok(gap <= 1e-9, `relative efficiency gap ${gap}`);
    const tree = explainInputs(parts[0].model, ord.X, ord.features);
    const lin = explainInputs(parts[1].model, oh.X, oh.features);
    assert.equal(tree.method, 'tree_shap');
    assert.equal(lin.method, 'linear');
    for (let k = 0; k < e.values.length; k++) {
      const want = 0.6 * tree.values[k] + 0.4 * lin.values[k];
      assert.ok(Math.abs(e.values[k] - want) <= 1e-6, `values[${k}] ${e.values[k]} vs ${want}`);
    }
  });

  it('rejects a background or rows of the wrong width (e.g. one-hot) naming both counts', () => {
    assert.throws(
      () => explain(mixed, ord.X, { background: oh.background }),
      (e: unknown) => e instanceof ValidationError && e.message.includes(`${oh.X.cols} were passed`),
    );
    assert.throws(
      () => explainInputs(exact, oh.X, oh.features),
      (e: unknown) => e instanceof ValidationError && e.message.includes(`${ord.X.cols} features`),
    );
  });
});
