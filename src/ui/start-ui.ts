/**
 * `startUi`: the web UI as its own server (`tabflow ui`), bound to loopback by default. The same
 * pages mount on the model server with `tabflow serve --ui` (uiPlugin).
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { UsageError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { uiPlugin } from './ui-plugin.js';

/** Where the UI reads and listens. */
export interface StartUiOptions {
  /** The models folder (default `models`). */
  modelsDir?: string;
  /** Address to bind (default 127.0.0.1, loopback only). */
  host?: string;
  /** TCP port (default 8765); 0 takes any free port (see `url`). */
  port?: number;
  /** The bearer token of promote and rollback, at least 16 characters; absent: read-only. */
  adminToken?: string;
}

/** A listening UI server. */
export interface RunningUi {
  readonly app: FastifyInstance;
  /** The UI's address, e.g. `http://127.0.0.1:8765/ui/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the UI server over `modelsDir` and resolves once it listens. */
export async function startUi(o: StartUiOptions = {}): Promise<RunningUi> {
  const app = Fastify({ logger: false });
  if (o.adminToken !== undefined && o.adminToken.length < 16) {
    throw new UsageError(
      'weak_admin_token',
      `The admin token must be at least 16 characters; got ${o.adminToken.length}`,
    );
  }
  // The document sees every route registered after it: the pages' JSON API, at /api/openapi.json.
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'tabflow UI API',
        version: VERSION,
        description: 'The JSON the web UI reads and writes',
      },
    },
  });
  await app.register(uiPlugin, { modelsDir: o.modelsDir ?? 'models', adminToken: o.adminToken });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port ?? 8765 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}/ui/`, close: () => app.close() };
}
