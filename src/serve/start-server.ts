/**
 * `startServer`: the whole of `tabflow serve` as a library call. It picks the model source (a
 * stage of a models folder followed for hot reload, a stage link, or a run folder served as it
 * is), opens the prediction log, follows the A/B experiment of a production stage, adds the admin
 * routes when given a token (promotion through the registry: the models folder's, or on a node
 * serving from an artifact store the shared one, with the runs fetched), builds the server
 * (`createServer`), listens, and closes it gracefully on SIGTERM/SIGINT or on `close()`.
 *
 * `tabflow serve` parses its flags and config into these options and prints what comes back; a
 * library user gets the same server from code.
 */
import { dirname } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { UsageError } from '../core/errors.js';
import { registryExperimentRecord } from '../experiment/experiment-record.js';
import { InferencePipeline } from '../inference/index.js';
import { type LogConfig, PredictionLog, resolveLogConfig } from '../log/index.js';
import { resolveMonitoringConfig } from '../loop/monitoring-config.js';
import { readRegistryStamp } from '../registry/index.js';
import type { Stage } from '../registry/names.js';
import { openStores } from '../store/open-stores.js';
import { configuredStore } from '../store/storage-setting.js';
import { uiPlugin } from '../ui/ui-plugin.js';
import type { PrimaryLink } from './cluster-primary.js';
import { createServer } from './create-server.js';
import { ExperimentFollower, type ExperimentSource } from './experiment-follower.js';
import { type ListenInfo, listenInfo } from './listen-address.js';
import { fixedModel, type ModelSource } from './model-source.js';
import { type ModelSummary, summarize } from './model-view.js';
import { registryPromoter } from './registry-promoter.js';
import type { AdminOptions } from './routes/admin.js';
import { resolveServeConfig } from './serve-config.js';
import {
  predictionLogFile,
  resolveServeTarget,
  resolveStoreServeTarget,
  type ServeTarget,
} from './serve-target.js';
import { watchSignals } from './shutdown.js';
import { StageFollower } from './stage-follower.js';
import { storePromoter } from './store-promoter.js';
import { openStoreSource, type StoreServing } from './store-source.js';

/** What `startServer` serves and how; every field is optional. */
export interface StartServerOptions {
  /**
   * A run folder, served as it is, or a stage link such as `models/production`, followed (hot
   * reload); not together with `stage` or `modelsDir`.
   */
  model?: string;
  /** The stage of `modelsDir` to serve and follow: dev, staging or production (default production). */
  stage?: string;
  /** The models folder holding the stages, the registry and the prediction log (default `models`). */
  modelsDir?: string;
  /** Address to bind (default 127.0.0.1, loopback only). */
  host?: string;
  /** TCP port (default 8080); 0 takes any free port (see `url`). */
  port?: number;
  /**
   * The prediction log's file, or false for none (default: `<models dir>/predictions.sqlite`, or
   * next to a run folder served without one).
   */
  logFile?: string | false;
  /** The prediction log's durability and batching, as the config's `log` section (default buffered). */
  log?: Partial<LogConfig>;
  /** How often a followed stage and experiment.json are checked, ms (default 1000; 0: only on /admin/reload). */
  reloadPollMs?: number;
  /** Largest accepted request body in bytes (default 1 MiB); larger → 413. */
  bodyLimit?: number;
  /** Score requests that arrive in the same event-loop turn together (default true). */
  microBatch?: boolean;
  /**
   * The bearer token of POST /admin/reload and /admin/promote, at least 16 characters
   * (`tabflow serve` reads TABFLOW_ADMIN_TOKEN); absent: no admin routes.
   */
  adminToken?: string;
  /**
   * A config (environments applied): its `monitoring` section sets the thresholds of
   * GET /monitoring, its `registry` section the gate of /admin/promote.
   */
  config?: Record<string, unknown>;
  /** A pino (or pino-compatible) logger for the server's log lines (default: none). */
  logger?: FastifyBaseLogger;
  /** Signals that close the server gracefully (default SIGTERM and SIGINT; [] for none). */
  signals?: readonly NodeJS.Signals[];
  /** `tabflow serve --workers N`: this worker's link to the primary process (`followPrimary()`). */
  cluster?: PrimaryLink;
  /** Mount the web UI (runs, a run, compare) at /ui/ with its JSON under /api/; needs a models folder. */
  ui?: boolean;
  /**
   * Serve `stage` from an artifact store (`storage.artifacts`) through a local cache instead of
   * the models folder's stage link: the registry (default: the models folder's) says which
   * version; no run or release folder of the training host is read. The A/B experiment is the
   * registry's; /admin/promote fetches both runs and their training data into the cache and gates
   * there (store-promoter.ts); the UI needs a models folder and is off.
   */
  artifacts?: StoreServing;
}

/** A listening server started by `startServer`. */
export interface RunningServer {
  readonly app: FastifyInstance;
  /** Where to reach it: the first loopback URL when bound (the port really bound for port 0). */
  readonly url: string;
  /** Every address bound, and whether anything but loopback is. */
  readonly listening: ListenInfo;
  /** The model served when the server started. */
  readonly model: ModelSummary;
  /** The model source: its `follows` (the link followed, or null) and reload counters. */
  readonly source: ModelSource;
  /** The followed A/B experiment (production stages of a models folder), else null. */
  readonly experiments: ExperimentSource | null;
  readonly log: PredictionLog | null;
  readonly logFile: string | null;
  /** The admin routes exist. */
  readonly admin: boolean;
  /** Closes gracefully: in-flight requests finish, the log is flushed, the signal handlers go. */
  close(): Promise<void>;
  /** Resolves once the server has closed: with the signal that closed it, or null after `close()`. */
  readonly closed: Promise<NodeJS.Signals | null>;
}

/**
 * Starts the server `tabflow serve` runs: the model of `options` (default: the production stage
 * of ./models, followed), its prediction log, experiments and admin routes, listening on
 * `host:port`. Resolves once it listens.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const target = options.artifacts ? resolveStoreServeTarget(options) : resolveServeTarget(options);
  if (options.ui && options.artifacts) {
    throw new UsageError(
      'ui_needs_models_dir',
      '--ui shows the runs of a models folder; a server with storage.artifacts reads its runs from the store',
    );
  }
  if (options.ui && target.root === null) {
    throw new UsageError(
      'ui_needs_models_dir',
      `--ui shows the runs of a models folder; ${target.path} is a run folder served alone: serve a --stage of --models-dir instead`,
    );
  }
  const defaults = resolveServeConfig(undefined);
  const pollMs = options.reloadPollMs ?? defaults.reload_poll_ms;
  const logger = options.logger;
  const served = options.artifacts
    ? await openStoreSource({
        serving: options.artifacts,
        root: target.root as string,
        stage: target.stage as Stage,
        pollMs,
        load: (dir) => InferencePipeline.load(dir),
        logger,
      })
    : { source: await openSource(target, pollMs, logger), experiments: null };
  const source = served.source;
  const opened: { close(): unknown }[] = [source];
  try {
    const first = source.current();
    const logFile = predictionLogFile(options.logFile, target, first.dir);
    const log = logFile ? await openLog(logFile, options.log, logger) : null;
    if (log) opened.push(log);
    const admin = adminOptions(target, options);
    const experiments = options.artifacts
      ? served.experiments
      : await openExperiments(target, pollMs, logger);
    if (experiments) opened.push(experiments);
    if (options.cluster) joinCluster(options.cluster, admin, source, experiments, logger);
    const config = options.config ?? {};
    const app = await createServer({
      source,
      log,
      logger: logger ?? false,
      bodyLimit: options.bodyLimit ?? defaults.body_limit,
      microBatch: options.microBatch !== false,
      explainThreads: true,
      admin,
      experiments,
      monitoring: config.monitoring !== undefined ? resolveMonitoringConfig(config.monitoring) : undefined,
      // With --workers, /metrics answers for all of them.
      clusterMetrics: options.cluster?.metrics,
    });
    opened.length = 0; // the server closes them from here on
    if (options.ui)
      await app.register(uiPlugin, { modelsDir: target.root as string, adminToken: options.adminToken });
    const { closed, close } = await listen(app, options, defaults);
    options.cluster?.ready();
    const listening = listenInfo(app.addresses());
    const running = { app, url: listening.url, listening, model: summarize(first), source, experiments };
    return { ...running, log, logFile, admin: admin !== null, close, closed };
  } catch (e) {
    await Promise.allSettled(opened.map(async (c) => c.close()));
    throw e;
  }
}

/** Listens on `options.host:port` with the signal handlers in place; a port that cannot be had is a UsageError. */
async function listen(
  app: FastifyInstance,
  options: StartServerOptions,
  defaults: { host: string; port: number },
): Promise<Pick<RunningServer, 'close' | 'closed'>> {
  const host = options.host ?? defaults.host;
  const port = options.port ?? defaults.port;
  const watch = watchSignals(app, { signals: options.signals });
  let closedByCall: (v: null) => void = () => {};
  const byCall = new Promise<null>((resolve) => {
    closedByCall = resolve;
  });
  let closing: Promise<void> | null = null;
  const close = async () => {
    // A signal already closing the server: wait for it.
    if (watch.signal) {
      await watch.closed;
      return;
    }
    watch.stop();
    closing ??= app.close().then(() => closedByCall(null));
    await closing;
  };
  try {
    await app.listen({ host, port });
  } catch (e) {
    watch.stop();
    await app.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      throw new UsageError(
        'cannot_listen',
        `Cannot listen on ${host}:${port} (${err.code}); choose another --host or --port`,
      );
    }
    throw e;
  }
  return { close, closed: Promise.race([watch.closed, byCall]) };
}

async function openSource(
  t: ServeTarget,
  pollMs: number,
  logger: FastifyBaseLogger | undefined,
): Promise<ModelSource> {
  const load = (dir: string) => InferencePipeline.load(dir);
  if (t.follow) return StageFollower.open({ link: t.path, load, pollMs, stage: t.stage, logger });
  const pipeline = load(t.path);
  return fixedModel(pipeline, { stamp: readRegistryStamp(pipeline.dir), dir: pipeline.dir, stage: t.stage });
}

function openLog(file: string, raw: Partial<LogConfig> | undefined, logger: FastifyBaseLogger | undefined) {
  const cfg = resolveLogConfig(raw);
  return PredictionLog.open(file, {
    durability: cfg.durability,
    batchSize: cfg.batch_size,
    flushMs: cfg.flush_ms,
    onError: (e) => logger?.error({ err: e }, 'prediction log flush failed'),
  });
}

/** Admin routes with the token; promotion through the registry of the models folder, when known. */
function adminOptions(t: ServeTarget, o: StartServerOptions): AdminOptions | null {
  const token = o.adminToken;
  if (!token) return null;
  if (token.length < 16) {
    throw new UsageError(
      'weak_admin_token',
      `TABFLOW_ADMIN_TOKEN has ${token.length} characters; use at least 16 (e.g. openssl rand -hex 32)`,
    );
  }
  const root = t.root ?? (t.follow ? dirname(t.path) : null);
  // A host serving from a store has no run folders: it fetches both runs and their data to gate.
  if (o.artifacts && root) {
    return { token, promote: storePromoter({ serving: o.artifacts, root, rawConfig: o.config ?? {} }) };
  }
  return { token, promote: root ? registryPromoter(root, o.config ?? {}) : undefined };
}

/**
 * A/B experiments are between production and a challenger: only a production server runs them.
 * With a storage setting the experiment is the registry's row (experiment-record.ts), read through
 * a connection the follower holds; else the models folder's experiment.json.
 */
async function openExperiments(
  t: ServeTarget,
  pollMs: number,
  logger: FastifyBaseLogger | undefined,
): Promise<ExperimentSource | null> {
  if (!(t.root && t.follow && t.stage === 'production')) return null;
  const load = (dir: string) => InferencePipeline.load(dir);
  const shared = configuredStore('registry');
  if (!shared) return ExperimentFollower.open({ root: t.root, load, pollMs, logger });
  const stores = await openStores({ registry: shared });
  try {
    const follower = await ExperimentFollower.open({
      record: registryExperimentRecord(stores.registry),
      load,
      pollMs,
      logger,
    });
    const close = follower.close.bind(follower);
    follower.close = () => {
      close();
      void stores.close();
    };
    return follower;
  } catch (e) {
    await stores.close();
    throw e;
  }
}

/** One admin reload moves every worker: this one tells the others, and follows theirs. */
function joinCluster(
  primary: PrimaryLink,
  admin: AdminOptions | null,
  source: ModelSource,
  experiments: ExperimentSource | null,
  logger: FastifyBaseLogger | undefined,
): void {
  if (!admin) return;
  admin.onReload = () => primary.announceReload();
  primary.onReload(() => {
    const failed = (err: unknown) => logger?.error({ err }, 'reload asked by another worker failed');
    source.reload({ force: true }).catch(failed);
    experiments?.reload({ force: true }).catch(failed);
  });
}
