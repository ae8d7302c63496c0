/**
 * `ensemble`: a weighted average of other model families, weights chosen by greedy forward
 * selection with replacement on K-fold out-of-fold predictions (Caruana et al. 2004; AutoGluon's
 * WeightedEnsemble). It takes the ordinal matrix and hands one-hot members its exact one-hot
 * expansion. Composite: not a default candidate, never a member of another ensemble.
 */
import type { Serialized } from '../../core/codec.js';
import type { Matrix } from '../../core/matrix.js';
import type { ModelFamily } from '../families.js';
import type { FitContext, Regressor } from '../regressor.js';
import { fitEnsemble } from './fit-ensemble.js';
import { FittedEnsemble } from './fitted-ensemble.js';
import { parseMemberSpecs } from './member-specs.js';
import { ENSEMBLE_PARAMS, type EnsembleParams } from './params.js';

export const ensembleFamily: ModelFamily = {
  kind: 'ensemble',
  description:
    'Weighted average of other models: greedy ensemble selection (with replacement) on K-fold ' +
    'out-of-fold predictions, then the chosen members refitted on all rows',
  params: ENSEMBLE_PARAMS,
  input: 'ordinal',
  capabilities: { basis: 'members', attributions: 'as_members', nativeCategoricals: false },
  composite: true,
  create(params: Record<string, unknown>): Regressor {
    const frozen = Object.freeze({ ...params }) as Readonly<EnsembleParams>;
    // Fail at creation, naming the member, rather than after the first member fits.
    parseMemberSpecs(frozen.members, 'ensemble.params.members');
    return {
      kind: 'ensemble',
      params: frozen,
      fit: (X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedEnsemble> =>
        fitEnsemble(frozen, X, y, ctx),
    };
  },
  load: (json: Serialized): FittedEnsemble => FittedEnsemble.load(json),
};
