/**
 * The models page's routes:
 *
 *   GET  /api/models             versions, stages, aliases, history; whether writes are on
 *   POST /api/models/preview     {version, stage} → the gate's numbers and the decision, nothing moved
 *   POST /api/models/promote     {version, stage, preview_id?, force?, reason?} → the stage move
 *   POST /api/models/rollback    {stage, reason?} → the stage back to its previous version
 *
 * Writes pass `writeGuard` (admin token, same origin, the UI's header).
 */
import type { FastifyPluginAsync } from 'fastify';
import { UsageError } from '../core/errors.js';
import type { GateConfig } from '../promotion/index.js';
import { RegistryView } from './registry-view.js';
import { bodyOf, optionalString } from './request-body.js';
import { writeGuard } from './write-guard.js';

/** Where the registry is and who may move it. */
export interface ModelsRoutesOptions {
  modelsDir: string;
  /** The bearer token of writes; absent: read-only. */
  adminToken?: string;
  /** The gate of promotions to production (default: each candidate's own config). */
  gate?: GateConfig;
}

/** The models page's JSON routes. */
export const modelsRoutes: FastifyPluginAsync<ModelsRoutesOptions> = async (app, o) => {
  const view = new RegistryView(o.modelsDir, { gate: o.gate, writable: o.adminToken !== undefined });
  const guard = writeGuard(o.adminToken);
  app.get('/api/models', { schema: { summary: 'Registry: versions, stages, aliases, history' } }, async () =>
    view.overview(),
  );
  app.post(
    '/api/models/preview',
    { preHandler: guard, schema: { summary: 'Gate numbers of a promotion, nothing moved' } },
    async (req) => {
      const b = bodyOf(req.body);
      return view.preview(versionOf(b), stageOf(b));
    },
  );
  app.post(
    '/api/models/promote',
    { preHandler: guard, schema: { summary: 'Promote a version (gate first)' } },
    async (req) => {
      const b = bodyOf(req.body);
      return view.promote(versionOf(b), stageOf(b), {
        preview_id: optionalString(b, 'preview_id'),
        force: b.force === true,
        reason: optionalString(b, 'reason'),
        actor: 'tabflow ui',
      });
    },
  );
  app.post(
    '/api/models/rollback',
    { preHandler: guard, schema: { summary: 'Roll a stage back' } },
    async (req) => {
      const b = bodyOf(req.body);
      return view.rollback(stageOf(b), { reason: optionalString(b, 'reason'), actor: 'tabflow ui' });
    },
  );
};

function versionOf(b: Record<string, unknown>): number {
  const v = b.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new UsageError('bad_version', `version must be a positive integer; got ${JSON.stringify(v)}`);
  }
  return v;
}

function stageOf(b: Record<string, unknown>): string {
  if (typeof b.stage !== 'string') {
    throw new UsageError(
      'bad_stage',
      `stage must be dev, staging or production; got ${JSON.stringify(b.stage)}`,
    );
  }
  return b.stage;
}
