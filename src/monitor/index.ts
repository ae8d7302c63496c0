/**
 * Monitoring statistics: reference profiles, drift, live performance and A/B comparisons.
 * Pure functions on typed arrays; no I/O. See README.md for the flow.
 */

export {
  AB_TEST_PARAMS,
  type AbTestParams,
  type AbVerdict,
  type ArmComparison,
  compareArms,
} from './ab-test.js';
export { type BootstrapInterval, type BootstrapOptions, bootstrapRmseDifference } from './bootstrap.js';
export { type ChiSquareResult, chiSquareHomogeneity } from './chi-square.js';
export {
  buildCurrentWindow,
  buildCurrentWindowFromFrame,
  type CategoricalWindow,
  type CurrentWindow,
  type FeatureWindow,
  type NumericWindow,
  type WindowOptions,
} from './current-window.js';
export {
  CATEGORICAL_METHODS,
  DRIFT_PARAMS,
  type DriftMethod,
  type DriftParams,
  NUMERIC_METHODS,
  resolveDriftParams,
} from './drift-options.js';
export { type DatasetDrift, type DriftReport, detectDrift, type FeatureDrift } from './drift-report.js';
export { jensenShannonDistance } from './jensen-shannon.js';
export { kolmogorovSf, smirnovSf } from './kolmogorov.js';
export { type KsResult, ksPValue, ksStatistic, ksTest } from './ks-test.js';
export {
  absoluteErrors,
  type LiveMetrics,
  liveMetrics,
  metricsOverTime,
  rollingMetrics,
  type Scored,
  type WindowMetrics,
} from './live-metrics.js';
export {
  loadReferenceProfile,
  PROFILE_FORMAT_VERSION,
  PROFILE_KIND,
  serializeReferenceProfile,
} from './profile-codec.js';
export { filledProportions, psi } from './psi.js';
export {
  buildReferenceProfile,
  type CategoricalProfile,
  type FeatureProfile,
  type NumericProfile,
  PROFILE_PARAMS,
  type ProfileParams,
  type ReferenceOptions,
  type ReferenceProfile,
} from './reference-profile.js';
export { betaInc, chiSquareSf, gammaP, gammaQ, lnGamma, studentTSf } from './special-functions.js';
export { pairedTTest, type TTestResult, welchTTest } from './t-test.js';
export { normalizedWasserstein, wassersteinDistance } from './wasserstein.js';
