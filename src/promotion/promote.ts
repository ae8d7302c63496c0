/**
 * `promote()`: the one way a version moves into a stage. Into production, when a version holds
 * it, the gate (gate.ts) compares the two first — once — and the registry records the decision
 * with its numbers (`ModelRegistry.moveStage`); a refusal is recorded and returned (applied:
 * false), not thrown; `force` promotes anyway and records the numbers it overrode. Moves into dev
 * and staging are ungated. `retrain`, the A/B service, `tabflow models promote`, the server's
 * POST /admin/promote and `tabflow train` all promote through here.
 */
import { readRunConfig } from '../artifacts/run-config.js';
import { UsageError } from '../core/errors.js';
import { defaultActor, type ModelRegistry } from '../registry/model-registry.js';
import { checkStage, type Stage } from '../registry/names.js';
import type { Decision, StageMove, VersionRecord } from '../registry/records.js';
import { resolveRegistryConfig } from '../registry/registry-config.js';
import type { StageRow } from '../store/registry-store.js';
import { type DataFileOf, evaluateGate, type GateConfig, type GateResult, gateConfigOf } from './gate.js';

/** A stage move with the gate's numbers, when the gate ran. */
export interface PromotionDecision extends StageMove, Partial<GateResult> {}

/** How to promote. */
export interface PromoteOptions {
  /** Promote even if the gate refuses or cannot run (the numbers, or why, are recorded). */
  force?: boolean;
  /** Why: recorded in the history. */
  reason?: string;
  /** Who: recorded in the history (default: TABFLOW_ACTOR, else the user name). */
  actor?: string;
  /** Score the gate on this file instead of the held-out rows and feedback. */
  evalData?: string;
  /** Gate for a promotion to production (default: the candidate's own config, registry section). */
  gate?: GateConfig;
  /**
   * The gate already evaluated for this candidate against production version `incumbent` (as
   * `tabflow retrain` does before it decides to promote): used as the decision instead of
   * evaluating again, as long as production still holds that version.
   */
  evaluated?: { incumbent: number; gate: GateResult };
  /**
   * How a host without the models folder reads the runs the gate compares (a node serving from
   * an artifact store; default: the candidate's run folder and production's release folder).
   */
  runs?: RunAccess;
}

/**
 * Where a host that keeps no models folder reads the runs the gate compares and their data:
 * copies fetched from the artifact store and verified against the registry's record.
 */
export interface RunAccess {
  /** A verified folder of version `v`'s run on this host. */
  runDir(v: VersionRecord): Promise<string>;
  /** This host's copy of the training data of the run in `runDir` (see `GateInput.dataFile`). */
  dataFile: DataFileOf;
  /** The prediction log whose labelled feedback joins the gate's rows (`GateInput.feedbackLog`). */
  feedbackLog?: string;
}

/** Attempts when other processes keep moving the stage while the gate runs. */
const MAX_GATE_ATTEMPTS = 5;

/**
 * Move `ref` (a version, `v7`, a stage or an alias) into `stage` through the gate. The gate runs
 * once, outside the registry's lock (it loads data and two models); if the stage moved meanwhile,
 * the candidate is judged again against the new holder.
 */
export async function promote(
  reg: ModelRegistry,
  ref: string | number,
  stage: Stage,
  o: PromoteOptions = {},
): Promise<PromotionDecision> {
  const st = checkStage(stage);
  const cand = await reg.get(ref);
  const actor = o.actor ?? defaultActor();
  for (let attempt = 1; ; attempt++) {
    const inc = await reg.stageRow(st);
    if (inc?.version === cand.version) {
      throw new UsageError('already_in_stage', `Version ${cand.version} is already in ${st}`);
    }
    const { decision, details } = await judgePromotion(reg, cand, st, inc, o);
    const done = await reg.moveStage({
      version: cand.version,
      stage: st,
      expected: inc?.version ?? null,
      decision,
      details,
      reason: o.reason ?? null,
      actor,
    });
    if (done) return { ...details, ...done };
    if (attempt >= MAX_GATE_ATTEMPTS) {
      throw new UsageError(
        'stage_busy',
        `Stage ${st} kept moving while the gate ran (${attempt} attempts); try again`,
      );
    }
  }
}

/**
 * The decision for moving `cand` into `stage`, held by `inc`, and the numbers behind it: the gate
 * evaluated (or the one in `o.evaluated`), nothing moved. `promote()` applies it; a preview shows it.
 */
export async function judgePromotion(
  reg: ModelRegistry,
  cand: VersionRecord,
  stage: Stage,
  inc: StageRow | undefined,
  o: PromoteOptions,
): Promise<{
  decision: Exclude<Decision, 'rollback'>;
  details: Partial<GateResult> & { gate_error?: string };
}> {
  if (stage !== 'production') return { decision: 'ungated', details: {} };
  if (!inc) return { decision: 'no_incumbent', details: {} };
  let gate: GateResult | undefined;
  let gateError: string | undefined;
  if (o.evaluated && o.evaluated.incumbent === inc.version) gate = o.evaluated.gate;
  else {
    try {
      const runs = o.runs;
      const candidateDir = runs ? await runs.runDir(cand) : cand.run_path;
      gate = await evaluateGate({
        candidateDir,
        candidateVersion: cand.version,
        incumbentVersion: inc.version,
        ...(runs
          ? {
              incumbentDir: await runs.runDir(await reg.get(inc.version)),
              dataFile: runs.dataFile,
              ...(runs.feedbackLog !== undefined ? { feedbackLog: runs.feedbackLog } : {}),
            }
          : { incumbentDir: reg.versionFolder(stage, await reg.get(inc.version)) }),
        gate: o.gate ?? gateOf(cand, candidateDir),
        evalData: o.evalData,
      });
    } catch (e) {
      if (!o.force) throw e;
      gateError = (e as Error).message;
    }
  }
  // `forced` only when the gate did not pass: forcing a candidate that passes is just a pass.
  const decision = gate?.passed ? 'passed' : o.force ? 'forced' : 'refused';
  return { decision, details: { ...(gate ?? {}), ...(gateError ? { gate_error: gateError } : {}) } };
}

/** The gate a version's own config asks for (its `registry` section, as trained; read from `dir`). */
export function gateOf(v: VersionRecord, dir = v.run_path): GateConfig {
  const cfg = readRunConfig(dir);
  return gateConfigOf(resolveRegistryConfig(cfg?.registry ?? {}, `v${v.version} config.yaml registry`));
}
