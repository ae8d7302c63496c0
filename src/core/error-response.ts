/**
 * The one place errors become HTTP responses, for the model server (src/serve) and the web UI
 * (src/ui) alike — here in core so both shells share it without one importing the other. A
 * TabflowError answers with its code's `httpStatus` in the catalogue (error-codes.ts); fastify's
 * own 4xx (invalid JSON, body too large, unsupported media type) keep their status under a stable
 * code; anything else is a 500 whose body names only the request id. No response ever carries a
 * stack trace.
 */
import type { ErrorCode } from './error-codes.js';
import { TabflowError } from './errors.js';

/** The body of every error answer. */
export interface ErrorBody {
  error: string;
  message: string;
  request_id: string;
  issues?: unknown[];
}

/** fastify's codes → the catalogue's (its statuses are fastify's, and the catalogue agrees). */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'invalid_request',
};

/** What the server knows about the request that failed, for messages that say what to do instead. */
export interface ErrorContext {
  /** The body limit in bytes (a 413 states it and how to raise it). */
  bodyLimit?: number;
  /** Media types the route accepts (a 415 names them). */
  accepts?: readonly string[];
  /** The request's Content-Type, as sent. */
  contentType?: string;
}

/** The status and body answering `err` for request `requestId`. */
export function errorResponse(
  err: unknown,
  requestId: string,
  ctx: ErrorContext = {},
): { status: number; body: ErrorBody } {
  if (err instanceof TabflowError) {
    const issues = (err as { issues?: unknown[] }).issues;
    return {
      status: err.httpStatus,
      body: { error: err.code, message: err.message, request_id: requestId, ...(issues ? { issues } : {}) },
    };
  }
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = typeof e.code === 'string' ? (FASTIFY_CODES[e.code] ?? e.code.toLowerCase()) : 'bad_request';
    // JSON.parse's SyntaxError arrives with statusCode 400 and no FST code.
    const error = e.name === 'SyntaxError' ? 'invalid_json' : code;
    const message =
      status === 413
        ? tooLargeMessage(ctx.bodyLimit)
        : status === 415 && ctx.accepts
          ? unsupportedMessage(ctx.contentType, ctx.accepts)
          : typeof e.message === 'string'
            ? e.message.slice(0, 500)
            : 'Bad request';
    return { status, body: { error, message, request_id: requestId } };
  }
  return {
    status: 500,
    body: {
      error: 'internal_error',
      message: `Internal error; the server log has the details under request id ${requestId}`,
      request_id: requestId,
    },
  };
}

/** The 413 message: the limit, and the three places it is raised. */
export function tooLargeMessage(limit: number | undefined): string {
  const size = limit === undefined ? 'the limit' : `the limit of ${limit} bytes (${humanBytes(limit)})`;
  return (
    `The request body is larger than ${size}; send fewer rows per request, or raise the limit: ` +
    'tabflow serve --body-limit <bytes>, serve.body_limit in the config, createServer({bodyLimit})'
  );
}

function unsupportedMessage(contentType: string | undefined, accepts: readonly string[]): string {
  const sent = contentType
    ? `Content-Type ${JSON.stringify(contentType.slice(0, 100))}`
    : 'A body without a Content-Type';
  return `${sent} is not accepted here; send ${accepts.join(' or ')}`;
}

function humanBytes(n: number): string {
  if (n >= 1024 * 1024) return `${round2(n / (1024 * 1024))} MiB`;
  if (n >= 1024) return `${round2(n / 1024)} KiB`;
  return `${n} B`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
