/**
 * FittedEnsemble on ames: a tree member on the ordinal matrix and two members fitted on the REAL
 * one-hot preprocessor's matrix, combined over the ordinal matrix. Predictions equal the weighted
 * sum of the members on their own preprocessors' matrices; JSON round-trips byte for byte; corrupt
 * artifacts fail naming the field, the value and the rule.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ArtifactError, ModelError, ValidationError } from '../../src/core/errors.js';
import type { Matrix } from '../../src/core/matrix.js';
import { sourceGroups } from '../../src/explain/explanation.js';
import '../../src/models/index.js';
import { type EnsembleMember, FittedEnsemble } from '../../src/models/ensemble/fitted-ensemble.js';
import { createModel, loadModel } from '../../src/models/families.js';
import type { FeatureInfo, FittedRegressor } from '../../src/models/regressor.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { amesSplit } from './ensemble-data.js';

interface Fixture {
  ord: { train: Matrix; test: Matrix; features: readonly FeatureInfo[] };
  oh: { test: Matrix; features: readonly FeatureInfo[] };
  gbdt: FittedRegressor;
  ridge: FittedRegressor;
  knn: FittedRegressor;
  members: EnsembleMember[];
  ens: FittedEnsemble;
}

const W = { gbdt: 0.5, ridge: 0.3, knn: 0.2 };

describe('FittedEnsemble (ames: gbdt on ordinal, ridge and knn on one-hot)', () => {
  let f: Fixture;
  before(async () => {
    const { train, test, yTrain } = await amesSplit();
    const cfg = resolvePreprocessConfig({ min_frequency: 5 });
    const ordP = new ProductionPreprocessor(cfg, { encoding: 'ordinal' }).fit(train);
    const ohP = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(train);
    const ord = { train: ordP.transform(train).X, test: ordP.transform(test).X, features: ordP.features };
    const ohTrain = ohP.transform(train).X;
    const oh = { test: ohP.transform(test).X, features: ohP.features };
    const ctxO = { features: ord.features, seed: 5, threads: 1 };
    const ctxH = { features: oh.features, seed: 5, threads: 1 };
    const gbdt = await createModel('gbdt', { max_iter: 50 }).fit(ord.train, yTrain, ctxO);
    const ridge = await createModel('ridge', { alpha: 3 }).fit(ohTrain, yTrain, ctxH);
    const knn = await createModel('knn', { n_neighbors: 10 }).fit(ohTrain, yTrain, ctxH);
    const members: EnsembleMember[] = [
      { name: 'gbdt', encoding: 'ordinal', weight: W.gbdt, model: gbdt },
      { name: 'ridge_a3', encoding: 'onehot', weight: W.ridge, model: ridge },
      { name: 'knn', encoding: 'onehot', weight: W.knn, model: knn },
    ];
    const ens = FittedEnsemble.build({
      members,
      input: 'ordinal',
      features: ord.features,
      notes: ['built by a test'],
    });
    f = { ord, oh, gbdt, ridge, knn, members, ens };
  });

  it('predicts Σ weight × member on its own preprocessor matrix, exactly', () => {
    const want = new Float64Array(f.ord.test.rows);
    const parts = [
      [W.gbdt, f.gbdt.predict(f.ord.test)],
      [W.ridge, f.ridge.predict(f.oh.test)],
      [W.knn, f.knn.predict(f.oh.test)],
    ] as const;
    for (const [w, p] of parts) for (let i = 0; i < want.length; i++) want[i] += w * p[i];
    assert.deepEqual(f.ens.predict(f.ord.test), want);
    assert.equal(f.ens.nFeatures, f.ord.test.cols);
    assert.ok(
      f.oh.test.cols > 3 * f.ord.test.cols,
      `${f.oh.test.cols} one-hot vs ${f.ord.test.cols} ordinal columns`,
    );
  });

  it('rejects the one-hot matrix (wrong feature count) naming both counts', () => {
    assert.throws(
      () => f.ens.predict(f.oh.test),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message.includes(`${f.ord.test.cols} features`) &&
        e.message.includes(`${f.oh.test.cols} were passed`),
    );
  });

  it('importances: weighted member importances, one-hot levels summed into their input, normalised', () => {
    const { names, group } = sourceGroups(f.oh.features);
    assert.deepEqual(
      names,
      f.ord.features.map((x) => x.source),
    );
    const want = new Float64Array(names.length);
    const g = f.gbdt.featureImportances();
    for (let j = 0; j < g.length; j++) want[j] += W.gbdt * g[j];
    for (const [w, m] of [
      [W.ridge, f.ridge],
      [W.knn, f.knn],
    ] as const) {
      const imp = m.featureImportances();
      for (let c = 0; c < imp.length; c++) want[group[c]] += w * imp[c];
    }
    const total = want.reduce((a, b) => a + b, 0);
    const got = f.ens.featureImportances();
    assert.equal(got.length, names.length);
    for (let j = 0; j < got.length; j++) assert.ok(Math.abs(got[j] - want[j] / total) < 1e-12, names[j]);
    assert.ok(Math.abs(got.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it('round-trips through JSON: byte-identical, identical predictions, members and notes kept', () => {
    const text = stringifyArtifact(f.ens.toJSON());
    const back = loadModel(JSON.parse(text));
    assert.ok(back instanceof FittedEnsemble);
    assert.equal(stringifyArtifact(back.toJSON()), text);
    assert.deepEqual(back.predict(f.ord.test), f.ens.predict(f.ord.test));
    assert.deepEqual(
      back.members.map((m) => [m.name, m.encoding, m.weight, m.model.kind]),
      [
        ['gbdt', 'ordinal', 0.5, 'gbdt'],
        ['ridge_a3', 'onehot', 0.3, 'ridge'],
        ['knn', 'onehot', 0.2, 'knn'],
      ],
    );
    assert.deepEqual(back.notes, f.ens.notes);
    assert.equal(back.notes[0], 'built by a test');
    assert.deepEqual(back.params, { members: 'gbdt,ridge,knn', iterations: 25, folds: 5, metric: 'r2' });
  });

  it('build drops zero weights and checks weights, encodings and feature counts', () => {
    const zero = FittedEnsemble.build({
      members: [
        { ...f.members[0], weight: 1 },
        { ...f.members[1], weight: 0 },
      ],
      input: 'ordinal',
      features: f.ord.features,
    });
    assert.deepEqual(
      zero.members.map((m) => m.name),
      ['gbdt'],
    );
    assert.deepEqual(zero.predict(f.ord.test), f.gbdt.predict(f.ord.test));
    const build = (members: EnsembleMember[], input: 'ordinal' | 'onehot' = 'ordinal') =>
      FittedEnsemble.build({ members, input, features: f.ord.features });
    assert.throws(
      () => build([{ ...f.members[0], weight: 0.6 }]),
      (e: unknown) => e instanceof ModelError && /weights sum to 0\.6; expected 1/.test(e.message),
    );
    assert.throws(
      () => build([{ ...f.members[1], encoding: 'ordinal', weight: 1 }]),
      new RegExp(
        `members\\[0\\] \\("ridge_a3"\\): ridge takes ${f.oh.test.cols} features, but its ordinal view of the ${f.ord.test.cols} input columns has ${f.ord.test.cols}`,
      ),
    );
    assert.throws(
      () => build([{ ...f.members[1], weight: 1 }], 'onehot'),
      /the input is one-hot, but the layout/,
    );
    assert.throws(
      () =>
        build([
          { ...f.members[0], weight: 0.5 },
          { ...f.members[0], weight: 0.5 },
        ]),
      /members\[1\] \("gbdt"\): the name is used twice/,
    );
  });

  describe('corrupt artifacts fail with an ArtifactError naming field, value and rule', () => {
    const corrupt = (
      edit: (s: { input: unknown; layout: unknown; members: Record<string, unknown>[] }) => void,
    ) => {
      const json = JSON.parse(stringifyArtifact(f.ens.toJSON()));
      edit(json.state);
      return () => loadModel(json);
    };
    const fails = (fn: () => unknown, re: RegExp, code = 'bad_state') =>
      assert.throws(fn, (e: unknown) => e instanceof ArtifactError && e.code === code && re.test(e.message));

    it('weights: not finite, negative, not summing to 1, not a number', () => {
      fails(
        corrupt((s) => {
          s.members[1].weight = 'NaN';
        }),
        /members\[1\] \("ridge_a3"\): weight = NaN; expected a finite number ≥ 0/,
      );
      fails(
        corrupt((s) => {
          s.members[0].weight = 0.9;
          s.members[1].weight = -0.1;
        }),
        /weight = -0\.1; expected a finite number ≥ 0/,
      );
      fails(
        corrupt((s) => {
          s.members[2].weight = 0.1;
        }),
        /the weights sum to 0\.9; expected 1/,
      );
      fails(
        corrupt((s) => {
          s.members[0].weight = 'half';
        }),
        /members\[0\]\.weight: expected a number, got "half"/,
        'bad_number',
      );
    });

    it('an unknown member kind: the registry error, saying which member', () => {
      fails(
        corrupt((s) => {
          (s.members[2].model as { kind: string }).kind = 'catboost';
        }),
        /ensemble\.state\.members\[2\] \("knn"\): model\.json has kind "catboost", which this tabflow does not know; known: .*gbdt/,
        'unknown_kind',
      );
    });

    it('a layout that does not match the members, a bad input encoding, no members', () => {
      fails(
        corrupt((s) => {
          const layout = JSON.parse(JSON.stringify(f.ens.toJSON())).state.layout;
          const bytes = Buffer.from(layout.base64, 'base64');
          const j = f.ens.layout.slots.findIndex((k) => k > 1);
          bytes[(j * bytes.length) / f.ens.layout.slots.length] += 1;
          s.layout = { ...layout, base64: bytes.toString('base64') };
        }),
        /members\[1\] \("ridge_a3"\): ridge takes \d+ features, but its onehot view of the \d+ input columns has \d+/,
      );
      fails(
        corrupt((s) => {
          s.input = 'binary';
        }),
        /ensemble\.state\.input = "binary"; expected one of onehot, ordinal/,
      );
      fails(
        corrupt((s) => {
          s.members = [];
        }),
        /members must be a non-empty list/,
      );
    });

    it('a newer format version', () => {
      const json = { ...f.ens.toJSON(), formatVersion: 2 };
      assert.throws(
        () => loadModel(json),
        (e: unknown) => e instanceof ArtifactError && e.code === 'unsupported_version',
      );
    });
  });
});
