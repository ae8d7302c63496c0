/**
 * The conformance suite every model family passes (scikit-learn's `check_estimator`, for tabflow):
 * it learns a real problem, is deterministic for a seed, round-trips through JSON with identical
 * predictions and byte-identical JSON, rejects a wrong feature count with a clear error, does not
 * mutate its input, reports importances of the right shape, rejects unknown parameters, and its
 * declared capabilities and search space hold for its fitted models.
 *
 * Register a family (`registerModel`), then call `checkModelFamily(kind, {minR2})` inside a test
 * file run by `node --test`: each check is one `it`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../core/codec.js';
import { ValidationError } from '../core/errors.js';
import { type Matrix, matrix } from '../core/matrix.js';
import { resolveParams } from '../core/params.js';
import { Rng } from '../core/random.js';
import { sampleParams } from '../core/search-space.js';
import { r2 } from '../metrics/regression.js';
import '../models/index.js';
import { createModel, getFamily, loadModel } from '../models/families.js';
import type { FeatureInfo, FittedRegressor } from '../models/regressor.js';

/** Rows to learn from and to score on, numeric columns named by `names`. */
export interface ConformanceData {
  readonly train: { readonly X: Matrix; readonly y: Float64Array };
  readonly test: { readonly X: Matrix; readonly y: Float64Array };
  readonly names: readonly string[];
}

/**
 * How `checkModelFamily` runs: the params under test, the R² a family must reach and the data it
 * learns.
 */
export interface ConformanceOptions {
  /** Params of the model under test (default: the family's defaults). */
  readonly params?: Record<string, unknown>;
  /** Minimum test R² (Friedman #1 by default: linear models reach ~0.7, trees ~0.8+). */
  readonly minR2: number;
  /** The problem to learn (default `friedman1()`). */
  readonly data?: ConformanceData;
}

/** Friedman #1 (10 inputs, 5 of them informative, noise σ = 1): 600 train and 200 test rows. */
export function friedman1(seed = 1): ConformanceData {
  const rng = new Rng(seed);
  const make = (n: number) => {
    const X = new Float64Array(n * 10);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 10; j++) X[i * 10 + j] = rng.next();
      const x = X.subarray(i * 10, i * 10 + 5);
      const noise = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      y[i] = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + noise;
    }
    return { X: matrix(n, 10, X), y };
  };
  return { train: make(600), test: make(200), names: Array.from({ length: 10 }, (_, j) => `x${j}`) };
}

/** Register the suite's checks for the family `kind` as `node:test` cases. */
export function checkModelFamily(kind: string, opts: ConformanceOptions): void {
  describe(`conformance: ${kind}`, () => {
    const data = opts.data ?? friedman1();
    const features: FeatureInfo[] = data.names.map((n) => ({ name: n, kind: 'numeric', source: n }));
    const ctx = { features, seed: 7, threads: 1 };
    const fit = () => createModel(kind, opts.params).fit(data.train.X, data.train.y, ctx);
    checkLearning(kind, data, fit, opts.minR2);
    checkArtifacts(kind, data, fit);
    checkContract(kind, data, fit);
    checkDeclarations(kind, data, fit);
  });
}

type Fit = () => Promise<FittedRegressor>;

function checkLearning(kind: string, data: ConformanceData, fit: Fit, minR2: number): void {
  it('learns better than the mean and predicts finite values', async () => {
    const m = await fit();
    const p = m.predict(data.test.X);
    assert.equal(p.length, data.test.X.rows);
    assert.ok(p.every(Number.isFinite), 'all predictions finite');
    const score = r2(data.test.y, p);
    assert.ok(score >= minR2, `${kind}: test R² ${score.toFixed(4)} < ${minR2}`);
    assert.equal(m.nFeatures, data.train.X.cols);
  });
}

function checkArtifacts(kind: string, data: ConformanceData, fit: Fit): void {
  it('is deterministic for a seed: byte-identical JSON', async () => {
    const [a, b] = [await fit(), await fit()];
    assert.equal(stringifyArtifact(a.toJSON()), stringifyArtifact(b.toJSON()));
  });

  it('round-trips through JSON with identical predictions', async () => {
    const m = await fit();
    const text = stringifyArtifact(m.toJSON());
    const back = loadModel(JSON.parse(text));
    assert.equal(back.kind, kind);
    assert.deepEqual(back.predict(data.test.X), m.predict(data.test.X));
    assert.equal(stringifyArtifact(back.toJSON()), text);
  });
}

function checkContract(kind: string, data: ConformanceData, fit: Fit): void {
  const { X, y } = data.train;
  it('rejects a wrong feature count with a ValidationError naming both counts', async () => {
    const m = await fit();
    assert.throws(
      () => m.predict(matrix(2, X.cols - 1)),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.message.includes(String(X.cols)) &&
        e.message.includes(String(X.cols - 1)),
    );
  });

  it('does not mutate its inputs', async () => {
    const xCopy = Float64Array.from(X.data);
    const yCopy = Float64Array.from(y);
    const m = await fit();
    m.predict(X);
    assert.deepEqual(X.data, xCopy);
    assert.deepEqual(y, yCopy);
  });

  it('reports non-negative importances per feature that sum to 1', async () => {
    const imp = (await fit()).featureImportances();
    assert.equal(imp.length, X.cols);
    assert.ok(imp.every((v) => v >= 0 && Number.isFinite(v)));
    const s = imp.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - 1) < 1e-9, `importances sum to ${s}`);
  });

  it('rejects an unknown parameter naming it', () => {
    assert.throws(() => createModel(kind, { no_such_param: 1 }), /no_such_param/);
  });
}

/** What a family says of itself holds: capabilities against its fitted model, its search space against its params. */
function checkDeclarations(kind: string, data: ConformanceData, fit: Fit): void {
  const family = getFamily(kind);
  const caps = family.capabilities;
  it('declares capabilities its fitted models have', async () => {
    const s = (await fit()).structure;
    assert.equal(
      caps.nativeCategoricals,
      family.input === 'ordinal' && !family.composite,
      'native categoricals ⇔ ordinal input',
    );
    const expected: readonly (string | undefined)[] = {
      exact: ['trees', 'linear'],
      sampled: [undefined],
      as_members: ['members'],
    }[caps.attributions];
    assert.ok(
      expected.includes(s?.kind),
      `attributions '${caps.attributions}' but the fitted structure is ${s?.kind}`,
    );
    if (s?.kind === 'trees' || s?.kind === 'linear') assert.equal(caps.basis, s.kind);
  });

  it('draws tuning params from its search space that the family accepts', () => {
    const space = family.searchSpace;
    if (!space) return;
    for (const name of Object.keys(space))
      assert.ok(name in family.params, `search space names unknown param ${name}`);
    const rng = new Rng(11);
    for (let k = 0; k < 20; k++) {
      const drawn = sampleParams(space, rng, data.train.X.rows);
      assert.doesNotThrow(() => resolveParams(family.params, { ...drawn }, `${kind}.params`));
    }
  });
}
