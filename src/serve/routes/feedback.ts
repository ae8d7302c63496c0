/**
 * Ground truth and monitoring over HTTP, both reading the server's prediction log:
 *
 *   POST /feedback     {request_id, row?, actual} | [items] | {feedback: [items]} → a verdict per item
 *   GET  /monitoring   ?window=&since=&until= → what `tabflow monitor --json` prints, for the model served now
 *
 * An unknown request id is a rejected item with its reason, not a 404: a batch of actuals is
 * judged item by item. 200 when at least one item was accepted, 400 (every reason listed) when
 * none was. Without a prediction log (--no-log) both answer 503 and say why.
 *
 * A monitoring report is computed on a worker thread (monitoring-thread.ts), so a large window
 * never holds /health or /predict; `window` is capped at MAX_MONITORING_WINDOW.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type FeedbackItem, FeedbackStore } from '../../log/feedback.js';
import type { PredictionLog } from '../../log/prediction-log.js';
import { parseSince } from '../../log/read-log.js';
import type { MonitoringConfig } from '../../loop/monitoring-config.js';
import { storeExists } from '../../store/open-stores.js';
import { storeUriOf } from '../../store/store-uri.js';
import type { ModelView } from '../model-view.js';
import { MonitoringThread } from '../monitoring-thread.js';
import { badRequest, RequestError } from '../request-error.js';
import { describe } from '../request-records.js';

/** What the feedback and monitoring routes read. */
export interface FeedbackRouteOptions {
  /** The server's prediction log; null (--no-log): both routes answer 503. */
  log: PredictionLog | null;
  /** The model served now (read once per request). */
  current: () => ModelView;
  /** Thresholds for /monitoring; default: the served run's own `monitoring` section. */
  monitoring?: MonitoringConfig;
  /** Most feedback items in one request. */
  maxItems: number;
}

/** Largest `?window=` of GET /monitoring: 100,000 rows take about two seconds to judge. */
export const MAX_MONITORING_WINDOW = 100_000;

/** POST /feedback and GET /monitoring, both over the prediction log. */
export const feedbackRoutes: FastifyPluginAsync<FeedbackRouteOptions> = async (app, o) => {
  // Opened at the first feedback (it adds the lookup index the log's inserts then pay for).
  let store: Promise<FeedbackStore> | null = null;
  const storeOf = (log: PredictionLog) => {
    store ??= FeedbackStore.open(log.uri);
    // A failed open is tried again by the next request.
    store.catch(() => {
      store = null;
    });
    return store;
  };
  const monitoring = new MonitoringThread();
  app.addHook('onClose', async () => {
    const s = await store?.catch(() => null);
    await s?.close();
    await monitoring.close();
  });
  app.post(
    '/feedback',
    {
      schema: {
        summary: 'Ground truth for served predictions',
        description:
          'One item {request_id, row?, actual}, a list of items, or {feedback: [items]}. `row` is needed ' +
          'when the request scored several rows. Each item gets a verdict (accepted, or rejected with its ' +
          'reason: unknown_request, unknown_row, duplicate, not_numeric, ...); 400 when none is accepted.',
      },
    },
    feedbackHandler(o, storeOf),
  );
  app.get(
    '/monitoring',
    {
      schema: {
        summary: 'Drift and live accuracy of the model served now (as `tabflow monitor --json`)',
        description:
          `Query: window (latest predictions judged, 1 to ${MAX_MONITORING_WINDOW}), since / until ` +
          '(30m, 24h, 7d or an ISO date). Computed off the request thread; 503 monitoring_busy when ' +
          'too many reports are already being computed.',
      },
    },
    monitoringHandler(o, monitoring),
  );
};

function noLog(reply: FastifyReply, id: string, what: string) {
  return reply.code(503).send({
    error: 'no_log',
    message: `${what} reads the prediction log, and this server keeps none (started with --no-log)`,
    request_id: id,
  });
}

/** A prediction answered a moment ago may still be in the log's buffer. */
async function flushBefore(log: PredictionLog, req: FastifyRequest, what: string): Promise<void> {
  try {
    await log.flush();
  } catch (e) {
    req.log.warn({ err: e }, `prediction log flush before ${what} failed`);
  }
}

function feedbackHandler(o: FeedbackRouteOptions, storeOf: (log: PredictionLog) => Promise<FeedbackStore>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const id = String(req.id);
    if (!o.log || o.log.file === ':memory:') return noLog(reply, id, 'Feedback');
    const items = feedbackItems(req.body, o.maxItems);
    await flushBefore(o.log, req, 'feedback');
    const report = await (await storeOf(o.log)).record(items, { source: 'api' });
    const body = { request_id: id, ...report };
    if (report.accepted === 0) {
      const reasons = report.verdicts.map((v) =>
        v.status === 'rejected' ? `item ${v.index}: ${v.message}` : '',
      );
      return reply.code(400).send({
        error: 'feedback_rejected',
        message: `Every feedback item was rejected: ${reasons.join('; ')}`,
        issues: report.verdicts.map((v) =>
          v.status === 'rejected' ? { path: `feedback[${v.index}]`, code: v.code, message: v.message } : null,
        ),
        ...body,
      });
    }
    return body;
  };
}

function monitoringHandler(o: FeedbackRouteOptions, monitoring: MonitoringThread) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const id = String(req.id);
    if (!o.log || o.log.file === ':memory:') return noLog(reply, id, 'Monitoring');
    const m = o.current();
    const dir = m.served.dir;
    if (dir === null) {
      return reply.code(503).send({
        error: 'no_model_dir',
        message: 'The served model was handed in without its folder, so its reference profile is unknown',
        request_id: id,
      });
    }
    const q = monitoringQuery(req.query);
    await flushBefore(o.log, req, 'monitoring');
    if (!(await storeExists('log', storeUriOf(o.log.uri)))) {
      return reply
        .code(503)
        .send({ error: 'no_log', message: `No prediction log at ${o.log.file} yet`, request_id: id });
    }
    return monitoring.run({ dir, logFile: o.log.uri, cfg: o.monitoring ?? null, query: q });
  };
}

/** `{feedback: [...]}`, a list, or one item. */
function feedbackItems(body: unknown, max: number): FeedbackItem[] {
  let items: unknown[];
  if (Array.isArray(body)) items = body;
  else if (body !== null && typeof body === 'object') {
    const obj = body as Record<string, unknown>;
    if (Object.hasOwn(obj, 'feedback')) {
      if (!Array.isArray(obj.feedback)) {
        throw badRequest(
          'feedback',
          'wrong_type',
          `"feedback" must be a list of items, got ${describe(obj.feedback)}`,
        );
      }
      items = obj.feedback;
    } else items = [obj];
  } else {
    throw badRequest(
      'body',
      'wrong_type',
      `The body is ${describe(body)}; expected {request_id, row?, actual}, a list of them, or {feedback: [...]}`,
    );
  }
  if (items.length === 0) throw badRequest('feedback', 'no_items', 'No feedback items; send at least one');
  if (items.length > max) {
    throw new RequestError(
      [
        {
          path: 'feedback',
          code: 'too_many_items',
          message: `${items.length} items sent; at most ${max} per request`,
        },
      ],
      'Request too large',
    );
  }
  return items as FeedbackItem[];
}

function monitoringQuery(query: unknown): { window?: number; since?: number; until?: number } {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: { window?: number; since?: number; until?: number } = {};
  if (q.window !== undefined) {
    const w = typeof q.window === 'string' ? Number(q.window) : Number.NaN;
    if (!Number.isInteger(w) || w < 1 || w > MAX_MONITORING_WINDOW) {
      throw badRequest(
        'query.window',
        'bad_window',
        `?window= must be an integer from 1 to ${MAX_MONITORING_WINDOW}, got ${describe(q.window)}`,
      );
    }
    out.window = w;
  }
  for (const k of ['since', 'until'] as const) {
    if (q[k] === undefined) continue;
    if (typeof q[k] !== 'string') throw badRequest(`query.${k}`, 'bad_time', `?${k}= must be given once`);
    try {
      out[k] = parseSince(q[k] as string);
    } catch (e) {
      throw badRequest(`query.${k}`, 'bad_time', (e as Error).message.replace(/--since/, `?${k}=`));
    }
  }
  return out;
}
