/**
 * Promotion: the production gate (candidate vs production on rows neither trained on, MLflow's
 * MetricThreshold), the one `promote()` every caller moves stages through, and what a training
 * run does once saved (register, dev, production when configured).
 */
export {
  describeGate,
  evaluateGate,
  GATE_CHANNEL,
  type GateConfig,
  type GateInput,
  type GateResult,
  type GateRowSource,
  gateConfigOf,
} from './gate.js';
export { type HeldOutRows, heldOutParts, heldOutRows, runTestRows, type SplitPart } from './held-out.js';
export { type PromotionPreview, previewPromotion } from './preview.js';
export {
  gateOf,
  judgePromotion,
  type PromoteOptions,
  type PromotionDecision,
  promote,
  type RunAccess,
} from './promote.js';
export { type SaveResult, saveAndRegister } from './register-run.js';
export { storeRunAccess } from './store-runs.js';
