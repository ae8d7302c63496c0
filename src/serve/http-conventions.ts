/**
 * What every route of the server shares, set on the root instance before the route plugins are
 * registered (so each plugin's scope inherits it):
 *
 *  - bodies: JSON everywhere, `text/csv` only where a route reads it (else 415 naming what the
 *    route accepts); fastify's text/plain parser is removed, since it would hand a route a string
 *    it takes for JSON;
 *  - an `x-request-id` header on every answer, one log line and one metrics observation per
 *    request, with credentials in the URL redacted;
 *  - errors: the one mapping to HTTP (core/error-response.ts), 405 with `Allow` for a known path asked
 *    with another method, 404 otherwise;
 *  - a warning at listen time when admin routes are reachable over the network.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponse } from '../core/error-response.js';
import { adminExposureWarning, listenInfo } from './listen-address.js';
import type { ServerMetrics } from './metrics.js';
import { redactUrl } from './redact-url.js';

/** The media type of JSON bodies. */
export const JSON_TYPE = 'application/json';
/** The media type of CSV bodies (a header line, then one row per record). */
export const CSV_TYPE = 'text/csv';
/** Routes that read `text/csv` bodies. */
export const CSV_ROUTES: ReadonlySet<string> = new Set(['/predict', '/invocations']);
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** What the shared behaviour needs to know about the server. */
export interface HttpConventionsOptions {
  /** The body limit in bytes (a 413 states it). */
  bodyLimit: number;
  metrics: ServerMetrics;
  /** The admin token: redacted from logged URLs, and admin routes exist (listen warning). */
  adminToken: string | null;
}

/** Applies the shared body parsing, request hooks and error answers to `app` (the root instance). */
export function applyHttpConventions(app: FastifyInstance, o: HttpConventionsOptions): void {
  acceptBodies(app);
  addRequestHooks(app, o);
  answerErrors(app, o.bodyLimit);
}

/** The body was sent as CSV (the parser then handed it over as text). */
export function isCsv(req: FastifyRequest): boolean {
  return /^\s*(text|application)\/csv\b/i.test(req.headers['content-type'] ?? '');
}

function acceptBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (req, body, done) => {
    if (CSV_ROUTES.has(req.routeOptions.url ?? '')) return done(null, body);
    done(
      Object.assign(new Error('Unsupported Media Type'), {
        statusCode: 415,
        code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      }),
    );
  });
}

function addRequestHooks(app: FastifyInstance, o: HttpConventionsOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  // Secrets a client may have put in a URL (?access_token=, the admin token) never reach the log.
  const secrets = o.adminToken ? [o.adminToken] : [];
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    o.metrics.observeRequest(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    const url = redactUrl(req.url, secrets);
    req.log.info(
      { method: req.method, url, status: reply.statusCode, ms: round3(reply.elapsedTime) },
      'request',
    );
  });
  app.addHook('onListen', async () => {
    const warning = adminExposureWarning(listenInfo(app.addresses()), Boolean(o.adminToken));
    if (warning) app.log.warn(warning);
  });
}

function answerErrors(app: FastifyInstance, bodyLimit: number): void {
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
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
