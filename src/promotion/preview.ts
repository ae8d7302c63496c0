/**
 * What promoting a version would do, without doing it: the gate evaluated against the stage's
 * holder and the decision it gives. A person reads the numbers, then confirms; the confirmed
 * promotion passes the same evaluation back (`PromoteOptions.evaluated`), so the gate runs once.
 */
import { UsageError } from '../core/errors.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { checkStage, type Stage } from '../registry/names.js';
import type { GateResult } from './gate.js';
import { judgePromotion, type PromoteOptions } from './promote.js';

/** The decision a promotion would get now, and the numbers behind it. */
export interface PromotionPreview {
  stage: Stage;
  version: number;
  /** The version holding the stage now, or null. */
  incumbent: number | null;
  decision: 'passed' | 'refused' | 'no_incumbent' | 'ungated';
  gate: GateResult | null;
  /** Why the gate could not run (a promotion would then need `force`). */
  gate_error: string | null;
}

/** Evaluates moving `ref` into `stage` of `reg`; nothing is moved or recorded. */
export async function previewPromotion(
  reg: ModelRegistry,
  ref: string | number,
  stage: Stage,
  o: Pick<PromoteOptions, 'gate' | 'evalData'> = {},
): Promise<PromotionPreview> {
  const st = checkStage(stage);
  const cand = await reg.get(ref);
  const inc = await reg.stageRow(st);
  if (inc?.version === cand.version) {
    throw new UsageError('already_in_stage', `Version ${cand.version} is already in ${st}`);
  }
  const base = { stage: st, version: cand.version, incumbent: inc?.version ?? null };
  try {
    const { decision, details } = await judgePromotion(reg, cand, st, inc, o);
    const gate = 'passed' in details ? (details as GateResult) : null;
    return { ...base, decision: decision as PromotionPreview['decision'], gate, gate_error: null };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return { ...base, decision: 'refused', gate: null, gate_error: (e as Error).message };
  }
}
