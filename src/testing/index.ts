/**
 * `tabflow/testing`: the model-family conformance suite, for authors of new families (run under
 * `node --test`).
 */
export {
  type ConformanceData,
  type ConformanceOptions,
  checkModelFamily,
  friedman1,
} from './model-conformance.js';
