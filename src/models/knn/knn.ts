/** k-nearest-neighbours regression (exact search; KD-tree or brute force, chosen by dimension). */
import type { Matrix } from '../../core/matrix.js';
import { checkFiniteX } from '../check-finite.js';
import type { ModelFamily } from '../families.js';
import { checkFitInput, type FitContext, type Regressor } from '../regressor.js';
import { FittedKnn } from './fitted.js';
import { KNN_PARAMS, type KnnParams } from './params.js';

export class Knn implements Regressor {
  readonly kind = 'knn';
  constructor(readonly params: KnnParams) {}

  async fit(X: Matrix, y: Float64Array, _ctx: FitContext): Promise<FittedKnn> {
    checkFitInput('knn', X, y);
    checkFiniteX('knn', X, 'fit');
    const n = X.rows;
    const want = this.params.n_neighbors;
    const notes: string[] = [];
    if (want > n) notes.push(`knn: n_neighbors=${want} exceeds the ${n} training rows; used ${n}`);
    return new FittedKnn(
      { ...this.params },
      {
        X: Float64Array.from(X.data),
        y: Float64Array.from(y),
        nFeatures: X.cols,
        k: Math.min(want, n),
        notes,
      },
    );
  }
}

export const knnFamily: ModelFamily = {
  kind: 'knn',
  description: 'k-nearest-neighbours regression (exact; KD-tree or brute force), scikit-learn compatible',
  params: KNN_PARAMS,
  input: 'onehot',
  capabilities: { basis: 'neighbours', attributions: 'sampled', nativeCategoricals: false },
  searchSpace: {
    n_neighbors: { kind: 'int', min: 2, max: 30 },
    weights: { kind: 'choice', values: ['uniform', 'distance'] },
  },
  create: (params) => new Knn(params as KnnParams),
  load: (json) => FittedKnn.load(json),
};
