/**
 * The experiments page's routes (the library behind `tabflow ab`):
 *
 *   GET  /api/experiments             the running experiment with its live test, the ended ones
 *   POST /api/experiments/start       {challenger, weight?, shadow?, key?, reason?} → the experiment
 *   POST /api/experiments/stop        {id, reason?} → stopped, numbers recorded
 *   POST /api/experiments/conclude    {id, force?} → promoted through the gate, or champion kept
 *
 * Writes pass `writeGuard` (admin token, same origin, the UI's header); stop and conclude name the
 * experiment the page showed, so a click never ends another one started meanwhile.
 */
import type { FastifyPluginAsync } from 'fastify';
import { UsageError } from '../core/errors.js';
import type { GateConfig } from '../promotion/index.js';
import { ExperimentsView } from './experiments-view.js';
import { bodyOf, optionalString } from './request-body.js';
import { writeGuard } from './write-guard.js';

/** Where the experiments are and who may start and end them. */
export interface ExperimentsRoutesOptions {
  modelsDir: string;
  /** The bearer token of writes; absent: read-only. */
  adminToken?: string;
  /** The gate a better challenger is promoted through (default: its own config). */
  gate?: GateConfig;
}

/** The experiments page's JSON routes. */
export const experimentsRoutes: FastifyPluginAsync<ExperimentsRoutesOptions> = async (app, o) => {
  const view = new ExperimentsView(o.modelsDir, { gate: o.gate, writable: o.adminToken !== undefined });
  const guard = writeGuard(o.adminToken);
  app.get(
    '/api/experiments',
    {
      schema: {
        summary: 'A/B experiments: arms, traffic split, live metrics per arm, the significance test',
      },
    },
    async () => view.overview(),
  );
  app.post(
    '/api/experiments/start',
    { preHandler: guard, schema: { summary: 'Start an A/B experiment against the production version' } },
    async (req) => {
      const b = bodyOf(req.body);
      return view.start({
        challenger: positiveInteger(b, 'challenger'),
        weight: optionalNumber(b, 'weight'),
        shadow: b.shadow === true,
        key: optionalString(b, 'key'),
        reason: optionalString(b, 'reason'),
      });
    },
  );
  app.post(
    '/api/experiments/stop',
    { preHandler: guard, schema: { summary: 'Stop the running experiment (numbers recorded)' } },
    async (req) => {
      const b = bodyOf(req.body);
      return view.stop(experimentId(b), optionalString(b, 'reason'));
    },
  );
  app.post(
    '/api/experiments/conclude',
    {
      preHandler: guard,
      schema: { summary: 'Conclude: promote a significantly better challenger, else keep' },
    },
    async (req) => {
      const b = bodyOf(req.body);
      return view.conclude(experimentId(b), b.force === true);
    },
  );
};

function experimentId(b: Record<string, unknown>): string {
  const id = optionalString(b, 'id');
  if (id === undefined) throw new UsageError('bad_body', 'id must name the running experiment');
  return id;
}

function positiveInteger(b: Record<string, unknown>, key: string): number {
  const v = b[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new UsageError(
      'bad_version',
      `${key} must be a version number (an integer ≥ 1); got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function optionalNumber(b: Record<string, unknown>, key: string): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number')
    throw new UsageError('bad_body', `${key} must be a number; got ${JSON.stringify(v)}`);
  return v;
}
