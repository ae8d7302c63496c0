/**
 * `createServer`: the HTTP service around a model source — one fixed pipeline, or a stage that
 * the registry moves (hot reload). The CLI (`tabflow serve`) is a thin shell over it; tests drive
 * it with `inject()`.
 *
 *   POST /predict       one record, a list, or {records, interval?, explain?} → per-row results
 *   POST /invocations   MLflow scoring protocol (JSON formats and text/csv) → {predictions}
 *   POST /feedback      ground truth for logged predictions → a verdict per item
 *   GET  /monitoring    drift and live accuracy of the served model (routes/feedback.ts)
 *   GET  /health /ready /metadata /metrics /openapi.json /docs
 *   POST /admin/reload /admin/promote   only with an admin token (routes/admin.ts)
 *
 * Each request takes the current model once, when its handler starts, and uses it for
 * everything (contract, batcher, response, log row): a reload never mixes two models in one
 * request, and requests in flight during a swap finish on the model they started with. The same
 * holds for a running A/B experiment (`experiments`, arm-scoring.ts): a request takes the
 * experiment once, and its rows go to the champion or the challenger by their arm.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { TSchema } from 'typebox';
import type { PredictionLog } from '../log/prediction-log.js';
import type { MonitoringConfig } from '../loop/monitoring-config.js';
import { VERSION } from '../version.js';
import { type ArmsView, predictWith, scoreArms } from './arm-scoring.js';
import { csvRecords } from './csv-records.js';
import { errorResponse } from './error-response.js';
import type { ExperimentSource } from './experiment-follower.js';
import type { ExplainThread } from './explain-thread.js';
import { adminExposureWarning, listenInfo } from './listen-address.js';
import { type ClusterMetrics, ServerMetrics, type ServerSample } from './metrics.js';
import { mlflowRecords } from './mlflow-records.js';
import { fixedModel, type ModelSource, type ServedModel } from './model-source.js';
import { type ModelView, modelView, type ViewOptions } from './model-view.js';
import { docForModel } from './openapi-doc.js';
import {
  CsvBodySchema,
  ErrorSchema,
  FlagsQuerySchema,
  InvocationsResponseSchema,
  invocationsBodySchema,
  PredictResponseSchema,
  predictBodySchema,
} from './openapi-schemas.js';
import type { ModelPipeline, RowPrediction } from './pipeline-port.js';
import { redactUrl } from './redact-url.js';
import { RequestError } from './request-error.js';
import { type InputRecord, type PredictFlags, predictBody, queryFlags } from './request-records.js';
import { type AdminOptions, registerAdminRoutes } from './routes/admin.js';
import { registerFeedbackRoutes } from './routes/feedback.js';

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

/** Shadow predictions still running, per server: `serverIdle(app)` waits for them. */
const shadowTasks = new WeakMap<FastifyInstance, Set<Promise<void>>>();

/** Resolves when every shadow prediction started so far has been made and logged. */
export async function serverIdle(app: FastifyInstance): Promise<void> {
  const tasks = shadowTasks.get(app);
  while (tasks?.size) await Promise.all([...tasks]);
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const DEFAULT_BODY_LIMIT = 1024 * 1024;
const JSON_TYPE = 'application/json';
const CSV_TYPE = 'text/csv';
/** Routes that read `text/csv` bodies (a header line, then one row per record). */
const CSV_ROUTES = new Set(['/predict', '/invocations']);
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** A prediction route's body in the OpenAPI document: JSON, or CSV with a header line. */
function bodyContent(json: TSchema) {
  return { content: { [JSON_TYPE]: { schema: json }, [CSV_TYPE]: { schema: CsvBodySchema } } };
}

/** The body was sent as CSV (the parser then handed it over as text). */
function isCsv(req: FastifyRequest): boolean {
  return /^\s*(text|application)\/csv\b/i.test(req.headers['content-type'] ?? '');
}

export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  if (!opts.source && !opts.pipeline) throw new TypeError('createServer needs a pipeline or a source');
  const source = opts.source ?? fixedModel(opts.pipeline as ModelPipeline);
  const log = opts.log ?? null;
  const maxRows = opts.maxRows ?? 10_000;
  const maxExplainRows = opts.maxExplainRows ?? 200;
  const logger = opts.logger ?? false;
  const isInstance = typeof logger === 'object' && typeof (logger as FastifyBaseLogger).child === 'function';
  const app = Fastify({
    ...(isInstance
      ? { loggerInstance: logger as FastifyBaseLogger }
      : { logger: logger as boolean | Record<string, unknown> }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // One log line per request, written in onResponse below.
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

  const explainers = new Set<ExplainThread>();
  const viewOptions: ViewOptions = {
    microBatch: opts.microBatch !== false,
    explainThreads: opts.explainThreads
      ? { onFallback: (reason) => app.log.warn({ reason }, 'explaining on the server thread') }
      : null,
  };
  const newView = (served: ServedModel): ModelView => {
    const v = modelView(served, viewOptions);
    if (v.explainer) explainers.add(v.explainer);
    return v;
  };
  /** A model no longer served: its explain thread ends once its jobs are answered. */
  const retire = (v: ModelView) => {
    if (!v.explainer) return;
    v.explainer.retire();
    explainers.delete(v.explainer);
  };
  let view = newView(source.current());
  const info = (v: ModelView) => ({
    model: v.served.pipeline.modelName,
    run_id: v.summary.run_id,
    version: v.summary.version === null ? '' : String(v.summary.version),
    stage: v.summary.stage ?? '',
    tabflow_version: VERSION,
  });
  const metrics = new ServerMetrics(info(view), () => serverSample(), {
    experiments: Boolean(opts.experiments),
    log: Boolean(opts.log),
  });
  opts.clusterMetrics?.share(metrics.registry);
  /** The model a request uses from start to end: read once per request. */
  const current = (): ModelView => {
    const served = source.current();
    if (served !== view.served) {
      retire(view);
      view = newView(served);
      metrics.setInfo(info(view));
    }
    return view;
  };
  const first = view.summary;
  let closing = false;

  const experiments = opts.experiments ?? null;
  let arms: ArmsView | null = null;
  /** The experiment a request uses from start to end (null: champion only), read once per request. */
  const currentArms = (): ArmsView | null => {
    const active = experiments?.current() ?? null;
    if (!active) {
      if (arms) retire(arms.challenger);
      arms = null;
      return null;
    }
    if (arms?.active !== active) {
      // A weight change keeps the loaded challenger, and its batcher with it.
      const keep = arms?.active.challenger === active.challenger;
      if (arms && !keep) retire(arms.challenger);
      const challenger = keep && arms ? arms.challenger : newView(active.challenger);
      arms = { active, challenger };
    }
    return arms;
  };
  const armRows = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  shadowTasks.set(app, pending);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `tabflow model ${first.name ?? first.family} (run ${first.run_id})`,
        version: VERSION,
        description:
          'Predictions from a tabflow model. Input records follow the data contract learned at training.',
      },
      ...(opts.admin?.token
        ? { components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } } }
        : {}),
    },
  });
  // The document names the model being served now (see openapi-doc.ts).
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecificationClone: false,
    transformSpecification: (spec) => docForModel(spec as never, current()),
  });

  // Bodies are JSON or CSV: fastify's text/plain parser would hand a route a string it takes for JSON.
  app.removeContentTypeParser('text/plain');
  // CSV only where a route reads it; elsewhere a 415 naming what the route accepts.
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (req, body, done) => {
    if (CSV_ROUTES.has(req.routeOptions.url ?? '')) return done(null, body);
    done(
      Object.assign(new Error('Unsupported Media Type'), {
        statusCode: 415,
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      }),
    );
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // Secrets a client may have put in a URL (?access_token=, the admin token) never reach the log.
  const secrets = opts.admin?.token ? [opts.admin.token] : [];
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const url = redactUrl(req.url, secrets);
    req.log.info(
      { method: req.method, url, status: reply.statusCode, ms: round3(reply.elapsedTime) },
      'request',
    );
  });
  app.addHook('onListen', async () => {
    const warning = adminExposureWarning(listenInfo(app.addresses()), Boolean(opts.admin?.token));
    if (warning) app.log.warn(warning);
  });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onClose', async () => {
    source.close();
    experiments?.close();
    await serverIdle(app);
    await Promise.all([...explainers].map((e) => e.close()));
    log?.close();
  });

  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = errorResponse(err, String(req.id), {
      bodyLimit,
      accepts: CSV_ROUTES.has(req.routeOptions.url ?? '') ? [JSON_TYPE, CSV_TYPE] : [JSON_TYPE],
      contentType: req.headers['content-type'],
    });
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.debug({ error: body.error }, 'client error');
    return reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    // A known path asked with another method: 405 and the methods it has (RFC 9110 §15.5.6).
    const allow = HTTP_METHODS.filter((method) => app.hasRoute({ method, url: path }));
    if (allow.length) {
      return reply
        .code(405)
        .header('allow', allow.join(', '))
        .send({
          error: 'method_not_allowed',
          message: `${path.slice(0, 200)} does not answer ${req.method.slice(0, 20)}; use ${allow.join(' or ')}`,
          request_id: req.id,
        });
    }
    return reply.code(404).send({
      error: 'not_found',
      message: `No route ${req.method} ${path.slice(0, 200)}; see GET /openapi.json for the API`,
      request_id: req.id,
    });
  });

  /** Predict, count, log: shared by both prediction routes. */
  const score = async (
    req: FastifyRequest,
    reply: FastifyReply,
    route: string,
    records: InputRecord[],
    flags: Partial<PredictFlags>,
    m: ModelView,
    ex: ArmsView | null,
  ) => {
    const limit = flags.explain ? maxExplainRows : maxRows;
    if (records.length > limit) {
      const what = flags.explain ? 'with explain' : 'per request';
      throw new RequestError(
        [
          {
            path: 'body',
            code: 'too_many_rows',
            message: `${records.length} rows sent; at most ${limit} ${what}`,
          },
        ],
        'Request too large',
      );
    }
    const predictOpts = { interval: flags.interval, explain: flags.explain };
    const scored = await scoreArms(m, ex, records, predictOpts);
    const { input, arms: rowArms } = scored;
    let results = scored.results;
    reply.header('x-tabflow-run-id', m.summary.run_id);
    if (m.summary.version !== null) reply.header('x-tabflow-model-version', String(m.summary.version));
    const experimentId = ex?.active.experiment.id ?? null;
    // Each row names the registered model, family, run and version that produced it.
    if (ex && rowArms) {
      reply.header('x-tabflow-experiment', ex.active.experiment.id);
      results = results.map((r, i) => ({
        ...r,
        model: { ...(rowArms[i] === 'challenger' ? ex.challenger : m).summary, arm: rowArms[i] },
      }));
      for (const a of rowArms) armRows.set(a, (armRows.get(a) ?? 0) + 1);
      if (ex.active.experiment.shadow) shadow(String(req.id), route, input, flags, ex);
    } else {
      results = results.map((r) => ({ ...r, model: m.summary }));
    }
    const ts = Date.now();
    const latencyMs = reply.elapsedTime;
    let rejected = 0;
    let warned = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i];
      if (r.status === 'rejected') rejected++;
      if (r.warnings.length) warned++;
      metrics.observeRow(r.status, r.errors, r.warnings);
      const byView = rowArms?.[i] === 'challenger' && ex ? ex.challenger : m;
      const by = byView.summary;
      log?.append({
        requestId: String(req.id),
        row: i,
        ts,
        route,
        // The log's model_name stays the selected candidate ("gbdt"), as before.
        modelName: byView.served.pipeline.modelName,
        runId: by.run_id,
        modelVersion: by.version,
        stage: by.stage,
        arm: rowArms?.[i] ?? null,
        experimentId,
        status: r.status,
        prediction: r.prediction,
        interval: r.interval,
        latencyMs,
        features: input[i],
        warnings: r.warnings,
        errors: r.errors,
      });
    }
    // log.durability ack: no answer before its rows are committed (a failed write → 503).
    if (log?.durability === 'ack') await log.committed();
    return { results, rejected, warned, experiment: ex };
  };

  /**
   * Shadow mode: the challenger scores the request after the answer has gone out (setImmediate
   * runs once the reply is written), and its rows are logged as arm 'shadow' under the same
   * request id and row numbers. A failure here is logged and counted; the client never sees it.
   */
  const shadow = (
    requestId: string,
    route: string,
    input: Record<string, unknown>[],
    flags: Partial<PredictFlags>,
    ex: ArmsView,
  ) => {
    const task = new Promise<void>((resolveTask) => {
      setImmediate(async () => {
        const t0 = performance.now();
        try {
          const results = await predictWith(ex.challenger, input, { interval: flags.interval });
          const ms = performance.now() - t0;
          const c = ex.challenger.summary;
          for (let i = 0; i < results.length; i++) {
            const r = results[i];
            if (log?.isClosed) break;
            log?.append({
              requestId,
              row: i,
              route,
              modelName: ex.challenger.served.pipeline.modelName,
              runId: c.run_id,
              modelVersion: c.version,
              stage: c.stage,
              arm: 'shadow',
              experimentId: ex.active.experiment.id,
              status: r.status,
              prediction: r.prediction,
              interval: r.interval,
              latencyMs: ms,
              features: input[i],
              warnings: r.warnings,
              errors: r.errors,
            });
          }
          armRows.set('shadow', (armRows.get('shadow') ?? 0) + results.length);
        } catch (e) {
          shadowFailures++;
          app.log.error(
            { err: e, request_id: requestId, experiment_id: ex.active.experiment.id },
            'shadow prediction failed',
          );
        } finally {
          resolveTask();
        }
      });
    });
    pending.add(task);
    void task.then(() => pending.delete(task));
  };
  let shadowFailures = 0;

  const record = view.record;
  app.post(
    '/predict',
    {
      schema: {
        summary: 'Predict one row or many',
        description:
          'Send one record, a list of records, or {records, interval, explain} (JSON), or text/csv. Each ' +
          'row is validated against the data contract: rows that break a reject rule get status ' +
          '"rejected" and their errors; warnings ride along with predictions. Each predicted row has ' +
          'its conformal interval unless interval is false (body or query); attributions only with ' +
          'explain. If every row is rejected the answer is a 400.',
        querystring: FlagsQuerySchema,
        body: bodyContent(predictBodySchema(record)),
        response: { 200: PredictResponseSchema, 400: ErrorSchema, 413: ErrorSchema },
      },
    },
    async (req, reply) => {
      const m = current();
      const ex = currentArms();
      const query = queryFlags(req.query);
      const { records, flags } = isCsv(req)
        ? { records: csvRecords(req.body as string, m.features), flags: {} }
        : predictBody(req.body, m.featureNames);
      // The seed's inference answers with the interval: on unless the request says interval: false.
      const asked = { interval: true, ...query, ...flags };
      const { results, rejected, warned } = await score(req, reply, '/predict', records, asked, m, ex);
      const body = {
        request_id: String(req.id),
        model: m.summary,
        ...(ex ? { experiment: experimentSummary(ex) } : {}),
        intervals: asked.interval ? intervalsOf(m) : null,
        rows: results.length,
        rejected,
        warned,
        predictions: results.map(cleanRow),
      };
      if (rejected === results.length) {
        return reply.code(400).send({
          error: 'invalid_input',
          message: `Every row was rejected by the data contract (${describeIssues(results)})`,
          issues: results.flatMap((r) => r.errors),
          ...body,
        });
      }
      return body;
    },
  );

  app.post(
    '/invocations',
    {
      schema: {
        summary: 'MLflow scoring protocol',
        description:
          'dataframe_split, dataframe_records, instances or inputs as JSON, or text/csv with a header ' +
          'line. Answers {predictions: [number, ...]}; any rejected row makes the whole request a 400.',
        body: bodyContent(invocationsBodySchema(record)),
        response: { 200: InvocationsResponseSchema, 400: ErrorSchema },
      },
    },
    async (req, reply) => {
      const m = current();
      const ex = currentArms();
      const query = queryFlags(req.query);
      const records = isCsv(req)
        ? csvRecords(req.body as string, m.features)
        : mlflowRecords(req.body, m.featureOrder);
      const { results, rejected, warned } = await score(req, reply, '/invocations', records, query, m, ex);
      if (warned) reply.header('x-tabflow-warnings', String(warned));
      if (rejected) {
        return reply.code(400).send({
          error_code: 'BAD_REQUEST',
          error: 'invalid_input',
          message: `${rejected} of ${results.length} rows rejected by the data contract (${describeIssues(results)})`,
          issues: results.flatMap((r) => r.errors),
          request_id: String(req.id),
        });
      }
      if (query.interval || query.explain) return { predictions: results.map(cleanRow) };
      return { predictions: results.map((r) => finiteOrNull(r.prediction)) };
    },
  );

  app.get('/health', { schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/ready',
    { schema: { summary: 'Readiness: the model is loaded and the server not closing' } },
    async (_req, reply) => {
      if (closing) return reply.code(503).send({ ready: false, reason: 'shutting down' });
      return { ready: true, model: current().summary };
    },
  );
  app.get('/metadata', { schema: { summary: 'Model, run, data contract, policy and metrics' } }, async () => {
    const m = current();
    const { pipeline, stamp } = m.served;
    const md = (pipeline.metadata ?? {}) as Record<string, unknown>;
    const selected = (md.selected_model ?? {}) as Record<string, unknown>;
    const results = (pipeline.results ?? {}) as { intervals?: unknown; models?: Record<string, unknown>[] };
    const best = results.models?.find((m) => m.name === selected.name);
    return {
      model: { ...m.summary, kind: selected.kind ?? null, params: selected.params ?? null },
      registry: stamp,
      serving: {
        follows: source.follows,
        dir: m.served.dir,
        loaded_at: new Date(m.served.loadedAt).toISOString(),
        generation: m.served.generation,
        pid: process.pid,
      },
      created_at: md.created_at ?? null,
      tabflow_version: md.tabflow_version ?? null,
      served_by: VERSION,
      target: md.target ?? null,
      features: m.features,
      contract: pipeline.contract ?? null,
      policy: pipeline.policy ?? null,
      metrics: selected.metrics ?? null,
      selected_by: selected.selected_by ?? null,
      intervals: md.calibration ? { calibration: md.calibration, on_test: results.intervals ?? null } : null,
      feature_importance: best?.feature_importance ?? null,
      experiment: experimentMetadata(),
    };
  });
  /** What /metrics reads at scrape time besides its own counters (metrics.ts). */
  const serverSample = (): ServerSample => {
    const served = source.current();
    const c = experiments?.counters;
    return {
      generation: served.generation,
      loadedAt: served.loadedAt,
      reloads: { ok: source.counters.swaps, failed: source.counters.failures },
      experiment: c && {
        active: experiments?.current() != null,
        loads: { ok: c.loads, failed: c.failures },
        shadowFailures,
        rows: armRows,
      },
      log: log ? { pending: log.pending, written: log.writtenCount, dropped: log.droppedCount } : undefined,
    };
  };
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, async (req, reply) => {
    current(); // the info line names the model served now
    reply.type(metrics.registry.contentType);
    if (!opts.clusterMetrics) return metrics.render();
    try {
      return await opts.clusterMetrics.collect();
    } catch (e) {
      // Another worker did not answer in time: this worker's own numbers, marked as such.
      req.log.warn({ err: e }, 'metrics of the other workers unavailable');
      reply.header('x-tabflow-metrics-scope', 'worker');
      return metrics.render();
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () =>
    docForModel(app.swagger() as never, current()),
  );
  registerFeedbackRoutes(app, { log, current, monitoring: opts.monitoring, maxItems: maxRows });
  if (opts.admin?.token) registerAdminRoutes(app, opts.admin, source, experiments);
  return app;

  function experimentMetadata() {
    const active = experiments?.current() ?? null;
    if (!experiments) return null;
    const c = experiments.counters;
    return {
      file: experiments.file,
      running: active
        ? { ...active.experiment, challenger_model: currentArms()?.challenger.summary ?? null }
        : null,
      loads: c.loads,
      failures: c.failures,
      last_error: c.lastError,
    };
  }
}

function experimentSummary(ex: ArmsView) {
  const e = ex.active.experiment;
  return {
    id: e.id,
    shadow: e.shadow,
    weight: e.weight,
    key_field: e.key_field,
    challenger: ex.challenger.summary,
  };
}

/** The intervals a model gives: nominal coverage and mode (absolute | adaptive); null when uncalibrated. */
function intervalsOf(m: ModelView): { coverage: number; mode: string | null } | null {
  const md = m.served.pipeline.metadata as { calibration?: { coverage?: unknown; mode?: unknown } } | null;
  const c = md?.calibration;
  if (!c || typeof c.coverage !== 'number') return null;
  return { coverage: c.coverage, mode: typeof c.mode === 'string' ? c.mode : null };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function finiteOrNull(x: number | null): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function cleanRow(r: RowPrediction): RowPrediction {
  return Number.isFinite(r.prediction) || r.prediction === null ? r : { ...r, prediction: null };
}

function describeIssues(results: RowPrediction[]): string {
  const counts = new Map<string, number>();
  for (const r of results) for (const e of r.errors) counts.set(e.code, (counts.get(e.code) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${c}: ${n}`).join(', ') || 'no details';
}
