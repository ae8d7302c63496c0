/**
 * The `retrain` config section: what `tabflow retrain` does once the challenger passed the gate
 * against production on the same fresh held-out rows — the seed's "A/B test → deploy if better"
 * (ab, the default), deploy at once (promote), or only register it (none).
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The `retrain` section's parameters: what happens when the challenger passes the gate. */
export const RETRAIN_PARAMS = {
  on_gate_pass: {
    type: 'enum',
    default: 'ab',
    values: ['ab', 'promote', 'none'],
    doc: 'after the gate passes: start an A/B test, promote to production, or only register the version',
  },
  ab_weight: {
    type: 'number',
    default: 0.1,
    min: 0,
    max: 1,
    exclusiveMin: true,
    doc: 'share of traffic the challenger answers in the A/B test retrain starts',
  },
  ab_shadow: {
    type: 'boolean',
    default: false,
    doc: 'shadow test instead: the challenger scores every request, only production answers',
  },
  ab_key_field: {
    type: 'string?',
    default: null,
    doc: 'input field that keeps one entity on one arm (e.g. a customer id); null = random per request',
  },
} as const satisfies ParamTable;

/** The resolved `retrain` section. */
export type RetrainConfig = ParamsOf<typeof RETRAIN_PARAMS>;

/** Resolve the `retrain` section: defaults filled, every problem reported in one ConfigError. */
export function resolveRetrainConfig(raw: unknown, prefix = 'retrain'): RetrainConfig {
  return resolveParams(RETRAIN_PARAMS, raw, prefix);
}
