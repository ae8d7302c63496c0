/**
 * The experiments page's view: the running A/B test with its live significance test — computed by
 * `experimentStatus`, the function behind `tabflow ab status`, with the same stopping rule (the
 * production run's `experiment` section), so page and CLI show the same numbers — the ended ones
 * from the registry's history with the numbers recorded when they ended, each arm's traffic and
 * accuracy from the prediction log; and the moves `tabflow ab` makes: start, stop, conclude.
 */
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import {
  concludeExperiment,
  type Experiment,
  type ExperimentConfig,
  type ExperimentStatus,
  experimentRecordOf,
  experimentStatus,
  productionStoppingRule,
  readRecord,
  startExperiment,
  stopExperiment,
} from '../experiment/index.js';
import { LOG_FILE, logStoreOf } from '../log/default-log-path.js';
import type { GateConfig } from '../promotion/index.js';
import type { ConcludeJson, ExperimentJson, ExperimentsJson } from './api-types.js';
import { armNumbers, liveRow } from './experiment-arms.js';
import {
  type EndedExperiment,
  type ExperimentHead,
  endedExperiments,
  recordedTest,
} from './experiment-history.js';
import { withRegistry } from './open-registry.js';

/** Ended experiments the page lists (newest first). */
const MAX_ENDED = 20;
const ACTOR = 'tabflow ui';

/** What a start from the page asks for. */
export interface StartRequest {
  challenger: number;
  /** Default: the stopping rule's `weight`. */
  weight?: number;
  shadow?: boolean;
  key?: string;
  reason?: string;
}

/** Reads and moves the A/B experiments of the models folder `root` for the UI. */
export class ExperimentsView {
  private readonly logFile: string;

  constructor(
    private readonly root: string,
    private readonly o: { gate?: GateConfig; writable: boolean },
  ) {
    // The storage setting's log when there is one (`tabflow ui --storage …`), as `tabflow ab` reads.
    this.logFile = logStoreOf(join(root, LOG_FILE));
  }

  /** The running experiment (live test), the ended ones (recorded), and what a start may pick. */
  async overview(): Promise<ExperimentsJson> {
    const reg = await withRegistry(this.root, async (r) => ({
      name: r.modelName,
      production: (await r.stageVersion('production'))?.version ?? null,
      versions: await r.list(),
      events: await r.history(),
      running: await readRecord(experimentRecordOf(r)),
    }));
    const rule = this.rule();
    const running = reg.running;
    const ended = endedExperiments(reg.events, running?.id ?? null).slice(0, MAX_ENDED);
    return {
      name: reg.name,
      generated_at: new Date().toISOString(),
      writable: this.o.writable,
      production_version: reg.production,
      challengers: reg.versions
        .filter((v) => v.version !== reg.production)
        .reverse()
        .map((v) => ({ version: v.version, run_id: v.run_id, model: v.model_name })),
      rule: rule && {
        min_samples: rule.min_samples,
        max_samples: rule.max_samples,
        alpha: rule.alpha,
        metric: rule.metric,
        weight: rule.weight,
      },
      running: running ? await this.runningJson(running, rule) : null,
      ended: await Promise.all(ended.map((x) => this.endedJson(x, reg.name))),
    };
  }

  /** Starts an experiment of the production version against `r.challenger`. */
  async start(r: StartRequest): Promise<Experiment> {
    return startExperiment(this.root, {
      challenger: r.challenger,
      weight: r.weight ?? this.rule()?.weight,
      shadow: r.shadow,
      key: r.key ?? null,
      reason: r.reason,
      actor: ACTOR,
    });
  }

  /** Stops experiment `id` (it must still be the running one); its numbers are recorded. */
  async stop(id: string, reason?: string): Promise<{ id: string; event_id: number; verdict: string }> {
    await this.checkRunning(id);
    const r = await stopExperiment(this.root, { ...this.readOptions(), reason, actor: ACTOR });
    return { id, event_id: r.event_id, verdict: r.status.verdict };
  }

  /** Concludes experiment `id` as `tabflow ab conclude` does (`force`: before the horizon). */
  async conclude(id: string, force: boolean): Promise<ConcludeJson> {
    await this.checkRunning(id);
    const r = await concludeExperiment(this.root, {
      ...this.readOptions(),
      force,
      actor: ACTOR,
      ...(this.o.gate ? { gate: this.o.gate } : {}),
    });
    return {
      id,
      outcome: r.outcome,
      reason: r.reason,
      gate_decision: r.promotion?.decision ?? null,
      event_id: r.event_id,
    };
  }

  /** The production run's stopping rule; null when no production run holds a config. */
  private rule(): ExperimentConfig | null {
    try {
      return productionStoppingRule(this.root);
    } catch {
      return null;
    }
  }

  private readOptions(): { config?: ExperimentConfig; logFile: string } {
    const config = this.rule();
    return config ? { config, logFile: this.logFile } : { logFile: this.logFile };
  }

  /** A page shows one experiment; acting on it after another replaced it would act on the wrong one. */
  private async checkRunning(id: string): Promise<void> {
    const running = await withRegistry(this.root, (r) => readRecord(experimentRecordOf(r)));
    if (!running)
      throw new UsageError('no_experiment', 'No experiment is running: it was stopped or concluded');
    if (running.id !== id) {
      throw new UsageError(
        'experiment_changed',
        `Experiment ${id} is no longer running (${running.id} is): reload the page`,
      );
    }
  }

  private async runningJson(e: Experiment, rule: ExperimentConfig | null): Promise<ExperimentJson> {
    const s = await experimentStatus(this.root, rule ? { config: rule, logFile: this.logFile } : {});
    const arms = await armNumbers(this.logFile, {
      id: e.id,
      shadow: e.shadow,
      since: e.started_at,
      until: null,
    });
    return {
      ...header(e, 'running'),
      ended_at: null,
      outcome: null,
      end_reason: null,
      arms: [
        { ...armOf(e, 'champion'), traffic: arms.traffic[0], live: liveRow(s.champion) },
        { ...armOf(e, 'challenger'), traffic: arms.traffic[1], live: liveRow(s.challenger) },
      ],
      test: liveTest(s),
      production: s.production,
    };
  }

  private async endedJson(x: EndedExperiment, name: string | null): Promise<ExperimentJson> {
    const e = x.experiment(name);
    const arms = await armNumbers(this.logFile, {
      id: e.id,
      shadow: e.shadow,
      since: e.started_at,
      until: x.end?.ts ?? null,
    });
    return {
      ...header(e, x.end?.type === 'ab_conclude' ? 'concluded' : 'stopped'),
      ended_at: x.end?.ts ?? null,
      outcome: x.end?.decision ?? null,
      end_reason: x.end ? x.end.reason : 'experiment.json was removed without tabflow ab stop or conclude',
      arms: [
        { ...armOf(e, 'champion'), traffic: arms.traffic[0], live: arms.live[0] },
        { ...armOf(e, 'challenger'), traffic: arms.traffic[1], live: arms.live[1] },
      ],
      test: x.end ? recordedTest(x.end.details) : null,
      production: null,
    };
  }
}

function header(e: ExperimentHead, status: ExperimentJson['status']) {
  return {
    id: e.id,
    name: e.name,
    status,
    design: e.shadow ? ('shadow' as const) : ('split' as const),
    weight: e.weight,
    key_field: e.key_field,
    started_at: e.started_at,
  };
}

function armOf(e: ExperimentHead, arm: 'champion' | 'challenger') {
  const ref = e[arm];
  const share = e.shadow ? (arm === 'champion' ? 1 : null) : arm === 'champion' ? 1 - e.weight : e.weight;
  return { arm, version: ref.version, run_id: ref.run_id, share };
}

/** The test as `tabflow ab status` computed it just now. */
function liveTest(s: ExperimentStatus): ExperimentJson['test'] {
  const c = s.comparison;
  return {
    source: 'live',
    verdict: s.verdict,
    reason: s.reason,
    n: { champion: c.champion.n, challenger: c.challenger.n },
    t_test: c.t_test,
    bootstrap: c.bootstrap,
    planned: s.planned,
    ready: s.ready,
    advice: s.advice,
  };
}
