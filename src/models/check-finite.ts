/** Distance and kernel models cannot use missing values: say where the first one is instead of predicting NaN. */
import { ValidationError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

export function checkFiniteX(kind: string, X: Matrix, method: string): void {
  const D = X.data;
  for (let k = 0; k < D.length; k++) {
    if (!Number.isFinite(D[k])) {
      const i = Math.floor(k / X.cols);
      const j = k - i * X.cols;
      throw new ValidationError(
        [
          {
            path: `X[${i}, ${j}]`,
            code: 'not_finite',
            message:
              `${kind}.${method}: X[${i}, ${j}] = ${D[k]}; ` +
              `${kind} needs finite inputs (impute missing values first)`,
          },
        ],
        'Non-finite input',
      );
    }
  }
}
