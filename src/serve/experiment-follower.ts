/**
 * The A/B experiment a server runs, followed from `<models root>/experiment.json` the way the
 * StageFollower follows the stage link: every `pollMs` the file is read; a new or changed
 * experiment has its challenger pipeline loaded completely before one assignment makes it
 * current; a removed file unloads it. Requests take `current()` once at their start, so a swap
 * never changes the arms under a request in flight.
 *
 * A file that cannot be read or a challenger that does not load leaves the server on the
 * champion alone (logged once, counted, retried with a growing back-off): an experiment never
 * stops the champion from answering.
 */
import { ArtifactError, UsageError } from '../core/errors.js';
import { type ArmRef, type Experiment, parseExperiment } from '../experiment/experiment.js';
import { type ExperimentRecord, fileExperimentRecord } from '../experiment/experiment-record.js';
import type { ServedModel } from './model-source.js';
import type { ModelPipeline } from './pipeline-port.js';
import { nextBackoff, SerialChecks } from './serial-checks.js';
import type { SourceLogger } from './stage-follower.js';

/** The experiment running now, with its challenger loaded. */
export interface ActiveExperiment {
  readonly experiment: Experiment;
  /** The challenger, loaded from `experiment.challenger.dir`. */
  readonly challenger: ServedModel;
}

/** What the follower has done since start (for /metadata and /metrics). */
export interface ExperimentCounters {
  /** Experiments loaded (a start or a change). */
  readonly loads: number;
  /** Experiments unloaded (file removed). */
  readonly unloads: number;
  readonly failures: number;
  readonly lastError: string | null;
}

/** Where a server gets its A/B experiment (an ExperimentFollower, or a stub in tests). */
export interface ExperimentSource {
  /** The running experiment, null when none (or when it failed to load). */
  current(): ActiveExperiment | null;
  /** Read experiment.json now and load/unload as needed. */
  reload(opts?: { force?: boolean }): Promise<ExperimentCheck>;
  readonly counters: ExperimentCounters;
  readonly file: string;
  close(): void;
}

/** The outcome of one read of experiment.json. */
export interface ExperimentCheck {
  status: 'unchanged' | 'loaded' | 'unloaded' | 'failed' | 'none';
  experiment: ActiveExperiment | null;
  error?: string;
}

/** What `ExperimentFollower.open` follows and how often. */
export interface ExperimentFollowOptions {
  /** The models root holding experiment.json (when `record` is not given). */
  root?: string;
  /** Where the experiment is kept (default: `<root>/experiment.json`); see experiment-record.ts. */
  record?: ExperimentRecord;
  /**
   * The local folder of the challenger (default: the folder the experiment names). A node serving
   * from an artifact store fetches the challenger's run into its cache here.
   */
  locate?: (arm: ArmRef) => Promise<string>;
  load: (dir: string) => ModelPipeline | Promise<ModelPipeline>;
  /** How often to read the file, ms; 0 = only on reload(). */
  pollMs?: number;
  logger?: SourceLogger;
}

/** Follows `<root>/experiment.json`: the challenger loaded completely, then swapped in by one assignment. */
export class ExperimentFollower implements ExperimentSource {
  readonly file: string;
  private active: ActiveExperiment | null = null;
  /** The file text the current state was built from ('' = no file). */
  private text = '';
  private readonly opts: ExperimentFollowOptions;
  private failed: { text: string; error: string; retryAt: number; backoff: number } | null = null;
  private readonly checks: SerialChecks<ExperimentCheck>;
  private loads = 0;
  private unloads = 0;
  private failures = 0;
  private lastError: string | null = null;

  private readonly record: ExperimentRecord;

  private constructor(opts: ExperimentFollowOptions) {
    this.opts = opts;
    if (opts.record) this.record = opts.record;
    else if (opts.root !== undefined) this.record = fileExperimentRecord(opts.root);
    else throw new UsageError('bad_option', 'ExperimentFollower.open needs a root or a record');
    this.file = this.record.where;
    this.checks = new SerialChecks((force) => this.check(force), opts.pollMs ?? 1000);
  }

  /** Start following; an experiment that fails to load now is logged and retried, never thrown. */
  static async open(opts: ExperimentFollowOptions): Promise<ExperimentFollower> {
    const f = new ExperimentFollower(opts);
    await f.reload();
    return f;
  }

  current(): ActiveExperiment | null {
    return this.active;
  }

  get counters(): ExperimentCounters {
    return { loads: this.loads, unloads: this.unloads, failures: this.failures, lastError: this.lastError };
  }

  reload(o: { force?: boolean } = {}): Promise<ExperimentCheck> {
    return this.checks.run(o.force === true);
  }

  close(): void {
    this.checks.close();
  }

  private async check(force: boolean): Promise<ExperimentCheck> {
    let text: string;
    try {
      text = await this.record.readText();
    } catch (e) {
      return this.fail('', (e as Error).message, force);
    }
    if (text === this.text) {
      if (this.failed?.text !== text) this.failed = null;
      return { status: this.active ? 'unchanged' : 'none', experiment: this.active };
    }
    if (text === '') {
      const was = this.active;
      this.active = null;
      this.text = '';
      this.failed = null;
      if (was) {
        this.unloads++;
        this.opts.logger?.info({ experiment_id: was.experiment.id }, 'experiment stopped; champion only');
        return { status: 'unloaded', experiment: null };
      }
      return { status: 'none', experiment: null };
    }
    const f = this.failed;
    if (!force && f && f.text === text && Date.now() < f.retryAt) {
      return { status: 'failed', experiment: this.active, error: f.error };
    }
    try {
      const experiment = parseExperiment(text, this.file);
      const prev = this.active;
      const same =
        prev &&
        prev.experiment.challenger.dir === experiment.challenger.dir &&
        prev.experiment.challenger.run_id === experiment.challenger.run_id;
      const challenger = same ? prev.challenger : await this.loadChallenger(experiment);
      this.active = { experiment, challenger }; // the swap
      this.text = text;
      this.failed = null;
      this.loads++;
      this.opts.logger?.info(
        {
          experiment_id: experiment.id,
          challenger_version: experiment.challenger.version,
          challenger_run_id: experiment.challenger.run_id,
          weight: experiment.weight,
          shadow: experiment.shadow,
          key_field: experiment.key_field,
        },
        'experiment loaded',
      );
      return { status: 'loaded', experiment: this.active };
    } catch (e) {
      return this.fail(text, (e as Error).message, force);
    }
  }

  private async loadChallenger(e: Experiment): Promise<ServedModel> {
    const dir = this.opts.locate ? await this.opts.locate(e.challenger) : e.challenger.dir;
    const pipeline = await this.opts.load(dir);
    if (pipeline.runId !== e.challenger.run_id) {
      throw new ArtifactError(
        'artifact_mismatch',
        `experiment ${e.id} names challenger run ${e.challenger.run_id} but ${dir} holds run ${pipeline.runId}`,
      );
    }
    return {
      pipeline,
      stamp: null,
      version: e.challenger.version,
      stage: null,
      dir,
      generation: this.loads + 1,
      loadedAt: Date.now(),
    };
  }

  /** Champion only until the file changes or the back-off expires. */
  private fail(text: string, error: string, force: boolean): ExperimentCheck {
    const prev = this.failed;
    const same = prev !== null && prev.text === text && prev.error === error;
    const first = this.opts.pollMs || 1000;
    const backoff = nextBackoff(prev?.backoff, same && !force, first);
    this.failed = { text, error, backoff, retryAt: Date.now() + backoff };
    this.failures++;
    this.lastError = error;
    const was = this.active;
    this.active = null;
    // The state now reflects no file: a later good write (or the same one after the back-off) loads.
    this.text = '\0failed';
    if (!same) {
      this.opts.logger?.error(
        { file: this.file, error, stopped_experiment: was?.experiment.id ?? null },
        'experiment did not load; serving the champion only',
      );
    }
    return { status: 'failed', experiment: null, error };
  }
}
