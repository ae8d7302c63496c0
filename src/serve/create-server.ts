/**
 * `createServer`: the HTTP service around a model source — one fixed pipeline, or a stage that
 * the registry moves (hot reload) — as a composition of fastify plugins. `startServer`
 * (start-server.ts) opens the sources, the log and the admin routes and listens; tests drive
 * `createServer` with `inject()`.
 *
 *   POST /predict /invocations           routes/predict.ts, over one ScoringService
 *   GET  /health /ready /metadata /metrics /openapi.json   routes/ops.ts; /docs: openapi-doc.ts
 *   POST /feedback, GET /monitoring      routes/feedback.ts
 *   POST /admin/reload /admin/promote    routes/admin.ts, only with an admin token
 *
 * What every route shares (body parsers, request ids, the request log line, error answers) is
 * set on the root instance first (http-conventions.ts), so each plugin's scope inherits it. Each
 * request takes the current model (and experiment) once, when its handler starts, and uses it for
 * everything (served-views.ts): a reload never mixes two models in one request.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { PredictionLog } from '../log/prediction-log.js';
import type { MonitoringConfig } from '../loop/monitoring-config.js';
import { VERSION } from '../version.js';
import type { ExperimentSource } from './experiment-follower.js';
import { applyHttpConventions } from './http-conventions.js';
import { type ClusterMetrics, ServerMetrics, type ServerSample } from './metrics.js';
import { fixedModel, type ModelSource } from './model-source.js';
import type { ModelView } from './model-view.js';
import { registerOpenApi } from './openapi-doc.js';
import type { ModelPipeline } from './pipeline-port.js';
import { type AdminOptions, adminRoutes } from './routes/admin.js';
import { feedbackRoutes } from './routes/feedback.js';
import { opsRoutes } from './routes/ops.js';
import { predictRoutes } from './routes/predict.js';
import { ScoringService } from './scoring-service.js';
import { ServedViews } from './served-views.js';
import { logCheck, registryCheck, type StoreCheck } from './store-health.js';

/** What `createServer` serves, logs, and how much one request may ask. */
export interface ServerOptions {
  /** A model served for ever; give this or `source`. */
  pipeline?: ModelPipeline;
  /** Where the current model comes from (e.g. a StageFollower); closed when the server closes. */
  source?: ModelSource;
  /** Admin routes (/admin/reload, /admin/promote); absent or without a token → not registered. */
  admin?: AdminOptions | null;
  /** Where every scored row is recorded; closed (flushed) when the server closes. */
  log?: PredictionLog | null;
  /** A pino logger, fastify logger options, or false for none (default). */
  logger?: boolean | FastifyBaseLogger | Record<string, unknown>;
  /** Largest accepted body in bytes (default 1 MiB); larger → 413. */
  bodyLimit?: number;
  /** Most rows in one request (default 10,000); more → 400. */
  maxRows?: number;
  /**
   * Most rows in one request that asks for explanations (default 200): attributions of a fully
   * grown forest or a k-NN cost up to a second per row.
   */
  maxExplainRows?: number;
  /**
   * Explain requests are scored on a worker thread per model (loaded from the model's folder),
   * so they never hold the event loop (default false: in-thread; models without a folder always).
   */
  explainThreads?: boolean;
  /** Score requests that arrive in the same event-loop turn together (default true). */
  microBatch?: boolean;
  /** A/B experiments to run against the served model (an ExperimentFollower); closed with the server. */
  experiments?: ExperimentSource | null;
  /** Thresholds of GET /monitoring (default: the served run's own `monitoring` section). */
  monitoring?: MonitoringConfig;
  /** `tabflow serve --workers N`: /metrics answers for every worker (cluster-primary.ts). */
  clusterMetrics?: ClusterMetrics | null;
}

/** Each server's scoring service: `serverIdle(app)` waits for its shadow predictions. */
const scoringOf = new WeakMap<FastifyInstance, ScoringService>();

/** Resolves when every shadow prediction started so far has been made and logged. */
export async function serverIdle(app: FastifyInstance): Promise<void> {
  await scoringOf.get(app)?.idle();
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The fastify instance serving `opts.pipeline` or `opts.source`, with its routes registered (not
 * listening yet). Closing it closes the source, the experiments and the log, once shadow
 * predictions and explain jobs are done.
 */
export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  if (!opts.source && !opts.pipeline) throw new TypeError('createServer needs a pipeline or a source');
  const source = opts.source ?? fixedModel(opts.pipeline as ModelPipeline);
  const experiments = opts.experiments ?? null;
  const log = opts.log ?? null;
  const stores = [log && logCheck(log), registryCheck()].filter((c): c is StoreCheck => Boolean(c));
  const maxRows = opts.maxRows ?? 10_000;
  const app = fastifyFor(opts);
  const views = new ServedViews({
    source,
    experiments,
    microBatch: opts.microBatch !== false,
    explainThreads: Boolean(opts.explainThreads),
    logger: app.log,
  });
  // What /metrics reads at scrape time besides its own counters (metrics.ts).
  const sample = (): ServerSample => serverSample(source, experiments, scoring, log);
  const metrics = new ServerMetrics(modelInfo(views.current()), sample, {
    experiments: Boolean(opts.experiments),
    log: Boolean(opts.log),
  });
  views.onSwap((v) => metrics.setInfo(modelInfo(v)));
  opts.clusterMetrics?.share(metrics.registry);
  const scoring = new ScoringService({
    log,
    metrics,
    maxRows,
    maxExplainRows: opts.maxExplainRows ?? 200,
    logger: app.log,
  });
  scoringOf.set(app, scoring);

  const current = () => views.current();
  await registerOpenApi(app, current, { adminToken: Boolean(opts.admin?.token) });
  applyHttpConventions(app, {
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    metrics,
    adminToken: opts.admin?.token || null,
  });
  app.addHook('onClose', async () => {
    source.close();
    experiments?.close();
    await scoring.idle();
    await views.close();
    // The last rows are written and the WAL folded in before the server counts as closed.
    await log?.close();
    await Promise.all(stores.map((c) => c.close()));
  });
  await app.register(predictRoutes, { views, scoring });
  await app.register(opsRoutes, {
    views,
    source,
    experiments,
    metrics,
    clusterMetrics: opts.clusterMetrics ?? null,
    stores,
  });
  await app.register(feedbackRoutes, { log, current, monitoring: opts.monitoring, maxItems: maxRows });
  if (opts.admin?.token) await app.register(adminRoutes, { admin: opts.admin, source, experiments });
  return app;
}

/** The bare instance: logger, body limit, request ids, one log line per request, no-op validation. */
function fastifyFor(opts: ServerOptions): FastifyInstance {
  const logger = opts.logger ?? false;
  const isInstance = typeof logger === 'object' && typeof (logger as FastifyBaseLogger).child === 'function';
  const app = Fastify({
    ...(isInstance
      ? { loggerInstance: logger as FastifyBaseLogger }
      : { logger: logger as boolean | Record<string, unknown> }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // One log line per request, written in an onResponse hook (http-conventions.ts).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // A caller's id is kept when it is short and plain, so traces join up across services.
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID.test(h) ? h : randomUUID();
    },
    return503OnClosing: true,
  });
  // Bodies are checked by the data contract (per row, every issue), so the route schemas only
  // document the API; the default serializer keeps fields the schema does not list.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  return app;
}

/** The labels of `tabflow_model_info` for the model `v`. */
function modelInfo(v: ModelView): Record<string, string> {
  return {
    model: v.served.pipeline.modelName,
    run_id: v.summary.run_id,
    version: v.summary.version === null ? '' : String(v.summary.version),
    stage: v.summary.stage ?? '',
    tabflow_version: VERSION,
  };
}

function serverSample(
  source: ModelSource,
  experiments: ExperimentSource | null,
  scoring: ScoringService,
  log: PredictionLog | null,
): ServerSample {
  const served = source.current();
  const c = experiments?.counters;
  return {
    generation: served.generation,
    loadedAt: served.loadedAt,
    reloads: { ok: source.counters.swaps, failed: source.counters.failures },
    experiment: c && {
      active: experiments?.current() != null,
      loads: { ok: c.loads, failed: c.failures },
      shadowFailures: scoring.shadowFailureCount,
      rows: scoring.rowsByArm,
    },
    log: log ? { pending: log.pending, written: log.writtenCount, dropped: log.droppedCount } : undefined,
  };
}
