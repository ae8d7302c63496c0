/**
 * Builds a `ModelFamily` for a linear model from its parameter table and a fit function that
 * turns the centered Gram statistics into coefficients. The four families share everything else:
 * input checks, intercept recovery, importances and serialisation.
 */
import type { Serialized } from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';
import type { ParamsOf, ParamTable } from '../../core/params.js';
import type { SearchSpace } from '../../core/search-space.js';
import type { ModelFamily } from '../families.js';
import { checkFitInput, type FitContext, type Regressor } from '../regressor.js';
import { type CenteredGram, centeredGram, columnStd } from './centered-gram.js';
import { FittedLinear, loadLinear } from './fitted-linear.js';

export interface CoefFit {
  readonly coef: Float64Array;
  readonly notes: readonly string[];
}

export interface LinearSpec<T extends ParamTable> {
  readonly kind: string;
  readonly description: string;
  readonly params: T;
  /** Where tuning draws from (absent: not tunable). */
  readonly searchSpace?: SearchSpace;
  solve(g: CenteredGram, params: ParamsOf<T>, ctx: FitContext): CoefFit;
}

export function linearFamily<T extends ParamTable>(spec: LinearSpec<T>): ModelFamily {
  const { kind, params: table } = spec;
  return {
    kind,
    description: spec.description,
    params: table,
    input: 'onehot',
    capabilities: { basis: 'linear', attributions: 'exact', nativeCategoricals: false },
    ...(spec.searchSpace ? { searchSpace: spec.searchSpace } : {}),
    create(params: Record<string, unknown>): Regressor {
      const frozen = Object.freeze({ ...params });
      return {
        kind,
        params: frozen,
        async fit(X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedLinear> {
          checkFitInput(kind, X, y);
          const g = centeredGram(kind, X, y, ctx.signal);
          const { coef, notes } = spec.solve(g, frozen as ParamsOf<T>, ctx);
          let intercept = g.yMean;
          for (let j = 0; j < g.p; j++) intercept -= g.xMean[j] * coef[j];
          return new FittedLinear(kind, frozen, {
            coef,
            intercept,
            featureStd: columnStd(g),
            featureMean: Float64Array.from(g.xMean),
            notes,
          });
        },
      };
    },
    load(json: Serialized): FittedLinear {
      return loadLinear(json, kind, table);
    },
  };
}
