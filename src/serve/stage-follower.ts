/**
 * A model source that follows a stage link (`models/production` → `.releases/production-v7-…`).
 * The registry moves a stage by renaming a new link over the old one, so resolving the link gives
 * either the old or the new release folder, each complete. Every `pollMs` (and on `reload()`) the
 * link is resolved; when it names another folder, that folder is loaded completely and only then
 * does one assignment make it current. Requests that started earlier keep the model they took.
 *
 * A load that fails (a tampered or half-deleted folder, a registry.json naming another run) keeps
 * the old model, is logged and counted; the same folder is retried with a growing back-off
 * (pollMs, or 1 s without polling, doubling up to 30 s), or at once on a forced reload.
 *
 * Checks run one at a time: a reload asked for while one runs waits for it, then checks again,
 * so its answer reflects the link as it was when it was asked.
 */
import { realpathSync } from 'node:fs';
import { ArtifactError } from '../core/errors.js';
import { readRegistryStamp } from '../registry/registry-stamp.js';
import type { ModelSource, ReloadCounters, ReloadResult, ServedModel } from './model-source.js';
import type { ModelPipeline } from './pipeline-port.js';
import { nextBackoff, SerialChecks } from './serial-checks.js';

/** The logger a follower reports loads and failures to (pino fits). */
export interface SourceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What `StageFollower.open` follows and how often. */
export interface FollowOptions {
  /** The stage link (or any folder path; a plain folder never changes); names what is followed. */
  link: string;
  /**
   * Where the stage is now, as the folder to load (default: the link resolved). A stage served
   * from an artifact store names its folder in the local cache (serve/store-source.ts).
   */
  locate?: () => string | Promise<string>;
  /** Loads one complete folder (the CLI passes InferencePipeline.load). */
  load: (dir: string) => ModelPipeline | Promise<ModelPipeline>;
  /** How often to look at the link, ms; 0 = only on reload(). */
  pollMs?: number;
  /** Stage named for folders without a registry.json (e.g. 'production'). */
  stage?: string | null;
  logger?: SourceLogger;
}

/** A model source following a stage link: a moved-to folder loaded completely, then swapped in. */
export class StageFollower implements ModelSource {
  readonly follows: string;
  private model: ServedModel;
  private readonly opts: FollowOptions;
  private readonly logger: SourceLogger | null;
  private failed: { dir: string | null; error: string; retryAt: number; backoff: number } | null = null;
  private readonly checks: SerialChecks<ReloadResult>;
  private swaps = 0;
  private failures = 0;
  private lastError: string | null = null;

  private constructor(opts: FollowOptions, first: ServedModel) {
    this.opts = opts;
    this.follows = opts.link;
    this.logger = opts.logger ?? null;
    this.model = first;
    this.checks = new SerialChecks((force) => this.check(force), opts.pollMs ?? 1000);
  }

  /** Load what the link names now (errors propagate: there is no old model to keep) and follow it. */
  static async open(opts: FollowOptions): Promise<StageFollower> {
    const dir = await (opts.locate ?? (() => resolveLink(opts.link)))();
    const first = await loadServed(opts, dir, 1);
    return new StageFollower(opts, first);
  }

  current(): ServedModel {
    return this.model;
  }

  get counters(): ReloadCounters {
    return { swaps: this.swaps, failures: this.failures, lastError: this.lastError };
  }

  reload(o: { force?: boolean } = {}): Promise<ReloadResult> {
    return this.checks.run(o.force === true);
  }

  close(): void {
    this.checks.close();
  }

  private async check(force: boolean): Promise<ReloadResult> {
    let dir: string;
    try {
      dir = await (this.opts.locate ?? (() => resolveLink(this.opts.link)))();
    } catch (e) {
      return this.fail(null, (e as Error).message, force);
    }
    if (dir === this.model.dir) {
      this.failed = null;
      return { status: 'unchanged', model: this.model };
    }
    const f = this.failed;
    if (!force && f && f.dir === dir && Date.now() < f.retryAt) {
      return { status: 'failed', model: this.model, error: f.error };
    }
    try {
      const next = await loadServed(this.opts, dir, this.model.generation + 1);
      const previous = this.model;
      this.model = next; // the swap: requests from now on take `next`
      this.swaps++;
      this.failed = null;
      this.logger?.info(
        {
          run_id: next.pipeline.runId,
          version: next.version,
          stage: next.stage,
          dir,
          previous_run_id: previous.pipeline.runId,
          previous_version: previous.version,
        },
        'model reloaded',
      );
      return { status: 'loaded', model: next, previous };
    } catch (e) {
      return this.fail(dir, (e as Error).message, force);
    }
  }

  private fail(dir: string | null, error: string, force: boolean): ReloadResult {
    const prev = this.failed;
    const same = prev !== null && prev.dir === dir && prev.error === error;
    const first = this.opts.pollMs || 1000;
    const backoff = nextBackoff(prev?.backoff, same && !force, first);
    this.failed = { dir, error, backoff, retryAt: Date.now() + backoff };
    this.failures++;
    this.lastError = error;
    // Once per distinct failure, not on every poll.
    if (!same) {
      this.logger?.error(
        { link: this.opts.link, dir, error, serving_run_id: this.model.pipeline.runId },
        'model reload failed; keeping the current model',
      );
    }
    return { status: 'failed', model: this.model, error };
  }
}

/** The folder the link names now, fully resolved (one consistent answer even while it moves). */
function resolveLink(link: string): string {
  try {
    return realpathSync(link);
  } catch (e) {
    throw new ArtifactError(
      'stage_missing',
      `Cannot resolve ${link} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ` +
        'no model is published there',
    );
  }
}

async function loadServed(opts: FollowOptions, dir: string, generation: number): Promise<ServedModel> {
  const pipeline = await opts.load(dir);
  const stamp = readRegistryStamp(dir);
  if (stamp && stamp.run_id !== pipeline.runId) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${dir}/registry.json names run ${stamp.run_id} but the model files are run ${pipeline.runId}`,
    );
  }
  return {
    pipeline,
    stamp,
    version: stamp?.version ?? null,
    stage: stamp?.stage ?? opts.stage ?? null,
    dir,
    generation,
    loadedAt: Date.now(),
  };
}
