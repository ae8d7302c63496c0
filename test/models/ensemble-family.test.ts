/**
 * The `ensemble` family on its own: on ames it takes the ordinal matrix and fits one-hot members on
 * the exact expansion (a member refitted inside the ensemble equals the same model fitted on the
 * one-hot preprocessor's matrix); member specs are checked up front; it is not a default candidate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, ModelError } from '../../src/core/errors.js';
import { r2 } from '../../src/metrics/regression.js';
import '../../src/models/index.js';
import { FittedEnsemble } from '../../src/models/ensemble/fitted-ensemble.js';
import { parseMemberSpecs } from '../../src/models/ensemble/member-specs.js';
import { createModel, getFamily, modelKinds } from '../../src/models/families.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { defaultCandidates } from '../../src/train/candidates.js';
import { concrete } from '../helpers/datasets.js';
import { amesSplit } from './ensemble-data.js';

describe('ensemble family on ames (ordinal input, one-hot members expanded)', () => {
  it('fits ridge on the expansion exactly as on the one-hot matrix; blends it with gbdt', async () => {
    const { train, test, yTrain, yTest } = await amesSplit();
    const cfg = resolvePreprocessConfig({ min_frequency: 5 });
    const ordP = new ProductionPreprocessor(cfg, { encoding: 'ordinal' }).fit(train);
    const ohP = new ProductionPreprocessor(cfg, { encoding: 'onehot' }).fit(train);
    const Xo = ordP.transform(train).X;
    const Xh = ohP.transform(train).X;
    const ctx = { features: ordP.features, seed: 3, threads: 1 };
    const progress: number[] = [];
    const ens = (await createModel('ensemble', {
      members: 'ridge(alpha=3), gbdt(max_iter=300)',
      iterations: 20,
      folds: 4,
    }).fit(Xo, yTrain, { ...ctx, onProgress: (x) => progress.push(x) })) as FittedEnsemble;

    assert.ok(ens instanceof FittedEnsemble);
    assert.equal(ens.nFeatures, Xo.cols);
    assert.deepEqual(
      ens.members.map((m) => [m.name, m.encoding]),
      [
        ['ridge(alpha=3)', 'onehot'],
        ['gbdt(max_iter=300)', 'ordinal'],
      ],
    );
    assert.ok(
      ens.members.every((m) => m.weight > 0.1),
      ens.notes.join('\n'),
    );
    assert.match(
      ens.notes[0],
      /^ensemble: 4-fold out-of-fold r2: ridge\(alpha=3\) 0\.\d+, gbdt\(max_iter=300\) 0\.\d+/,
    );
    assert.deepEqual(progress.at(-1), 1);
    assert.ok(progress.every((x, i) => i === 0 || x >= progress[i - 1]));

    // Without ctx.val the gbdt refit grows the mean of the rounds its folds kept (early stopping
    // on the held-out fold), and does not stop early itself.
    const g = ens.members[1].model;
    const gp = g.toJSON().params as { max_iter: number; early_stopping: string };
    assert.equal(gp.early_stopping, 'false');
    assert.ok(
      gp.max_iter < 300 && g.iterations === gp.max_iter,
      `${gp.max_iter} rounds, ${g.iterations} trees`,
    );

    // The ridge inside equals ridge fitted on the one-hot preprocessor's own matrix.
    const ridge = await createModel('ridge', { alpha: 3 }).fit(Xh, yTrain, {
      ...ctx,
      features: ohP.features,
    });
    const XhTest = ohP.transform(test).X;
    assert.deepEqual(ens.members[0].model.predict(XhTest), ridge.predict(XhTest));

    // TEST holds every house with a level TRAIN never saw: ridge extrapolates poorly there (R² 0.78
    // against 0.85 out of fold), so the blend (0.899) only comes close to gbdt (0.902) on these rows.
    const XoTest = ordP.transform(test).X;
    const score = r2(yTest, ens.predict(XoTest));
    const singles = ens.members.map((m) => r2(yTest, m.model.predict(ens.memberInput(m, XoTest))));
    const mixed = ens.members.reduce((a, m, k) => a + m.weight * singles[k], 0);
    assert.ok(score > 0.88 && score > mixed, `ensemble ${score}, members ${singles.join(', ')}`);
    assert.ok(score > Math.max(...singles) - 0.01, `ensemble ${score}, members ${singles.join(', ')}`);
  });

  it('stops before the next member fit when the signal is aborted', async () => {
    const d = concrete();
    const ac = new AbortController();
    ac.abort(new Error('budget of 1 s spent'));
    await assert.rejects(
      createModel('ensemble', { members: 'ridge' }).fit(d.X, d.y, {
        features: [],
        seed: 1,
        signal: ac.signal,
      }),
      (e: unknown) =>
        e instanceof ModelError &&
        e.code === 'aborted' &&
        /fold 1 of member "ridge".*budget of 1 s spent/.test(e.message),
    );
  });
});

describe('ensemble member specs', () => {
  it('reads kinds with params: numbers, booleans, null, strings', () => {
    assert.deepEqual(
      parseMemberSpecs(" ridge , gbdt(max_iter=100, max_depth=null), knn(weights='distance')"),
      [
        { name: 'ridge', kind: 'ridge', params: {} },
        {
          name: 'gbdt(max_iter=100,max_depth=null)',
          kind: 'gbdt',
          params: { max_iter: 100, max_depth: null },
        },
        { name: "knn(weights='distance')", kind: 'knn', params: { weights: 'distance' } },
      ],
    );
  });

  it('reports every problem at once, naming the member', () => {
    assert.throws(
      () =>
        createModel('ensemble', {
          members: 'ridge, catboost, ensemble, gbdt(max_itr=5), ridge, knn(n_neighbors=0)',
        }),
      (e: unknown) => {
        if (!(e instanceof ConfigError)) return false;
        const msgs = e.issues.map((i) => i.message).join('\n');
        return (
          e.issues.length === 5 &&
          /members\[1\] = "catboost" is not a known model/.test(msgs) &&
          /members\[2\] = "ensemble" combines other models and cannot be an ensemble member/.test(msgs) &&
          /members\[3\]\.params\.max_itr is not a known parameter/.test(msgs) &&
          /members\[4\] = "ridge" is listed twice/.test(msgs) &&
          /members\[5\]\.params\.n_neighbors = 0 is not allowed/.test(msgs)
        );
      },
    );
    assert.throws(() => parseMemberSpecs('gbdt(max_iter=5'), /unbalanced or nested parentheses/);
    assert.throws(() => parseMemberSpecs(' , '), /is empty; list at least one model kind/);
    assert.throws(() => parseMemberSpecs('gbdt(max_iter)'), /"max_iter" is not param=value/);
  });

  it('is registered, composite, and not a default candidate', () => {
    assert.ok(modelKinds().includes('ensemble'));
    assert.equal(getFamily('ensemble').composite, true);
    assert.equal(getFamily('ensemble').input, 'ordinal');
    const names = defaultCandidates().map((c) => c.name);
    assert.ok(!names.includes('ensemble'));
    assert.deepEqual(
      names,
      modelKinds().filter((k) => k !== 'ensemble'),
    );
  });
});
