/** Every linear family passes the shared regressor conformance suite (sklearn: R² ≈ 0.56–0.62 here). */
import { conformance } from './conformance.js';

conformance('linear', { minR2: 0.5 });
conformance('ridge', { minR2: 0.5 });
conformance('lasso', { minR2: 0.5 });
conformance('elasticnet', { minR2: 0.5 });
conformance('lasso', { params: { alpha: 0.5, tol: 1e-8 }, minR2: 0.5 });
