/**
 * Attributions of a weighted ensemble f = Σ_m w_m f_m. Shapley values are linear in the game, so
 * the ensemble's attribution of a column is Σ_m w_m φ_m and its base value Σ_m w_m base_m; each
 * member keeps its own method (exact TreeSHAP, exact linear, sampling against the background) on
 * its own matrix — the one-hot expansion for one-hot members, whose columns fold back into the
 * input column they came from. Then base + Σφ = Σ_m w_m (base_m + Σφ_m) = Σ_m w_m f_m(x) = f(x)
 * row by row, to rounding: exactly as additive as the members are.
 */
import type { Matrix } from '../core/matrix.js';
import type { FittedRegressor, WeightedMembers } from '../models/regressor.js';

/** Attributions on groups of columns: rows × nGroups, row-major. */
export interface GroupedAttributions {
  readonly baseValue: number;
  readonly values: Float64Array;
}

/** How one member is explained on its own matrix, its columns mapped to groups by `group`. */
export type GroupedExplainer = (
  model: FittedRegressor,
  X: Matrix,
  background: Matrix | undefined,
  group: Int32Array,
  nGroups: number,
) => GroupedAttributions;

/**
 * The ensemble's attributions on groups of its input columns (`group[j]` = group of input column
 * j; identity groups give per-column attributions). `background` is in the ensemble's input space
 * and is expanded for one-hot members like X.
 */
export function explainEnsemble(
  model: WeightedMembers,
  X: Matrix,
  background: Matrix | undefined,
  group: Int32Array,
  nGroups: number,
  explainMember: GroupedExplainer,
): GroupedAttributions {
  const { inputOf } = model;
  const wideGroup = Int32Array.from(inputOf, (j) => group[j]);
  const xCache: { X?: Matrix } = {};
  const bgCache: { X?: Matrix } = {};
  const values = new Float64Array(X.rows * nGroups);
  let base = 0;
  for (const m of model.members) {
    const wide = model.expands(m);
    const Xm = model.memberInput(m, X, xCache);
    const bg = background && model.memberInput(m, background, bgCache);
    const r = explainMember(m.model, Xm, bg, wide ? wideGroup : group, nGroups);
    base += m.weight * r.baseValue;
    for (let k = 0; k < values.length; k++) values[k] += m.weight * r.values[k];
  }
  return { baseValue: base, values };
}
