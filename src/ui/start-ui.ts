/**
 * `startUi`: the web UI as its own server (`tabflow ui`), bound to loopback by default. The same
 * pages mount on the model server with `tabflow serve --ui` (uiPlugin).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { uiPlugin } from './ui-plugin.js';

/** Where the UI reads and listens. */
export interface StartUiOptions {
  /** The models folder (default `models`). */
  modelsDir?: string;
  /** Address to bind (default 127.0.0.1, loopback only). */
  host?: string;
  /** TCP port (default 8765); 0 takes any free port (see `url`). */
  port?: number;
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
  await app.register(uiPlugin, { modelsDir: o.modelsDir ?? 'models' });
  const host = o.host ?? '127.0.0.1';
  await app.listen({ host, port: o.port ?? 8765 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}/ui/`, close: () => app.close() };
}
