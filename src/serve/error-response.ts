/**
 * The one place errors become HTTP responses. A TabflowError answers with its class's
 * `httpStatus`; fastify's own 4xx (invalid JSON, body too large, unsupported media type) keep
 * their status under a stable code; anything else is a 500 whose body names only the request id.
 * No response ever carries a stack trace.
 */
import { TabflowError } from '../core/errors.js';

export interface ErrorBody {
  error: string;
  message: string;
  request_id: string;
  issues?: unknown[];
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'invalid_request',
};

export function errorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
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
    const message = typeof e.message === 'string' ? e.message.slice(0, 500) : 'Bad request';
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
