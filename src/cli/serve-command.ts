/**
 * `tabflow serve`: pick the model source, open the prediction log, listen, and close gracefully
 * on SIGTERM/SIGINT. Everything else lives in src/serve/ (createServer, StageFollower) and src/log/.
 *
 * What is served:
 *   --stage S [--models-dir D]   the stage link D/S, followed: when the registry moves it, the
 *                                server loads the new version and swaps (hot reload)
 *   --model DIR                  a symlink (e.g. models/production) is followed the same way; a
 *                                plain folder (a run folder) is served as it is, without reload
 *   neither                      --stage production
 * Defaults for host, port, log level and the reload poll come from the `serve` section of
 * --config, the prediction log's durability and batching from its `log` section (with --env /
 * TABFLOW_ENV applied); flags win. Serving production from a models folder, the server also
 * runs the A/B experiment of `<models dir>/experiment.json` (tabflow ab), polled like the stage
 * link. With TABFLOW_ADMIN_TOKEN set,
 * POST /admin/reload and /admin/promote exist (promotion goes through the registry in the
 * models folder).
 */
import cluster from 'node:cluster';
import { existsSync, lstatSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pino } from 'pino';
import { readConfigFile } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import { InferencePipeline } from '../inference/index.js';
import { type LogConfig, type LogDurability, PredictionLog, resolveLogConfig } from '../log/index.js';
import { resolveMonitoringConfig } from '../loop/monitoring-config.js';
import { readRegistryStamp } from '../registry/index.js';
import {
  type AdminOptions,
  closeOnSignals,
  createServer,
  defaultLogPath,
  ExperimentFollower,
  fixedModel,
  followPrimary,
  type ModelSource,
  type PrimaryLink,
  runWorkers,
  StageFollower,
} from '../serve/index.js';
import { adminExposureWarning, describeListen, listenInfo } from '../serve/listen-address.js';
import { summarize } from '../serve/model-view.js';
import { registryPromoter } from '../serve/registry-promoter.js';
import { LOG_LEVELS, resolveServeConfig, type ServeConfig } from '../serve/serve-config.js';

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
}

const STAGES = ['dev', 'staging', 'production'];

interface Target {
  /** Folder or link to load. */
  path: string;
  /** Followed (a symlink) or served as it is. */
  follow: boolean;
  /** Stage named for folders without registry.json. */
  stage: string | null;
  /** The models root (registry, prediction log), when known. */
  root: string | null;
}

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
  const target = resolveTarget(opts);
  if (workers > 1 && cluster.isPrimary) {
    // Fail here, once, on a model that does not load, rather than in every worker. Each worker
    // then follows the stage by itself.
    const p = InferencePipeline.load(target.path);
    // Create the shared log here, once: a bad --log-db fails before any worker starts.
    const logFile = logFileOf(opts, target, p.dir);
    if (logFile) new PredictionLog(logFile).close();
    const say = (line: string) => process.stderr.write(`tabflow serve: ${line}\n`);
    const what = target.follow ? `, following ${target.path}` : '';
    return runWorkers(workers, say, `${workers} workers for ${p.modelName} (run ${p.runId})${what}`);
  }
  if (!cluster.isWorker) return serveHere(opts, cfg, target, { host, port, bodyLimit, pollMs, level });
  const primary = followPrimary();
  try {
    return await serveHere(opts, cfg, target, { host, port, bodyLimit, pollMs, level }, primary);
  } finally {
    // The IPC channel to the primary would keep a worker alive, also one that failed to start
    // (the primary, waiting for it, would then hang).
    // cluster.worker.disconnect, not process.disconnect: the latter makes node exit with 0 at
    // once, hiding a failure from the primary.
    if (process.connected) cluster.worker?.disconnect();
  }
}

/** One server in this process: a plain `serve`, or one worker of `serve --workers N`. */
async function serveHere(
  opts: ServeOptions,
  cfg: ReturnType<typeof serveConfig>,
  target: Target,
  {
    host,
    port,
    bodyLimit,
    pollMs,
    level,
  }: { host: string; port: number; bodyLimit: number; pollMs: number; level: string },
  primary?: PrimaryLink,
): Promise<number> {
  // Asynchronous writes to stdout: lines written while one write is pending go out together,
  // instead of one blocking write per request.
  const logger = pino(
    { level, base: { service: 'tabflow', ...(cfg.environment ? { env: cfg.environment } : {}) } },
    pino.destination({ dest: 1, sync: false }),
  );
  const source = await openSource(target, pollMs, logger);
  const first = source.current();
  const logFile = logFileOf(opts, target, first.dir);
  const log = logFile
    ? new PredictionLog(logFile, {
        durability: cfg.log.durability,
        batchSize: cfg.log.batch_size,
        flushMs: cfg.log.flush_ms,
        onError: (e) => logger.error({ err: e }, 'prediction log flush failed'),
      })
    : null;
  const admin = adminOptions(target, cfg.raw);
  // A/B experiments are between production and a challenger: only a production server runs them.
  const experiments =
    target.root && target.follow && target.stage === 'production'
      ? await ExperimentFollower.open({
          root: target.root,
          load: (dir) => InferencePipeline.load(dir),
          pollMs,
          logger,
        })
      : null;
  if (primary && admin) {
    // One admin reload moves every worker: this one tells the others, and follows theirs.
    admin.onReload = () => primary.announceReload();
    primary.onReload(() => {
      const failed = (err: unknown) => logger.error({ err }, 'reload asked by another worker failed');
      source.reload({ force: true }).catch(failed);
      experiments?.reload({ force: true }).catch(failed);
    });
  }
  const app = await createServer({
    source,
    log,
    logger,
    bodyLimit,
    microBatch: opts.microBatch !== false,
    explainThreads: true,
    admin,
    experiments,
    monitoring: cfg.raw.monitoring !== undefined ? resolveMonitoringConfig(cfg.raw.monitoring) : undefined,
    // With --workers, /metrics answers for all of them.
    clusterMetrics: primary?.metrics,
  });
  const closed = closeOnSignals(app);
  try {
    await app.listen({ host, port });
  } catch (e) {
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
  primary?.ready();
  // The addresses really bound: the port --port 0 got, every interface behind 0.0.0.0.
  const where = listenInfo(app.addresses());
  const url = where.url;
  const exposure = adminExposureWarning(where, admin !== null);
  // With --workers, the first worker speaks for all of them.
  if (!cluster.isWorker || process.env.TABFLOW_WORKER === '1') {
    const version = first.version === null ? '' : ` v${first.version}`;
    const named = summarize(first);
    const follow = source.follows
      ? `following ${source.follows} (every ${pollMs} ms${admin ? ', POST /admin/reload' : ''})`
      : 'fixed model (no reload)';
    const ab = experiments?.current()?.experiment;
    const abLine = ab
      ? `  A/B ${ab.id}: challenger v${ab.challenger.version} ${ab.shadow ? 'in shadow' : `at ${ab.weight * 100}%`}\n`
      : '';
    process.stderr.write(
      `tabflow serve: ${named.name ?? named.family}${version} (${named.family}, run ${named.run_id}) at ${describeListen(where)}\n` +
        (exposure ? `  warning: ${exposure}\n` : '') +
        abLine +
        `  ${follow} · admin ${admin ? 'on' : 'off (set TABFLOW_ADMIN_TOKEN)'}\n` +
        `  docs ${url}/docs · prediction log ${logFile ? `${logFile} (${cfg.log.durability})` : 'off (--no-log)'} · Ctrl-C to stop\n`,
    );
  } else {
    process.stderr.write(`tabflow serve: worker ${process.env.TABFLOW_WORKER} ready\n`);
  }
  const signal = await closed;
  const who = cluster.isWorker ? `worker ${process.env.TABFLOW_WORKER} ` : '';
  const logged = log ? `, ${log.writtenCount} predictions logged` : '';
  const swaps = source.counters.swaps ? `, ${source.counters.swaps} model reloads` : '';
  process.stderr.write(`tabflow serve: ${who}stopped on ${signal}${logged}${swaps}\n`);
  logger.flush();
  return 0;
}

/** The `serve` section of --config with the environment's overrides; defaults without a config. */
function serveConfig(
  opts: ServeOptions,
): ServeConfig & { log: LogConfig; raw: Record<string, unknown>; environment: string | null } {
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
    return { ...resolveServeConfig(undefined), log, raw: {}, environment: null };
  }
  const raw = applyEnvironment(readConfigFile(opts.config), env);
  const log = withFlags(resolveLogConfig(raw.log));
  return { ...resolveServeConfig(raw.serve), log, raw, environment: env };
}

function durabilityOption(text: string | undefined): LogDurability | undefined {
  if (text === undefined) return undefined;
  if (text === 'buffered' || text === 'ack') return text;
  throw new UsageError(
    'bad_log_durability',
    `--log-durability ${JSON.stringify(text)} is not allowed: expected buffered or ack`,
  );
}

function resolveTarget(opts: ServeOptions): Target {
  if (opts.model !== undefined && (opts.stage !== undefined || opts.modelsDir !== undefined)) {
    throw new UsageError(
      'conflicting_options',
      '--model cannot be combined with --stage/--models-dir: give a folder, or a stage of a models folder',
    );
  }
  if (opts.model !== undefined) {
    const path = resolve(opts.model);
    const link = isSymlink(path);
    const name = basename(path);
    const stage = STAGES.includes(name) ? name : null;
    return { path, follow: link, stage, root: stage ? dirname(path) : null };
  }
  const stage = opts.stage ?? 'production';
  if (!STAGES.includes(stage)) {
    throw new UsageError(
      'bad_stage',
      `--stage ${JSON.stringify(stage)} is not allowed: expected one of ${STAGES.join(', ')}`,
    );
  }
  const root = resolve(opts.modelsDir ?? 'models');
  const path = join(root, stage);
  if (!existsSync(path)) {
    throw new UsageError(
      'stage_empty',
      `No model in stage ${stage}: ${path} does not exist. Promote a version first ` +
        `(tabflow models promote <version> --to ${stage}) or serve a run folder with --model`,
    );
  }
  return { path, follow: true, stage, root };
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

async function openSource(t: Target, pollMs: number, logger: pino.Logger): Promise<ModelSource> {
  const load = (dir: string) => InferencePipeline.load(dir);
  if (t.follow) return StageFollower.open({ link: t.path, load, pollMs, stage: t.stage, logger });
  const dir = resolve(t.path);
  const pipeline = load(dir);
  return fixedModel(pipeline, { stamp: readRegistryStamp(pipeline.dir), dir: pipeline.dir, stage: t.stage });
}

/** The prediction log: --log-db, else the models root's; null with --no-log. */
function logFileOf(opts: ServeOptions, t: Target, dir: string | null): string | null {
  if (opts.log === false) return null;
  if (opts.logDb) return resolve(opts.logDb);
  return resolve(t.root ? join(t.root, 'predictions.sqlite') : defaultLogPath(dir ?? t.path));
}

function adminOptions(t: Target, rawConfig: Record<string, unknown>): AdminOptions | null {
  const token = process.env.TABFLOW_ADMIN_TOKEN;
  if (!token) return null;
  if (token.length < 16) {
    throw new UsageError(
      'weak_admin_token',
      `TABFLOW_ADMIN_TOKEN has ${token.length} characters; use at least 16 (e.g. openssl rand -hex 32)`,
    );
  }
  const root = t.root ?? (t.follow ? dirname(t.path) : null);
  return { token, promote: root ? registryPromoter(root, rawConfig) : undefined };
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
