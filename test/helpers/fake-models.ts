/**
 * Test-only model families for exercising the trainer without depending on real models:
 * `test_mean` predicts the training mean of y plus `shift`; `test_fail` throws in fit;
 * `test_slow` spins until its time budget signal fires.
 */
import { checkFeatureCount, ModelError } from '../../src/core/errors.js';
import type { Matrix } from '../../src/core/matrix.js';
import { getFamily, modelKinds, registerFamily } from '../../src/models/families.js';
import type { FitContext, FittedRegressor } from '../../src/models/regressor.js';

function meanModel(kind: string, mean: number, nFeatures: number, notes: string[] = []): FittedRegressor {
  return {
    kind,
    nFeatures,
    notes,
    predict(X: Matrix) {
      checkFeatureCount(kind, nFeatures, X.cols);
      return new Float64Array(X.rows).fill(mean);
    },
    featureImportances: () => new Float64Array(nFeatures).fill(1 / nFeatures),
    toJSON: () => ({ kind, formatVersion: 1, params: {}, state: { mean, nFeatures } }),
  };
}

export function registerFakeModels(): void {
  if (modelKinds().includes('test_mean')) return;
  registerFamily({
    kind: 'test_mean',
    description: 'predicts the train mean (+ shift)',
    input: 'onehot',
    capabilities: { basis: 'linear', attributions: 'sampled', nativeCategoricals: false },
    params: { shift: { type: 'number', default: 0, doc: 'added to the mean' } },
    create: (params) => ({
      kind: 'test_mean',
      params,
      async fit(X, y) {
        let s = 0;
        for (const v of y) s += v;
        return meanModel('test_mean', s / y.length + (params.shift as number), X.cols);
      },
    }),
    load: (json) => {
      const st = json.state as { mean: number; nFeatures: number };
      return meanModel('test_mean', st.mean, st.nFeatures);
    },
  });
  registerFamily({
    kind: 'test_fail',
    description: 'always fails',
    input: 'onehot',
    capabilities: { basis: 'linear', attributions: 'sampled', nativeCategoricals: false },
    params: {},
    create: (params) => ({
      kind: 'test_fail',
      params,
      async fit() {
        throw new ModelError('fit_failed', 'test_fail: the solver diverged');
      },
    }),
    load: () => {
      throw new Error('never saved');
    },
  });
  registerFamily({
    kind: 'test_slow',
    description: 'runs until its budget signal fires, then keeps what it has',
    input: 'ordinal',
    capabilities: { basis: 'trees', attributions: 'sampled', nativeCategoricals: true },
    params: {},
    create: (params) => ({
      kind: 'test_slow',
      params,
      async fit(X, _y, ctx: FitContext) {
        const t0 = performance.now();
        while (!ctx.signal?.aborted) {
          if (performance.now() - t0 > 10_000) throw new Error('budget never fired');
        }
        return meanModel('test_slow', 0, X.cols, ['stopped by the time budget']);
      },
    }),
    load: (json) => meanModel('test_slow', 0, (json.state as { nFeatures: number }).nFeatures),
  });
  getFamily('test_mean');
}
