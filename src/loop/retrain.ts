/**
 * The seed's improvement loop, one command: collect new data → retrain with the production
 * version's own config → evaluate challenger and champion on the same fresh held-out rows (the
 * challenger's TEST split, which now holds new rows too) → apply the gate → per config start an
 * A/B test, promote, or only register. Every outcome is a registry event with its numbers.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { loadOptionsOf } from '../data/data-config.js';
import { startExperiment } from '../experiment/ab-service.js';
import { LOG_FILE, logStoreOf } from '../log/default-log-path.js';
import { FeedbackStore, type LabelledRows } from '../log/feedback.js';
import { evaluateGate, type GateResult, gateConfigOf } from '../promotion/gate.js';
import { type PromotionDecision, promote } from '../promotion/promote.js';
import { ModelRegistry, type VersionRecord } from '../registry/model-registry.js';
import type { PublishedRun } from '../registry/run-publication.js';
import { filterCandidates } from '../train/candidates.js';
import { type PipelineEvent, TrainingPipeline } from '../train/training-pipeline.js';
import { type ChampionConfig, readChampionConfig } from './champion-config.js';
import { buildRetrainData, type RetrainDataReport } from './retrain-data.js';

export interface StartAbInput {
  challenger: number;
  weight: number;
  shadow: boolean;
  key: string | null;
  reason: string;
}

/** Where to retrain, on which new rows, and what to do when the gate passes. */
export interface RetrainOptions {
  /** Models root holding the registry and the production stage. */
  root: string;
  /** A file of new labelled rows. */
  newData?: string;
  /** Use served inputs whose actuals came back (POST /feedback, tabflow feedback). */
  fromFeedback?: boolean;
  /** Only feedback recorded since (ms since the epoch). */
  since?: number;
  /** Prediction log (default `<root>/predictions.sqlite`). */
  logFile?: string;
  /** Candidates to train instead of the production config's. */
  models?: string[];
  /** Overrides the production config's `retrain.on_gate_pass`. */
  onGatePass?: 'ab' | 'promote' | 'none';
  /** Starts the A/B test (default: src/experiment's startExperiment). */
  startAb?: (root: string, o: StartAbInput) => unknown | Promise<unknown>;
  onEvent?: (e: PipelineEvent) => void;
  now?: () => Date;
  /**
   * Publish the challenger's run folder to an artifact store before anything else uses it (the
   * CLI passes `publishRun` on the champion's `storage.artifacts`), so hosts that serve from the
   * store can load it — in an A/B test or once promoted.
   */
  publish?: (runDir: string) => Promise<PublishedRun>;
}

/** What a retrain did with a challenger that passed or failed the gate. */
export type RetrainAction = 'ab_started' | 'promoted' | 'registered' | 'kept';

/** A retrain's data, champion and challenger, the gate's numbers, the action and one summary line. */
export interface RetrainResult {
  data: RetrainDataReport;
  /** Where the challenger was published (`RetrainOptions.publish`), when it was. */
  published?: PublishedRun;
  champion: { version: number; run_id: string };
  challenger: { version: number; run_id: string };
  gate: GateResult;
  action: RetrainAction;
  /** One sentence with the numbers. */
  summary: string;
  promotion?: PromotionDecision;
}

/**
 * Retrain the production version's config on new labelled rows, judge the challenger against the
 * champion on fresh held-out rows, then start an A/B test, promote or only register it
 * (`retrain.on_gate_pass`). The outcome is recorded as a registry event with its numbers.
 */
export async function retrain(o: RetrainOptions): Promise<RetrainResult> {
  if (!o.newData && !o.fromFeedback) {
    throw new UsageError(
      'no_new_data',
      'tabflow retrain needs new labelled rows: --data FILE, --from-feedback, or both',
    );
  }
  const { champion, cfg } = await championOf(o.root);
  const target = cfg.data.target;
  if (!cfg.data.path || !target) {
    throw new UsageError('no_data', `The production run ${champion.run_id} names no data file or target`);
  }
  const data = await buildRetrainData({
    basePath: cfg.data.path,
    loadOptions: loadOptionsOf(cfg),
    target,
    newData: o.newData,
    feedback: o.fromFeedback ? await feedbackRows(o) : undefined,
    outDir: join(o.root, 'data'),
    now: o.now?.(),
  });

  // The production config, on the new data; registered as a dev version, never auto-promoted.
  const next: ChampionConfig = {
    ...cfg,
    data: { ...cfg.data, path: data.path },
    output: { ...cfg.output, dir: o.root, promote: 'never' },
    models: o.models ? filterCandidates(cfg.models, o.models) : cfg.models,
  };
  const run = await new TrainingPipeline(next, { onEvent: o.onEvent, now: o.now, publish: o.publish }).run();

  const reg = await ModelRegistry.open(o.root);
  try {
    const challenger = await reg.get(run.version);
    const gate = await evaluateGate({
      candidateDir: challenger.run_path,
      candidateVersion: challenger.version,
      incumbentDir: reg.stageDir('production'),
      gate: gateConfigOf(cfg.registry),
      // Labelled feedback the challenger was not trained on joins the gate's rows.
      feedbackLog: o.logFile,
    });
    const base = {
      data,
      ...(run.published ? { published: run.published } : {}),
      champion: { version: champion.version, run_id: champion.run_id },
      challenger: { version: challenger.version, run_id: challenger.run_id },
      gate,
    };
    const result = await actOnGate(reg, base, cfg, o);
    await reg.recordEvent({
      type: 'retrain',
      version: challenger.version,
      from_version: champion.version,
      decision: gate.passed ? 'passed' : 'refused',
      reason: result.summary,
      details: { action: result.action, data: { file: data.path, rows: data.rows }, gate },
    });
    return result;
  } finally {
    await reg.close();
  }
}

/** The production version and the config it was trained with. */
async function championOf(root: string): Promise<{ champion: VersionRecord; cfg: ChampionConfig }> {
  const registry = await ModelRegistry.open(root);
  try {
    const champion = await registry.stageVersion('production');
    if (!champion) {
      throw new UsageError(
        'no_production',
        `${root} has no production version to improve on: train and promote one first (tabflow train)`,
      );
    }
    return { champion, cfg: readChampionConfig(champion.run_path) };
  } finally {
    await registry.close();
  }
}

/** The labelled feedback rows of the prediction log (since `o.since`). */
async function feedbackRows(o: RetrainOptions): Promise<LabelledRows> {
  const store = await FeedbackStore.open(o.logFile ?? logStoreOf(join(o.root, LOG_FILE)));
  try {
    return await store.labelledRows({ since: o.since });
  } finally {
    await store.close();
  }
}

/** What the retrain does once the gate has judged: keep, promote, start an A/B test or only register. */
async function actOnGate(
  reg: ModelRegistry,
  base: Omit<RetrainResult, 'action' | 'summary' | 'promotion'>,
  cfg: ChampionConfig,
  o: RetrainOptions,
): Promise<RetrainResult> {
  const { gate, champion, challenger } = base;
  const numbers =
    `${gate.metric} ${fmt(gate.candidate)} (v${challenger.version}) vs ${fmt(gate.incumbent)} ` +
    `(v${champion.version}) on ${gate.rows.used} fresh held-out rows`;
  const onPass = o.onGatePass ?? cfg.retrain.on_gate_pass;
  if (!gate.passed) {
    const summary = `gate refused v${challenger.version}: ${numbers}; production stays v${champion.version}`;
    return { ...base, action: 'kept', summary };
  }
  if (onPass === 'promote') {
    // The gate just run decides: it is not evaluated a second time.
    const promotion = await promote(reg, challenger.version, 'production', {
      reason: `retrain: ${numbers}`,
      evaluated: { incumbent: champion.version, gate },
    });
    const action = promotion.applied ? 'promoted' : 'kept';
    return { ...base, action, promotion, summary: `${action} v${challenger.version}: ${numbers}` };
  }
  if (onPass === 'ab') {
    const start = o.startAb ?? startExperiment;
    await start(o.root, {
      challenger: challenger.version,
      weight: cfg.retrain.ab_weight,
      shadow: cfg.retrain.ab_shadow,
      key: cfg.retrain.ab_key_field,
      reason: `retrain: ${numbers}`,
    });
    const how = cfg.retrain.ab_shadow ? 'shadow test' : `A/B test at ${cfg.retrain.ab_weight * 100}% traffic`;
    const summary = `gate passed, ${how} started for v${challenger.version}: ${numbers}`;
    return { ...base, action: 'ab_started', summary };
  }
  const summary = `gate passed, v${challenger.version} registered (retrain.on_gate_pass none): ${numbers}`;
  return { ...base, action: 'registered', summary };
}

function fmt(x: number): string {
  return Number(x.toPrecision(5)).toString();
}
