/**
 * Admin routes, registered only when an admin token is configured (otherwise they do not exist:
 * 404 like any unknown route):
 *
 *   POST /admin/reload    look at the stage link (and experiment.json) now; swap if it moved (a failed load keeps the old model)
 *   POST /admin/promote   {version, stage, force?, reason?} → the registry's gated promotion, then reload
 *
 * Both need `Authorization: Bearer <token>`: 401 when it is missing or not a bearer header, 403
 * when the token is wrong. The check runs before the body is read.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { bearerChecker } from '../../core/bearer-auth.js';
import type { FieldIssueCode } from '../../core/error-codes.js';
import type { Issue } from '../../core/errors.js';
import type { ExperimentSource } from '../experiment-follower.js';
import type { ModelSource, ReloadResult } from '../model-source.js';
import { summarize } from '../model-view.js';
import { redactUrl } from '../redact-url.js';
import { RequestError } from '../request-error.js';

/** The stages `/admin/promote` can promote to. */
export const ADMIN_STAGES = ['dev', 'staging', 'production'] as const;

/** A promotion asked through `POST /admin/promote`, checked. */
export interface PromoteRequest {
  /** A version number, `v7`, or an alias name. */
  version: number | string;
  stage: (typeof ADMIN_STAGES)[number];
  force: boolean;
  reason?: string;
  /** Who asked: `admin-api <client address>`. */
  actor: string;
}

/** The registry's decision record; `decision: 'refused'` answers 409. */
export interface PromoteDecision {
  decision: string;
  [k: string]: unknown;
}

/** How the admin routes authenticate, promote and tell others of a reload. */
export interface AdminOptions {
  /** The bearer token (TABFLOW_ADMIN_TOKEN). */
  token: string;
  /** Gated promotion (startServer wires promote() of src/promotion); absent → /admin/promote answers 501. */
  promote?: (req: PromoteRequest) => Promise<PromoteDecision>;
  /** Told after each admin reload (`serve --workers N`: the other workers then reload too). */
  onReload?: () => void;
}

const REF = /^(?:v?[1-9]\d{0,8}|[A-Za-z][A-Za-z0-9._-]{0,63})$/;
const MAX_REASON = 1000;

/** What the admin plugin acts on. */
export interface AdminRoutesOptions {
  /** Read at each request (`onReload` may be set after the server is built). */
  admin: AdminOptions;
  source: ModelSource;
  experiments: ExperimentSource | null;
}

/** POST /admin/reload and POST /admin/promote, behind the bearer token. */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, o) => {
  const authorize = bearerGuard(o.admin.token);
  const security = [{ adminToken: [] }];
  app.post(
    '/admin/reload',
    {
      onRequest: authorize,
      schema: { summary: 'Load the stage now if it moved (admin token)', security },
    },
    reloadHandler(o),
  );
  app.post(
    '/admin/promote',
    {
      onRequest: authorize,
      schema: {
        summary: 'Promote a version to a stage through the registry gate, then reload (admin token)',
        security,
      },
    },
    promoteHandler(o),
  );
};

/** An onRequest hook answering 401 (no bearer token) or 403 (a wrong one) before the body is read. */
function bearerGuard(token: string) {
  const check = bearerChecker(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const verdict = check(req.headers.authorization);
    if (verdict === 'ok') return;
    req.log.warn({ verdict, url: redactUrl(req.url, [token]) }, 'admin request refused');
    if (verdict === 'wrong') {
      return reply.code(403).send({
        error: 'forbidden',
        message: 'The admin token is wrong',
        request_id: String(req.id),
      });
    }
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="tabflow-admin"')
      .send({
        error: 'unauthorized',
        message:
          verdict === 'missing'
            ? 'Admin routes need an Authorization: Bearer <TABFLOW_ADMIN_TOKEN> header'
            : 'The Authorization header must be "Bearer <token>"',
        request_id: String(req.id),
      });
  };
}

function reloadBody(r: ReloadResult) {
  return {
    status: r.status,
    model: summarize(r.model),
    previous: r.previous ? summarize(r.previous) : null,
    ...(r.error ? { load_error: r.error } : {}),
  };
}

function reloadHandler({ admin, source, experiments }: AdminRoutesOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const r = await source.reload({ force: true });
    req.log.info({ status: r.status, run_id: r.model.pipeline.runId }, 'admin reload');
    admin.onReload?.();
    // The experiment too: a `tabflow ab start|stop` takes effect now rather than at the next poll.
    const x = experiments ? await experiments.reload({ force: true }) : null;
    const experiment = x
      ? {
          experiment: { status: x.status, id: x.experiment?.experiment.id ?? null, error: x.error ?? null },
        }
      : {};
    if (r.status === 'failed') {
      return reply.code(500).send({
        error: 'reload_failed',
        message: `The new model did not load; still serving run ${r.model.pipeline.runId}: ${r.error}`,
        request_id: String(req.id),
        ...reloadBody(r),
        ...experiment,
      });
    }
    return { ...reloadBody(r), ...experiment };
  };
}

function promoteHandler({ admin, source }: AdminRoutesOptions) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!admin.promote) {
      return reply.code(501).send({
        error: 'registry_not_available',
        message: 'This server has no model registry to promote through',
        request_id: String(req.id),
      });
    }
    const body = promoteBody(req.body, `admin-api ${req.ip}`);
    const decision = await admin.promote(body);
    req.log.info({ ...body, decision: decision.decision }, 'admin promote');
    const reload = reloadBody(await source.reload({ force: true }));
    admin.onReload?.();
    if (decision.decision === 'refused') {
      return reply.code(409).send({
        error: 'gate_refused',
        message: `Promotion of ${body.version} to ${body.stage} refused by the gate (force: true overrides)`,
        request_id: String(req.id),
        decision,
        reload,
      });
    }
    return { decision, reload };
  };
}

/** `{version, stage, force?, reason?}`, every problem reported. */
export function promoteBody(raw: unknown, actor: string): PromoteRequest {
  const issues: Issue[] = [];
  const add = (path: string, code: FieldIssueCode, message: string) => issues.push({ path, code, message });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RequestError(
      [{ path: 'body', code: 'invalid_type', message: 'body must be {version, stage, force?, reason?}' }],
      'Invalid promotion',
    );
  }
  const b = raw as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!['version', 'stage', 'force', 'reason'].includes(k)) {
      add(`body.${k}`, 'unknown_key', `"${k}" is not a field; fields: version, stage, force, reason`);
    }
  }
  const v = b.version;
  const versionOk =
    (typeof v === 'number' && Number.isInteger(v) && v >= 1) || (typeof v === 'string' && REF.test(v));
  if (!versionOk) {
    add(
      'body.version',
      'invalid_value',
      `version = ${JSON.stringify(v)} is not allowed: a version number (7), "v7" or an alias name`,
    );
  }
  if (!(ADMIN_STAGES as readonly unknown[]).includes(b.stage)) {
    add(
      'body.stage',
      'invalid_value',
      `stage = ${JSON.stringify(b.stage)} is not allowed: one of ${ADMIN_STAGES.join(', ')}`,
    );
  }
  if (b.force !== undefined && typeof b.force !== 'boolean') {
    add('body.force', 'invalid_type', `force = ${JSON.stringify(b.force)} is not allowed: true or false`);
  }
  if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > MAX_REASON)) {
    add('body.reason', 'invalid_value', `reason must be text of at most ${MAX_REASON} characters`);
  }
  if (issues.length) throw new RequestError(issues, 'Invalid promotion');
  return {
    version: v as number | string,
    stage: b.stage as PromoteRequest['stage'],
    force: b.force === true,
    ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
    actor,
  };
}
