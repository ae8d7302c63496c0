/**
 * The A/B service behind `tabflow ab` (and `tabflow retrain`'s "then A/B"): start an experiment
 * between the production version (champion) and another registered version (challenger), report
 * its per-arm live accuracy from feedback with a significance test, stop it, or conclude it —
 * promoting the challenger through the registry gate only when the test says it is better.
 *
 * The running server picks experiment.json up by polling (src/serve/experiment-follower.ts); the
 * numbers come from the prediction log, whose rows carry their arm and experiment id. Every
 * start, stop and conclusion is an event in the registry's history, with its numbers.
 */

import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { LOG_FILE } from '../log/default-log-path.js';
import { FeedbackStore, type JoinedFeedback } from '../log/feedback.js';
import { type AbVerdict, type ArmComparison, compareArms } from '../monitor/ab-test.js';
import type { LiveMetrics } from '../monitor/live-metrics.js';
import type { GateConfig } from '../promotion/gate.js';
import { type PromotionDecision, promote } from '../promotion/promote.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { openStores, REGISTRY_DB_FILE, registryUriOf, storeExists } from '../store/open-stores.js';
import { logStoreOf } from '../store/storage-setting.js';
import { storeUriOf } from '../store/store-uri.js';
import { armScores } from './arm-scores.js';
import { checkWeight, EXPERIMENT_FORMAT_VERSION, type Experiment } from './experiment.js';
import { type ExperimentConfig, resolveExperimentConfig } from './experiment-config.js';
import { experimentRecordOf, readRecord } from './experiment-record.js';

/** What `startExperiment` tests: the challenger, its traffic share or shadow mode, the sticky key. */
export interface StartExperimentOptions {
  /** Version number, `v7` or alias of the challenger. */
  challenger: string | number;
  /** Share of traffic the challenger answers (default 0.1; ignored in shadow mode). */
  weight?: number;
  /** The challenger scores every request too, but only the champion answers. */
  shadow?: boolean;
  /** Input field that keeps an entity on one arm (hashed); null → random per request. */
  key?: string | null;
  reason?: string;
  actor?: string;
}

/** Where the numbers of an experiment come from: its stopping rule and the prediction log. */
export interface ReadOptions {
  /** Stopping rule (default: the `experiment` section's defaults). */
  config?: ExperimentConfig;
  /** Prediction log (default `<root>/predictions.sqlite`). */
  logFile?: string;
}

/** One arm's live accuracy from feedback, with its version and the rows it logged. */
export interface ArmStatus extends LiveMetrics {
  version: number;
  run_id: string;
  /** Rows this arm scored in the log (shadow: the challenger's shadow rows). */
  rows_logged: number;
}

/** A running experiment's arms, their comparison, the verdict and what to do next. */
export interface ExperimentStatus {
  experiment: Experiment;
  config: ExperimentConfig;
  design: 'split' | 'shadow';
  champion: ArmStatus;
  challenger: ArmStatus;
  comparison: ArmComparison;
  verdict: AbVerdict;
  reason: string;
  /** Planned actuals per arm (the fixed horizon). */
  planned: number;
  /** The horizon is reached in both arms and a verdict exists: conclude now. */
  ready: boolean;
  /** One sentence: what to do next. */
  advice: string;
  /** The production version now; `moved` when it is no longer the experiment's champion. */
  production: { version: number | null; moved: boolean };
}

/** How `concludeExperiment` judges: early (`force`), and the gate a better challenger goes through. */
export interface ConcludeOptions extends ReadOptions {
  /** Conclude before the planned sample size (the champion is kept unless the test says otherwise). */
  force?: boolean;
  actor?: string;
  /** Gate the promotion on this file instead of the challenger's TEST rows. */
  evalData?: string;
  gate?: GateConfig;
}

/** What a conclusion did: the challenger promoted, or the champion kept. */
export type ConcludeOutcome = 'promoted' | 'kept_champion';

/** A conclusion: the final status, the outcome and why, the gate's decision, the event recorded. */
export interface ConcludeResult {
  status: ExperimentStatus;
  outcome: ConcludeOutcome;
  /** Why, with the numbers. */
  reason: string;
  /** The registry's gated decision, when the challenger was put up for promotion. */
  promotion: PromotionDecision | null;
  event_id: number;
}

const KEY_FIELD = /^[^\s\0]{1,128}$/;

/** Write experiment.json for the production version vs `o.challenger`, and record the start. */
export async function startExperiment(root: string, o: StartExperimentOptions): Promise<Experiment> {
  const weight = o.weight ?? 0.1;
  checkWeight(weight);
  const key = o.key ?? null;
  if (key !== null && !KEY_FIELD.test(key)) {
    throw new UsageError(
      'bad_key',
      `--key ${JSON.stringify(key)} is not allowed: expected the name of an input field (1 to 128 characters, no spaces)`,
    );
  }
  // Under the registry's write lock: two concurrent starts cannot both find no experiment running.
  return withRegistry(root, (reg) => reg.store.writeTransaction(() => start(reg, o, weight, key)));
}

async function start(
  reg: ModelRegistry,
  o: StartExperimentOptions,
  weight: number,
  key: string | null,
): Promise<Experiment> {
  const champion = await reg.stageVersion('production');
  if (!champion) {
    throw new UsageError(
      'no_champion',
      `No production version in ${reg.root}: an A/B test compares a challenger with the production ` +
        'version. Promote one first (tabflow models promote <version> --to production)',
    );
  }
  const challenger = await reg.get(o.challenger);
  if (challenger.version === champion.version || challenger.run_id === champion.run_id) {
    throw new UsageError(
      'same_as_champion',
      `Version ${challenger.version} is the production version (the champion); ` +
        'an A/B test needs another version as the challenger',
    );
  }
  const record = experimentRecordOf(reg);
  const running = await readRecord(record);
  if (running) {
    throw new UsageError(
      'experiment_running',
      `Experiment ${running.id} (v${running.challenger.version} vs v${running.champion.version}, ` +
        `started ${running.started_at}) is running in ${reg.root}: stop or conclude it first ` +
        '(tabflow ab stop | tabflow ab conclude)',
    );
  }
  const now = new Date();
  const e: Experiment = {
    format_version: EXPERIMENT_FORMAT_VERSION,
    id: `ab-${now.getTime().toString(36)}-${randomBytes(3).toString('hex')}`,
    name: reg.modelName ?? challenger.name,
    champion: {
      version: champion.version,
      run_id: champion.run_id,
      dir: realpathSync(reg.stageDir('production')),
    },
    challenger: { version: challenger.version, run_id: challenger.run_id, dir: challenger.run_path },
    weight,
    shadow: o.shadow === true,
    key_field: key,
    started_at: now.toISOString(),
  };
  await record.write(e);
  const how = e.shadow ? 'shadow (challenger scores every row, champion answers)' : `weight ${weight}`;
  await reg.recordEvent({
    type: 'ab_start',
    stage: 'production',
    version: challenger.version,
    from_version: champion.version,
    actor: o.actor,
    reason: o.reason ?? `A/B ${e.id}: v${challenger.version} vs v${champion.version}, ${how}`,
    details: {
      experiment_id: e.id,
      weight: e.weight,
      shadow: e.shadow,
      key_field: e.key_field,
      champion_run_id: champion.run_id,
      challenger_run_id: challenger.run_id,
    },
  });
  return e;
}

/** Per-arm live accuracy of the running experiment and its significance test. */
export async function experimentStatus(root: string, o: ReadOptions = {}): Promise<ExperimentStatus> {
  return withRegistry(root, async (reg) => statusOf(reg, await requireExperiment(reg), o));
}

/** Remove experiment.json (the server goes back to the champion alone) and record the numbers so far. */
export async function stopExperiment(
  root: string,
  o: ReadOptions & { reason?: string; actor?: string } = {},
): Promise<{ experiment: Experiment; status: ExperimentStatus; event_id: number }> {
  return withRegistry(root, async (reg) => {
    const e = await requireExperiment(reg);
    const status = await statusOf(reg, e, o);
    await experimentRecordOf(reg).remove();
    const event_id = await reg.recordEvent({
      type: 'ab_stop',
      stage: 'production',
      version: e.challenger.version,
      from_version: e.champion.version,
      actor: o.actor,
      reason: o.reason ?? `A/B ${e.id} stopped: ${numbers(status)}`,
      decision: status.verdict,
      details: eventDetails(status),
    });
    return { experiment: e, status, event_id };
  });
}

/**
 * Judge the experiment once: a challenger significantly better goes up for promotion through the
 * registry gate; anything else keeps the champion. The experiment stops either way.
 */
export async function concludeExperiment(root: string, o: ConcludeOptions = {}): Promise<ConcludeResult> {
  return withRegistry(root, async (reg) => {
    const e = await requireExperiment(reg);
    const status = await statusOf(reg, e, o);
    if (!status.ready && !o.force) {
      throw new UsageError(
        'not_ready',
        `Experiment ${e.id} is not ready to conclude: ${status.advice}. ` +
          'Deciding before the planned sample size inflates false positives; --force concludes now ' +
          '(the champion is kept unless the test already favours the challenger)',
      );
    }
    let outcome: ConcludeOutcome = 'kept_champion';
    let promotion: PromotionDecision | null = null;
    let reason: string;
    const nums = numbers(status);
    if (status.production.moved) {
      reason =
        `production moved to v${status.production.version} during the experiment ` +
        `(champion was v${e.champion.version}); champion kept, nothing promoted — ${nums}`;
    } else if (status.verdict === 'challenger_better') {
      promotion = await promote(reg, e.challenger.version, 'production', {
        reason: `A/B ${e.id}: ${nums}`,
        actor: o.actor,
        evalData: o.evalData,
        gate: o.gate,
      });
      if (promotion.applied) {
        outcome = 'promoted';
        reason = `challenger v${e.challenger.version} is better and passed the gate (${promotion.decision}): ${nums}`;
      } else {
        reason = `challenger v${e.challenger.version} is better live but the gate refused it: ${nums}`;
      }
    } else {
      reason = `${status.verdict.replace(/_/g, ' ')}: champion v${e.champion.version} kept — ${nums}`;
    }
    await experimentRecordOf(reg).remove();
    const event_id = await reg.recordEvent({
      type: 'ab_conclude',
      stage: 'production',
      version: e.challenger.version,
      from_version: e.champion.version,
      actor: o.actor,
      reason,
      decision: outcome,
      details: {
        ...eventDetails(status),
        forced: o.force === true && !status.ready,
        promotion_event_id: promotion?.event_id ?? null,
        gate_decision: promotion?.decision ?? null,
      },
    });
    return { status, outcome, reason, promotion, event_id };
  });
}

// ---- internals ----

async function requireExperiment(reg: ModelRegistry): Promise<Experiment> {
  const record = experimentRecordOf(reg);
  const e = await readRecord(record);
  if (!e) {
    const where = record.where.startsWith('the registry') ? record.where : reg.root;
    throw new UsageError(
      'no_experiment',
      `No experiment is running in ${where}: start one with tabflow ab start <version>`,
    );
  }
  return e;
}

/** A root without a registry has no versions to test: never create one as a side effect. */
async function openRegistry(root: string): Promise<ModelRegistry> {
  if (!(await storeExists('registry', registryUriOf(resolve(root))))) {
    throw new UsageError(
      'no_champion',
      `No model registry in ${resolve(root)} (${REGISTRY_DB_FILE} is missing), so no production version ` +
        'to test against: train and promote a model there first (tabflow train --models-dir <dir>)',
    );
  }
  return ModelRegistry.open(root);
}

async function withRegistry<T>(root: string, fn: (reg: ModelRegistry) => Promise<T>): Promise<T> {
  const reg = await openRegistry(root);
  try {
    return await fn(reg);
  } finally {
    await reg.close();
  }
}

async function statusOf(reg: ModelRegistry, e: Experiment, o: ReadOptions): Promise<ExperimentStatus> {
  const cfg = o.config ?? resolveExperimentConfig({});
  const { joined, logged } = await readLogged(o.logFile ?? logStoreOf(join(reg.root, LOG_FILE)), e.id);
  const [champ, chal] = armScores(joined, e.shadow);
  const comparison = compareArms(champ, chal, {
    min_samples: cfg.min_samples,
    alpha: cfg.alpha,
    metric: cfg.metric,
    paired: e.shadow,
    resamples: cfg.resamples,
    seed: cfg.seed,
  });
  const planned = cfg.max_samples ?? cfg.min_samples;
  const n = Math.min(comparison.champion.n, comparison.challenger.n);
  const ready = comparison.verdict !== 'insufficient_data' && n >= planned;
  const prod = (await reg.stageVersion('production'))?.version ?? null;
  const advice = ready
    ? `ready to conclude: ${n} actuals per arm reached the planned ${planned} (tabflow ab conclude)`
    : `collect ${planned - n} more actuals in the smaller arm (${n} of the planned ${planned}` +
      `${comparison.verdict === 'insufficient_data' ? `; no verdict below min_samples ${cfg.min_samples}` : ''})`;
  return {
    experiment: e,
    config: cfg,
    design: e.shadow ? 'shadow' : 'split',
    champion: {
      version: e.champion.version,
      run_id: e.champion.run_id,
      rows_logged: logged.champion ?? 0,
      ...comparison.champion,
    },
    challenger: {
      version: e.challenger.version,
      run_id: e.challenger.run_id,
      rows_logged: (e.shadow ? logged.shadow : logged.challenger) ?? 0,
      ...comparison.challenger,
    },
    comparison,
    verdict: comparison.verdict,
    reason: comparison.reason,
    planned,
    ready,
    advice,
    production: { version: prod, moved: prod !== e.champion.version },
  };
}

/**
 * The experiment's predictions joined with their actuals, and the rows each arm logged (whether
 * or not their actuals came back); none when there is no log yet.
 */
async function readLogged(
  logFile: string,
  experimentId: string,
): Promise<{ joined: JoinedFeedback | null; logged: Record<string, number> }> {
  const uri = storeUriOf(logFile);
  if (!(await storeExists('log', uri))) return { joined: null, logged: {} };
  const { log } = await openStores({ log: uri }, { logAccess: 'feedback' });
  try {
    return {
      joined: await new FeedbackStore(log).joined({ experimentId }),
      logged: await log.armCounts(experimentId),
    };
  } finally {
    await log.close();
  }
}

/** The numbers of a status in one line, for reasons and history. */
function numbers(s: ExperimentStatus): string {
  const arm = (name: string, a: ArmStatus) =>
    `${name} v${a.version} MAE ${fmt(a.mae)} RMSE ${fmt(a.rmse)} (n ${a.n})`;
  return `${arm('challenger', s.challenger)} vs ${arm('champion', s.champion)}; ${s.reason}`;
}

function eventDetails(s: ExperimentStatus): Record<string, unknown> {
  const arm = (a: ArmStatus) => ({ n: a.n, mae: a.mae, rmse: a.rmse, r2: a.r2, rows_logged: a.rows_logged });
  return {
    experiment_id: s.experiment.id,
    design: s.design,
    weight: s.experiment.weight,
    verdict: s.verdict,
    test_reason: s.reason,
    champion: arm(s.champion),
    challenger: arm(s.challenger),
    t_test: s.comparison.t_test,
    bootstrap: s.comparison.bootstrap,
    planned: s.planned,
    ready: s.ready,
  };
}

function fmt(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : Number(x.toPrecision(4)).toString();
}
