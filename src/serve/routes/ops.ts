/**
 * The operations routes: what orchestrators, scrapers and people ask a running server.
 *
 *   GET /health         liveness
 *   GET /ready          200 with the model once loaded and its stores answer; 503 while shutting
 *                       down or while the prediction log's or the registry's store is unreachable
 *   GET /metadata       model, run, registry stamp, serving state, data contract, policy, metrics,
 *                       intervals, feature importance, the running experiment
 *   GET /metrics        Prometheus text (metrics.ts); with --workers N, every worker's
 *   GET /openapi.json   the OpenAPI document of the model served now (openapi-doc.ts)
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { VERSION } from '../../version.js';
import type { ExperimentSource } from '../experiment-follower.js';
import type { ClusterMetrics, ServerMetrics } from '../metrics.js';
import type { ModelSource } from '../model-source.js';
import type { ModelView } from '../model-view.js';
import { docForModel } from '../openapi-doc.js';
import type { ServedViews } from '../served-views.js';
import { checkStores, type StoreCheck } from '../store-health.js';

/** What the operations routes report on. */
export interface OpsRoutesOptions {
  views: ServedViews;
  source: ModelSource;
  experiments: ExperimentSource | null;
  metrics: ServerMetrics;
  /** `tabflow serve --workers N`: /metrics answers for every worker (cluster-primary.ts). */
  clusterMetrics: ClusterMetrics | null;
  /** The stores /ready checks (the log's, a server registry's). */
  stores: readonly StoreCheck[];
}

/** GET /health, /ready, /metadata, /metrics and /openapi.json. */
export const opsRoutes: FastifyPluginAsync<OpsRoutesOptions> = async (app, o) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.get('/health', { schema: { summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get(
    '/ready',
    {
      schema: { summary: 'Readiness: the model is loaded, its stores answer and the server is not closing' },
    },
    async (_req, reply) => {
      if (closing) return reply.code(503).send({ ready: false, reason: 'shutting down' });
      const stores = await checkStores(o.stores);
      const down = Object.entries(stores).filter(([, s]) => !s.ok);
      if (down.length) {
        const reason = `store unavailable: ${down.map(([name]) => name).join(', ')}`;
        return reply.code(503).send({ ready: false, reason, stores });
      }
      return { ready: true, model: o.views.current().summary, stores };
    },
  );
  app.get('/metadata', { schema: { summary: 'Model, run, data contract, policy and metrics' } }, async () =>
    metadataBody(o.views.current(), o),
  );
  app.get('/metrics', { schema: { summary: 'Prometheus metrics' } }, metricsHandler(o));
  app.get('/openapi.json', { schema: { hide: true } }, async () =>
    docForModel(app.swagger() as never, o.views.current()),
  );
};

function metricsHandler(o: OpsRoutesOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    o.views.current(); // the info line names the model served now
    reply.type(o.metrics.registry.contentType);
    if (!o.clusterMetrics) return o.metrics.render();
    try {
      return await o.clusterMetrics.collect();
    } catch (e) {
      // Another worker did not answer in time: this worker's own numbers, marked as such.
      req.log.warn({ err: e }, 'metrics of the other workers unavailable');
      reply.header('x-tabflow-metrics-scope', 'worker');
      return o.metrics.render();
    }
  };
}

/** GET /metadata for the model `m` served now. */
function metadataBody(m: ModelView, o: OpsRoutesOptions) {
  const { pipeline, stamp } = m.served;
  const md = (pipeline.metadata ?? {}) as Record<string, unknown>;
  const selected = (md.selected_model ?? {}) as Record<string, unknown>;
  const results = (pipeline.results ?? {}) as { intervals?: unknown; models?: Record<string, unknown>[] };
  const best = results.models?.find((m) => m.name === selected.name);
  return {
    model: { ...m.summary, kind: selected.kind ?? null, params: selected.params ?? null },
    registry: stamp,
    serving: {
      follows: o.source.follows,
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
    experiment: experimentMetadata(o),
  };
}

/** The experiment part of /metadata: the file followed, the one running, loads and failures. */
function experimentMetadata({ experiments, views }: OpsRoutesOptions) {
  const active = experiments?.current() ?? null;
  if (!experiments) return null;
  const c = experiments.counters;
  return {
    file: experiments.file,
    running: active
      ? { ...active.experiment, challenger_model: views.currentArms()?.challenger.summary ?? null }
      : null,
    loads: c.loads,
    failures: c.failures,
    last_error: c.lastError,
  };
}
