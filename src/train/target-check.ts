/**
 * A constant target has no variance: R² is undefined (0/0) and any model that predicts the one
 * value scores a "perfect" RMSE of 0, so selection and the gate would crown a model that learned
 * nothing. Checked on every cleaned row and again on TRAIN alone (a target that only varies in
 * VAL/TEST is as bad: the models fit on TRAIN).
 */
import { DataError } from '../core/errors.js';

/**
 * Throws a DataError naming the target, its single value and the rows checked when every one of
 * `rows` (all of `y` when omitted) holds the same value.
 */
export function checkTargetVaries(y: Float64Array, target: string, where: string, rows?: Uint32Array): void {
  const n = rows ? rows.length : y.length;
  if (n === 0) return;
  const first = rows ? y[rows[0]] : y[0];
  for (let k = 1; k < n; k++) {
    const v = rows ? y[rows[k]] : y[k];
    if (v !== first) return;
  }
  throw new DataError(
    'constant_target',
    `Target column "${target}" has the single value ${first} in all ${n.toLocaleString('en')} ${where}: ` +
      'R² is undefined and a model predicting that value would look perfect. ' +
      'Choose a target that varies (--target / data.target), or check the data and the split',
  );
}
