/**
 * A fitted linear model, whichever family produced it: y = X·coef + intercept. Its state is plain
 * data — coefficients, intercept, the training column std (for importances) and mean (for exact
 * per-row contributions; absent in artifacts written before it was kept) — serialised as
 * `{kind, formatVersion: 1, params, state}`.
 */
import {
  checkEnvelope,
  decodeF64,
  decodeNumber,
  encodeF64,
  encodeNumber,
  type Serialized,
} from '../../core/codec.js';
import { ArtifactError, checkFeatureCount } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { type ParamTable, resolveParams } from '../../core/params.js';
import type { FittedRegressor, LinearTerms } from '../regressor.js';

export const LINEAR_FORMAT_VERSION = 1;

export interface LinearState {
  readonly coef: Float64Array;
  readonly intercept: number;
  /** Population std of each training column; importance_j ∝ |coef_j| × std_j. */
  readonly featureStd: Float64Array;
  /** Mean of each training column: contribution_j = coef_j × (x_j − mean_j). Optional (older artifacts). */
  readonly featureMean?: Float64Array;
  readonly notes: readonly string[];
}

export class FittedLinear implements FittedRegressor {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly notes: readonly string[];
  /** Training column means, when the fit (or artifact) kept them. */
  readonly featureMean: Float64Array | undefined;
  private readonly featureStd: Float64Array;

  constructor(kind: string, params: Readonly<Record<string, unknown>>, state: LinearState) {
    if (state.coef.length !== state.featureStd.length) {
      throw new ArtifactError(
        'bad_state',
        `${kind}: ${state.coef.length} coefficients but ${state.featureStd.length} feature stds`,
      );
    }
    this.kind = kind;
    this.params = params;
    this.coef = state.coef;
    this.intercept = state.intercept;
    if (state.featureMean !== undefined && state.featureMean.length !== state.coef.length) {
      throw new ArtifactError(
        'bad_state',
        `${kind}: ${state.coef.length} coefficients but ${state.featureMean.length} feature means`,
      );
    }
    this.featureStd = state.featureStd;
    this.featureMean = state.featureMean;
    this.notes = state.notes;
  }

  get nFeatures(): number {
    return this.coef.length;
  }

  /** intercept + coef · x: its contributions are exact. */
  get structure(): LinearTerms {
    return { kind: 'linear', intercept: this.intercept, coef: this.coef, featureMean: this.featureMean };
  }

  predict(X: Matrix): Float64Array {
    checkFeatureCount(this.kind, this.coef.length, X.cols);
    const { rows, cols, data } = X;
    const w = this.coef;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const off = i * cols;
      let s = this.intercept;
      for (let j = 0; j < cols; j++) s += data[off + j] * w[j];
      out[i] = s;
    }
    return out;
  }

  featureImportances(): Float64Array {
    const p = this.coef.length;
    const imp = new Float64Array(p);
    let total = 0;
    for (let j = 0; j < p; j++) {
      imp[j] = Math.abs(this.coef[j]) * this.featureStd[j];
      total += imp[j];
    }
    if (total > 0 && Number.isFinite(total)) for (let j = 0; j < p; j++) imp[j] /= total;
    else imp.fill(0);
    return imp;
  }

  toJSON(): Serialized {
    return {
      kind: this.kind,
      formatVersion: LINEAR_FORMAT_VERSION,
      params: { ...this.params },
      state: {
        coef: encodeF64(this.coef),
        intercept: encodeNumber(this.intercept),
        featureStd: encodeF64(this.featureStd),
        ...(this.featureMean ? { featureMean: encodeF64(this.featureMean) } : {}),
        notes: [...this.notes],
      },
    };
  }
}

export function loadLinear(json: Serialized, kind: string, table: ParamTable): FittedLinear {
  const e = checkEnvelope(json, kind, LINEAR_FORMAT_VERSION);
  const params = resolveParams(table, e.params, `${kind}.params`);
  const s = e.state as Record<string, unknown> | null;
  if (!s || typeof s !== 'object') throw new ArtifactError('bad_state', `${kind}: state must be an object`);
  const notes = s.notes ?? [];
  if (!Array.isArray(notes) || !notes.every((x) => typeof x === 'string')) {
    throw new ArtifactError('bad_state', `${kind}: state.notes must be a list of strings`);
  }
  return new FittedLinear(kind, params, {
    coef: decodeF64(s.coef, `${kind}.state.coef`),
    intercept: decodeNumber(s.intercept, `${kind}.state.intercept`),
    featureStd: decodeF64(s.featureStd, `${kind}.state.featureStd`),
    featureMean:
      s.featureMean === undefined ? undefined : decodeF64(s.featureMean, `${kind}.state.featureMean`),
    notes,
  });
}
