/**
 * What a write from the UI (promote, roll back, start / stop / conclude an experiment) must
 * carry. The admin token travels in an `Authorization: Bearer` header that the page sets from a password field: never a cookie, never
 * the URL, never stored. Against cross-site requests (CSRF) the request must also come from the
 * UI's own origin (`Sec-Fetch-Site` / `Origin`) with the `X-Tabflow-UI` header, which a page on
 * another site cannot send without a CORS preflight that this server never grants.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerChecker } from '../core/bearer-auth.js';

/** The header every write from the UI carries. */
export const UI_WRITE_HEADER = 'x-tabflow-ui';

/** A preHandler refusing writes that lack the token, the header or the same origin. */
export function writeGuard(token: string | undefined) {
  const check = token ? bearerChecker(token) : null;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const refuse = (status: number, error: string, message: string) =>
      reply.code(status).send({ error, message, request_id: String(req.id) });
    if (!check) {
      return refuse(
        403,
        'read_only',
        'This UI is read-only: start it with TABFLOW_ADMIN_TOKEN set to allow promote, rollback and A/B experiment changes',
      );
    }
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if (
      (site !== undefined && site !== 'same-origin') ||
      (origin !== undefined && !sameHost(origin, req.headers.host))
    ) {
      return refuse(
        403,
        'cross_origin',
        `Writes come only from the UI's own pages (origin ${origin ?? site})`,
      );
    }
    if (req.headers[UI_WRITE_HEADER] !== '1') {
      return refuse(403, 'missing_ui_header', `Writes need the ${UI_WRITE_HEADER}: 1 header the UI sends`);
    }
    const verdict = check(req.headers.authorization);
    if (verdict === 'wrong') return refuse(403, 'forbidden', 'The admin token is wrong');
    if (verdict !== 'ok') {
      return refuse(
        401,
        'unauthorized',
        'Enter the admin token (TABFLOW_ADMIN_TOKEN) to promote, roll back or change an experiment',
      );
    }
  };
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
