/**
 * `ensemble` passes the shared conformance suite, with small members so it stays quick (three
 * folds, then the chosen members refitted). On this split the selection keeps random_forest 0.2 +
 * gbdt 0.8 (test R² 0.93; gbdt(max_iter=60) alone 0.93, the forest 0.91, ridge 0.53).
 */
import { conformance } from './conformance.js';

conformance('ensemble', {
  params: { members: 'ridge, random_forest(n_estimators=30), gbdt(max_iter=60)', iterations: 15, folds: 3 },
  minR2: 0.9,
  kernels: true,
});
