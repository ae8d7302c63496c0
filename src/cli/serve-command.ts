/**
 * `tabflow serve`: flags and the config file turned into `startServer` options (src/serve/
 * start-server.ts, which picks the model source, opens the prediction log, follows experiments,
 * adds the admin routes, listens and shuts down on SIGTERM/SIGINT), the start-up and stop lines,
 * and `--workers N` (cluster-primary.ts).
 *
 * What is served: `--stage S [--models-dir D]` (the stage link D/S, followed), `--model DIR` (a
 * symlink is followed, a plain run folder served as it is), neither: `--stage production`.
 * Defaults for host, port, log level and the reload poll come from the `serve` section of
 * --config, the prediction log's durability and batching from its `log` section (with --env /
 * TABFLOW_ENV applied); flags win. With TABFLOW_ADMIN_TOKEN set, POST /admin/reload and
 * /admin/promote exist (promotion goes through the registry in the models folder).
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { readConfigFile } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import { InferencePipeline } from '../inference/index.js';
import { type LogConfig, type LogDurability, PredictionLog, resolveLogConfig } from '../log/index.js';
import { followPrimary, type PrimaryLink, runWorkers } from '../serve/index.js';
import { adminExposureWarning, describeListen } from '../serve/listen-address.js';
import { LOG_LEVELS, resolveServeConfig, type ServeConfig } from '../serve/serve-config.js';
import { predictionLogFile, resolveServeTarget, resolveStoreServeTarget } from '../serve/serve-target.js';
import { type RunningServer, startServer } from '../serve/start-server.js';
import type { StoreServing } from '../serve/store-source.js';
import {
  type ArtifactStorageConfig,
  artifactCacheDir,
  resolveArtifactStorageConfig,
} from '../store/artifacts/artifacts-config.js';
import { isModelsFolderStore } from '../store/artifacts/open-artifact-store.js';

/** The flags of `tabflow serve`, as commander hands them over. */
export interface ServeOptions {
  model?: string;
  stage?: string;
  modelsDir?: string;
  config?: string;
  env?: string;
  host?: string;
  port?: string;
  logDb?: string;
  /** false with --no-log. */
  log?: boolean;
  /** buffered | ack (default: the config's log.durability). */
  logDurability?: string;
  logLevel?: string;
  bodyLimit?: string;
  workers?: string;
  reloadPollMs?: string;
  /** false with --no-micro-batch. */
  microBatch?: boolean;
  /** --ui: mount the web UI at /ui/. */
  ui?: boolean;
}

/** The flags checked and the config applied: what one server process needs. */
interface Settings {
  cfg: ReturnType<typeof serveConfig>;
  host: string;
  port: number;
  bodyLimit: number;
  pollMs: number;
  level: string;
}

/** Runs `tabflow serve` until a signal stops it; the exit code. */
export async function serveCommand(opts: ServeOptions): Promise<number> {
  const cfg = serveConfig(opts);
  const host = opts.host ?? cfg.host;
  const port = intOption('--port', opts.port ?? String(cfg.port), 0, 65535);
  const bodyLimit = intOption('--body-limit', opts.bodyLimit ?? String(cfg.body_limit), 1, 1 << 30);
  const pollMs = intOption('--reload-poll-ms', opts.reloadPollMs ?? String(cfg.reload_poll_ms), 0, 3_600_000);
  const level = opts.logLevel ?? cfg.log_level;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(
      'bad_log_level',
      `--log-level ${JSON.stringify(level)} is not allowed: expected one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  const workers = intOption('--workers', opts.workers ?? '1', 1, 64);
  const settings = { cfg, host, port, bodyLimit, pollMs, level };
  if (workers > 1 && cluster.isPrimary) return servePrimary(opts, workers);
  if (!cluster.isWorker) return serveHere(opts, settings);
  const primary = followPrimary();
  try {
    return await serveHere(opts, settings, primary);
  } finally {
    // The IPC channel to the primary would keep a worker alive, also one that failed to start
    // (the primary, waiting for it, would then hang).
    // cluster.worker.disconnect, not process.disconnect: the latter makes node exit with 0 at
    // once, hiding a failure from the primary.
    if (process.connected) cluster.worker?.disconnect();
  }
}

/** `--workers N`: the primary forks N servers sharing the port; each follows the stage by itself. */
async function servePrimary(opts: ServeOptions, workers: number): Promise<number> {
  const say = (line: string) => process.stderr.write(`tabflow serve: ${line}\n`);
  const store = storeServing(opts, serveConfig(opts).storage);
  if (store) {
    // Each worker fetches the stage into the shared cache (materialising is safe in parallel).
    const target = resolveStoreServeTarget(opts);
    return runWorkers(workers, say, `${workers} workers following ${target.stage} from ${store.artifacts}`);
  }
  const target = resolveServeTarget(opts);
  // Fail here, once, on a model that does not load, rather than in every worker.
  const p = InferencePipeline.load(target.path);
  // Create the shared log here, once: a bad --log-db fails before any worker starts.
  const logFile = predictionLogFile(logFileOption(opts), target, p.dir);
  if (logFile) await (await PredictionLog.open(logFile)).close();
  const what = target.follow ? `, following ${target.path}` : '';
  return runWorkers(workers, say, `${workers} workers for ${p.modelName} (run ${p.runId})${what}`);
}

/** One server in this process: a plain `serve`, or one worker of `serve --workers N`. */
async function serveHere(opts: ServeOptions, s: Settings, primary?: PrimaryLink): Promise<number> {
  const { cfg } = s;
  // Asynchronous writes to stdout: lines written while one write is pending go out together,
  // instead of one blocking write per request.
  const logger = pino(
    { level: s.level, base: { service: 'tabflow', ...(cfg.environment ? { env: cfg.environment } : {}) } },
    pino.destination({ dest: 1, sync: false }),
  );
  const server = await startServer({
    model: opts.model,
    stage: opts.stage,
    modelsDir: opts.modelsDir,
    host: s.host,
    port: s.port,
    logFile: logFileOption(opts),
    log: cfg.log,
    reloadPollMs: s.pollMs,
    bodyLimit: s.bodyLimit,
    microBatch: opts.microBatch !== false,
    adminToken: process.env.TABFLOW_ADMIN_TOKEN || undefined,
    config: cfg.raw,
    logger,
    cluster: primary,
    ui: opts.ui === true,
    artifacts: storeServing(opts, cfg.storage),
  });
  // With --workers, the first worker speaks for all of them.
  if (!cluster.isWorker || process.env.TABFLOW_WORKER === '1')
    process.stderr.write(banner(server, s, opts.ui === true));
  else process.stderr.write(`tabflow serve: worker ${process.env.TABFLOW_WORKER} ready\n`);
  const signal = await server.closed;
  const who = cluster.isWorker ? `worker ${process.env.TABFLOW_WORKER} ` : '';
  const logged = server.log ? `, ${server.log.writtenCount} predictions logged` : '';
  const swaps = server.source.counters.swaps ? `, ${server.source.counters.swaps} model reloads` : '';
  process.stderr.write(`tabflow serve: ${who}stopped on ${signal}${logged}${swaps}\n`);
  logger.flush();
  return 0;
}

/** The start-up lines: the model, the addresses really bound (the port --port 0 got), what is followed. */
function banner(server: RunningServer, s: Settings, ui: boolean): string {
  const { model: named, admin, listening } = server;
  const exposure = adminExposureWarning(listening, admin);
  const version = named.version === null ? '' : ` v${named.version}`;
  const follow = server.source.follows
    ? `following ${server.source.follows} (every ${s.pollMs} ms${admin ? ', POST /admin/reload' : ''})`
    : 'fixed model (no reload)';
  const ab = server.experiments?.current()?.experiment;
  const abLine = ab
    ? `  A/B ${ab.id}: challenger v${ab.challenger.version} ${ab.shadow ? 'in shadow' : `at ${ab.weight * 100}%`}\n`
    : '';
  const logLine = server.logFile ? `${server.logFile} (${s.cfg.log.durability})` : 'off (--no-log)';
  return (
    `tabflow serve: ${named.name ?? named.family}${version} (${named.family}, run ${named.run_id}) at ${describeListen(listening)}\n` +
    (exposure ? `  warning: ${exposure}\n` : '') +
    abLine +
    `  ${follow} · admin ${admin ? 'on' : 'off (set TABFLOW_ADMIN_TOKEN)'}\n` +
    `  docs ${server.url}/docs${ui ? ` · web UI ${server.url}/ui/` : ''} · prediction log ${logLine} · Ctrl-C to stop\n`
  );
}

/**
 * `storage.artifacts` when it names a store other than the models folder: the stage is then
 * fetched from it into `storage.artifact_cache`; undefined: served from the models folder.
 */
function storeServing(opts: ServeOptions, storage: ArtifactStorageConfig): StoreServing | undefined {
  const uri = storage.artifacts;
  if (uri === null || isModelsFolderStore(uri, resolve(opts.modelsDir ?? 'models'))) return undefined;
  return { artifacts: uri, cacheDir: artifactCacheDir(storage) };
}

/** --log-db, or false with --no-log; undefined: the default next to the models. */
function logFileOption(opts: ServeOptions): string | false | undefined {
  if (opts.log === false) return false;
  return opts.logDb || undefined;
}

/** The `serve` section of --config with the environment's overrides; defaults without a config. */
function serveConfig(opts: ServeOptions): ServeConfig & {
  log: LogConfig;
  raw: Record<string, unknown>;
  environment: string | null;
  storage: ArtifactStorageConfig;
} {
  const env = selectedEnvironment(opts.env);
  const withFlags = (log: LogConfig): LogConfig => ({
    ...log,
    durability: durabilityOption(opts.logDurability) ?? log.durability,
  });
  if (!opts.config) {
    if (opts.env) {
      throw new UsageError(
        'env_without_config',
        `--env ${opts.env} needs --config: the overrides live there`,
      );
    }
    const log = withFlags(resolveLogConfig(undefined));
    const storage = resolveArtifactStorageConfig(undefined);
    return { ...resolveServeConfig(undefined), log, raw: {}, environment: null, storage };
  }
  const raw = applyEnvironment(readConfigFile(opts.config), env);
  const log = withFlags(resolveLogConfig(raw.log));
  const storage = resolveArtifactStorageConfig(raw.storage);
  return { ...resolveServeConfig(raw.serve), log, raw, environment: env, storage };
}

function durabilityOption(text: string | undefined): LogDurability | undefined {
  if (text === undefined) return undefined;
  if (text === 'buffered' || text === 'ack') return text;
  throw new UsageError(
    'bad_log_durability',
    `--log-durability ${JSON.stringify(text)} is not allowed: expected buffered or ack`,
  );
}

function intOption(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      'bad_option',
      `${flag} ${JSON.stringify(text)} is not allowed: expected an integer in [${min}, ${max}]`,
    );
  }
  return n;
}
