/**
 * The web UI as a fastify plugin: the pages under `/ui/` and the JSON they read under `/api/`.
 *
 *   GET /ui/               the single-page app (index.html, app.js, app.css)
 *   GET /api/runs          one page of runs: filters name, tag, data, family, q, since; sort, order, page, page_size
 *   GET /api/runs/:id      one run: report, TEST rows, coverage, importances, config, artifacts
 *   GET /api/compare?ids=  2–5 runs side by side: scores, config and parameter differences
 *   GET /api/predict/form?stage=     the inputs of the stage's model: types, ranges, categories, defaults
 *   POST /api/predict?stage=         {record} → prediction, interval, attributions (not logged)
 *   /api/models…                     the registry: read, and promote / roll back (models-routes.ts)
 *   GET /api/production?stage=&window=   what tabflow monitor reports (drift with both distributions), plus traffic
 *   /api/experiments…                A/B tests: arms, split, live metrics, the test; start / stop / conclude
 *
 * Mounted by `tabflow ui` (start-ui.ts) and by `tabflow serve --ui`. Only promote, roll back and
 * the experiment moves change anything (a stage, experiment.json), behind the admin token; no route
 * changes a run or the log.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { errorResponse } from '../core/error-response.js';
import { UsageError } from '../core/errors.js';
import type { GateConfig } from '../promotion/index.js';
import { compareRuns } from './compare-runs.js';
import { experimentsRoutes } from './experiments-routes.js';
import { modelsRoutes } from './models-routes.js';
import { productionView } from './production-view.js';
import { buildRunDetail } from './run-detail.js';
import { RUN_SORT_KEYS, RunIndex, type RunQuery, type RunSortKey } from './run-index.js';
import { StagePredictor } from './stage-predictor.js';
import { loadWebAssets, type WebAsset } from './web-assets.js';

/** What the UI reads. */
export interface UiPluginOptions {
  /** The models folder (holding `runs/`). */
  modelsDir: string;
  /** The built front end; defaults to `dist/web/`. */
  assets?: Map<string, WebAsset>;
  /** The bearer token of promote and rollback (TABFLOW_ADMIN_TOKEN); absent: the UI only reads. */
  adminToken?: string;
  /** The gate of promotions to production (default: each candidate's own config). */
  gate?: GateConfig;
}

/** Registers the UI's pages and JSON routes. */
export const uiPlugin: FastifyPluginAsync<UiPluginOptions> = async (app, o) => {
  const index = new RunIndex(o.modelsDir);
  const assets = o.assets ?? loadWebAssets();
  // Read every run's summary now, not on the first page view (~0.7 s for 1,000 runs).
  index.all();
  app.setErrorHandler((err, req, reply) => sendError(err, req.id, reply));
  const send = (file: string) => async (_req: unknown, reply: FastifyReply) => {
    const a = assets.get(file) as WebAsset;
    return reply.type(a.type).header('cache-control', 'no-cache').send(a.body);
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui/', { schema: { hide: true } }, send('index.html'));
  app.get('/ui/app.js', { schema: { hide: true } }, send('app.js'));
  app.get('/ui/app.css', { schema: { hide: true } }, send('app.css'));
  app.get(
    '/api/runs',
    {
      schema: { summary: 'Runs of the models folder, filtered, sorted, paginated', querystring: RUNS_QUERY },
    },
    async (req) => index.query(runQueryOf(req.query as Record<string, string | undefined>)),
  );
  app.get(
    '/api/runs/:id',
    { schema: { summary: 'One run: report, TEST rows, config, artifacts' } },
    async (req, reply) => {
      const id = (req.params as { id: string }).id;
      const dir = index.dirOf(id);
      if (!dir)
        return reply.code(404).send({
          error: 'no_such_run',
          message: `No run ${JSON.stringify(id)} in this models folder`,
          request_id: req.id,
        });
      return buildRunDetail(dir);
    },
  );
  await app.register(modelsRoutes, { modelsDir: o.modelsDir, adminToken: o.adminToken, gate: o.gate });
  await app.register(experimentsRoutes, { modelsDir: o.modelsDir, adminToken: o.adminToken, gate: o.gate });
  app.get(
    '/api/production',
    { schema: { summary: 'Monitoring of a stage: traffic, drift, live accuracy, alarms' } },
    async (req) => {
      const q = req.query as { stage?: string; window?: string };
      const window = q.window === undefined || q.window === '' ? undefined : Number(q.window);
      if (window !== undefined && (!Number.isInteger(window) || window < 1)) {
        throw new UsageError('bad_window', `window must be an integer ≥ 1; got ${JSON.stringify(q.window)}`);
      }
      return productionView(o.modelsDir, q.stage ?? 'production', window);
    },
  );
  const predictor = new StagePredictor(o.modelsDir);
  const stageOf = (req: { query: unknown }) =>
    String((req.query as { stage?: string }).stage ?? 'production');
  app.get(
    '/api/predict/form',
    { schema: { summary: 'Inputs of a stage model: types, ranges, defaults' } },
    async (req) => predictor.form(stageOf(req)),
  );
  app.post(
    '/api/predict',
    { schema: { summary: 'Predict one record with a stage model (not logged)' } },
    async (req) => predictor.predict(stageOf(req), (req.body as { record?: unknown } | null)?.record),
  );
  app.get('/api/compare', { schema: { summary: 'Two to five runs side by side' } }, async (req) => {
    const ids = String((req.query as { ids?: string }).ids ?? '')
      .split(',')
      .filter(Boolean);
    return compareRuns(index, ids);
  });
};

const text = { type: 'string' } as const;
/** The query of /api/runs, documented (values are checked by RunIndex, with messages naming them). */
const RUNS_QUERY = {
  type: 'object',
  properties: {
    name: text,
    tag: { type: 'string', description: 'key or key=value' },
    data: { type: 'string', description: 'data sha256 prefix' },
    family: text,
    q: { type: 'string', description: 'text in run id, name, data file, target, selected model' },
    since: { type: 'string', description: 'ISO date' },
    min_test: { type: 'string', description: 'the selected model scores at least this on TEST' },
    sort: { type: 'string', description: RUN_SORT_KEYS.join(' | ') },
    order: { type: 'string', description: 'asc | desc' },
    page: text,
    page_size: text,
  },
} as const;

/** The query string of /api/runs as a RunQuery (numbers parsed; bad values fail in RunIndex). */
export function runQueryOf(q: Record<string, string | undefined>): RunQuery {
  const num = (field: string) => {
    const v = q[field];
    if (v === undefined || v === '') return undefined;
    if (!/^\d+$/.test(v)) {
      throw new UsageError('bad_page', `${field} must be a positive integer; got ${JSON.stringify(v)}`);
    }
    return Number(v);
  };
  const finite = (field: string) => {
    const v = q[field];
    if (v === undefined || v === '') return undefined;
    const x = Number(v);
    if (!Number.isFinite(x))
      throw new UsageError('bad_filter', `${field} must be a number; got ${JSON.stringify(v)}`);
    return x;
  };
  const text = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);
  return {
    name: text(q.name),
    tag: text(q.tag),
    data: text(q.data),
    family: text(q.family),
    q: text(q.q),
    since: text(q.since),
    sort: text(q.sort) as RunSortKey | undefined,
    order: text(q.order) as 'asc' | 'desc' | undefined,
    min_test: finite('min_test'),
    page: num('page'),
    page_size: num('page_size'),
  };
}

/** Errors answer as the model server's do (core/error-response.ts); a 500 is logged with its cause. */
function sendError(err: unknown, requestId: string, reply: FastifyReply) {
  const { status, body } = errorResponse(err, requestId);
  if (status >= 500) reply.log.error({ err }, 'ui request failed');
  return reply.code(status).type('application/json').send(body);
}
