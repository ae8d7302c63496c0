/** ε-SVR hyperparameters, declared once (defaults follow scikit-learn's SVR where it has one). */
import type { ParamsOf, ParamTable } from '../../core/params.js';

export const SVR_PARAMS = {
  kernel: { type: 'enum', default: 'rbf', values: ['rbf', 'linear'], doc: 'kernel function' },
  C: {
    type: 'number',
    default: 1,
    min: 0,
    exclusiveMin: true,
    doc: 'regularisation: bound on each dual coefficient',
  },
  epsilon: {
    type: 'number',
    default: 0.1,
    min: 0,
    doc: 'half-width of the loss-free tube, in (scaled) target units',
  },
  gamma: {
    type: 'number|enum',
    default: 'scale',
    values: ['scale'],
    min: 0,
    doc: "RBF width; 'scale' = 1 / (n_features · Var(X)) as scikit-learn",
  },
  tol: {
    type: 'number',
    default: 1e-3,
    min: 0,
    exclusiveMin: true,
    doc: 'SMO stopping tolerance on the KKT gap',
  },
  max_iter: {
    type: 'number?',
    default: null,
    min: 1,
    integer: true,
    doc: "SMO iteration cap; null = libsvm's max(10^7, 100·n)",
  },
  cache_mb: { type: 'number', default: 200, min: 0, exclusiveMin: true, doc: 'kernel-row cache size in MB' },
  shrinking: { type: 'boolean', default: true, doc: 'libsvm shrinking heuristic' },
  scale_target: {
    type: 'boolean',
    default: true,
    doc: 'standardise y internally (epsilon is then in standard deviations); predictions scaled back',
  },
  max_rows: {
    type: 'number',
    default: 20000,
    min: 1,
    integer: true,
    doc: 'above this many rows, kernel SVR (O(n²)) is replaced by Nyström features + linear ε-SVR',
  },
  approximation: {
    type: 'enum',
    default: 'subsample',
    values: ['nystroem', 'subsample'],
    doc:
      "above max_rows: 'subsample' (RBF: exact SVR on max_rows seeded random rows; on diamonds R² 0.976 in ~5 s CPU) or " +
      "'nystroem' (features + linear ε-SVR on all rows; R² 0.971 in ~24 s CPU)",
  },
  nystroem_components: {
    type: 'number',
    default: 1000,
    min: 1,
    integer: true,
    doc: 'landmarks of the Nyström approximation (used only above max_rows)',
  },
} as const satisfies ParamTable;

export type SvrParams = ParamsOf<typeof SVR_PARAMS>;
