/**
 * The conformance suite every regressor passes (scikit-learn's check_estimator, for tabflow):
 * learns a real problem, is deterministic for a seed, round-trips through JSON with identical
 * predictions and byte-identical JSON, rejects a wrong feature count with a clear error, does
 * not mutate its input, and reports importances of the right shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ValidationError } from '../../src/core/errors.js';
import { matrix, takeRows } from '../../src/core/matrix.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import '../../src/models/index.js';
import { r2 } from '../../src/metrics/regression.js';
import { createModel, loadModel } from '../../src/models/registry.js';
import { concrete, splitIdx, standardize } from '../helpers/datasets.js';

export interface ConformanceOptions {
  /** Params for the candidate under test. */
  params?: Record<string, unknown>;
  /** Minimum test R² on standardised concrete (linear models reach ~0.6, trees ~0.85+). */
  minR2: number;
}

export function conformance(kind: string, opts: ConformanceOptions): void {
  describe(`conformance: ${kind}`, () => {
    const data = concrete();
    const X = standardize(data.X);
    const { train, test } = splitIdx(X.rows, 0.2, 3);
    const Xtr = takeRows(X, train);
    const Xte = takeRows(X, test);
    const ytr = Float64Array.from(train, (i) => data.y[i]);
    const yte = Float64Array.from(test, (i) => data.y[i]);
    const features: FeatureInfo[] = data.names.map((n) => ({ name: n, kind: 'numeric', source: n }));
    const ctx = { features, seed: 7, threads: 1 };

    it('learns concrete better than the mean and predicts finite values', async () => {
      const m = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      const p = m.predict(Xte);
      assert.equal(p.length, Xte.rows);
      assert.ok(p.every(Number.isFinite), 'all predictions finite');
      const score = r2(yte, p);
      assert.ok(score >= opts.minR2, `test R² ${score.toFixed(4)} < ${opts.minR2}`);
      assert.equal(m.nFeatures, X.cols);
    });

    it('is deterministic for a seed: byte-identical JSON', async () => {
      const a = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      const b = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      assert.equal(stringifyArtifact(a.toJSON()), stringifyArtifact(b.toJSON()));
    });

    it('round-trips through JSON with identical predictions', async () => {
      const m = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      const text = stringifyArtifact(m.toJSON());
      const back = loadModel(JSON.parse(text));
      assert.equal(back.kind, kind);
      assert.deepEqual(back.predict(Xte), m.predict(Xte));
      assert.equal(stringifyArtifact(back.toJSON()), text);
    });

    it('rejects a wrong feature count with a ValidationError naming both counts', async () => {
      const m = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      const bad = matrix(2, X.cols - 1);
      assert.throws(
        () => m.predict(bad),
        (e: unknown) =>
          e instanceof ValidationError &&
          e.message.includes(String(X.cols)) &&
          e.message.includes(String(X.cols - 1)),
      );
    });

    it('does not mutate its inputs', async () => {
      const xCopy = Float64Array.from(Xtr.data);
      const yCopy = Float64Array.from(ytr);
      const m = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      m.predict(Xtr);
      assert.deepEqual(Xtr.data, xCopy);
      assert.deepEqual(ytr, yCopy);
    });

    it('reports non-negative importances per feature that sum to 1', async () => {
      const m = await createModel(kind, opts.params).fit(Xtr, ytr, ctx);
      const imp = m.featureImportances();
      assert.equal(imp.length, X.cols);
      assert.ok(imp.every((v) => v >= 0 && Number.isFinite(v)));
      const s = imp.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(s - 1) < 1e-9, `importances sum to ${s}`);
    });

    it('rejects an unknown parameter naming it', () => {
      assert.throws(() => createModel(kind, { no_such_param: 1 }), /no_such_param/);
    });
  });
}
