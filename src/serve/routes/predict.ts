/**
 * The prediction routes, over one scoring service (scoring-service.ts):
 *
 *   POST /predict       one record, a list, or {records, interval?, explain?} (JSON or text/csv)
 *                       → per-row results; 400 when every row is rejected
 *   POST /invocations   MLflow scoring protocol (JSON formats and text/csv) → {predictions};
 *                       400 when any row is rejected
 *
 * Each request takes the served model (and the running experiment) once, when its handler
 * starts, and uses it for everything: contract, batcher, answer, headers, log rows.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { ArmsView } from '../arm-scoring.js';
import { csvRecords } from '../csv-records.js';
import { CSV_TYPE, isCsv, JSON_TYPE } from '../http-conventions.js';
import { mlflowRecords } from '../mlflow-records.js';
import type { ModelView } from '../model-view.js';
import {
  CsvBodySchema,
  ErrorSchema,
  FlagsQuerySchema,
  InvocationsResponseSchema,
  invocationsBodySchema,
  PredictResponseSchema,
  predictBodySchema,
} from '../openapi-schemas.js';
import type { RowPrediction } from '../pipeline-port.js';
import { type InputRecord, type PredictFlags, predictBody, queryFlags } from '../request-records.js';
import type { Scored, ScoringService } from '../scoring-service.js';
import type { ServedViews } from '../served-views.js';

/** What the prediction routes score with. */
export interface PredictRoutesOptions {
  views: ServedViews;
  scoring: ScoringService;
}

/** Scores `records` for one request, sets the model headers, records the rows. */
type Score = (
  req: FastifyRequest,
  reply: FastifyReply,
  records: InputRecord[],
  flags: Partial<PredictFlags>,
  m: ModelView,
  ex: ArmsView | null,
) => Promise<Scored>;

/** POST /predict and POST /invocations. */
export const predictRoutes: FastifyPluginAsync<PredictRoutesOptions> = async (app, { views, scoring }) => {
  const scorer =
    (route: string): Score =>
    async (req, reply, records, flags, m, ex) => {
      const scored = await scoring.predict(records, flags, m, ex);
      reply.header('x-tabflow-run-id', m.summary.run_id);
      if (m.summary.version !== null) reply.header('x-tabflow-model-version', String(m.summary.version));
      if (ex) reply.header('x-tabflow-experiment', ex.active.experiment.id);
      const request = { requestId: String(req.id), route, latencyMs: reply.elapsedTime };
      return scoring.record(request, scored, flags, m, ex);
    };
  const record = views.current().record;
  app.post('/predict', { schema: predictSchema(record) }, predictHandler(views, scorer('/predict')));
  app.post(
    '/invocations',
    { schema: invocationsSchema(record) },
    invocationsHandler(views, scorer('/invocations')),
  );
};

function predictHandler(views: ServedViews, score: Score) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const m = views.current();
    const ex = views.currentArms();
    const query = queryFlags(req.query);
    const { records, flags } = isCsv(req)
      ? { records: csvRecords(req.body as string, m.features), flags: {} }
      : predictBody(req.body, m.featureNames);
    // The seed's inference answers with the interval: on unless the request says interval: false.
    const asked = { interval: true, ...query, ...flags };
    const { results, rejected, warned } = await score(req, reply, records, asked, m, ex);
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
  };
}

function invocationsHandler(views: ServedViews, score: Score) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const m = views.current();
    const ex = views.currentArms();
    const query = queryFlags(req.query);
    const records = isCsv(req)
      ? csvRecords(req.body as string, m.features)
      : mlflowRecords(req.body, m.featureOrder);
    const { results, rejected, warned } = await score(req, reply, records, query, m, ex);
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
  };
}

/** The OpenAPI description of POST /predict for the model whose input record is `record`. */
function predictSchema(record: TSchema) {
  return {
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
  };
}

/** The OpenAPI description of POST /invocations. */
function invocationsSchema(record: TSchema) {
  return {
    summary: 'MLflow scoring protocol',
    description:
      'dataframe_split, dataframe_records, instances or inputs as JSON, or text/csv with a header ' +
      'line. Answers {predictions: [number, ...]}; any rejected row makes the whole request a 400.',
    body: bodyContent(invocationsBodySchema(record)),
    response: { 200: InvocationsResponseSchema, 400: ErrorSchema },
  };
}

/** A prediction route's body in the OpenAPI document: JSON, or CSV with a header line. */
function bodyContent(json: TSchema) {
  return { content: { [JSON_TYPE]: { schema: json }, [CSV_TYPE]: { schema: CsvBodySchema } } };
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
