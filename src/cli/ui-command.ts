/**
 * `tabflow ui`: the web UI over a models folder — browse, sort and filter runs, open one, compare
 * two to five — served on loopback until Ctrl-C. The server's modules load only when it runs
 * (main.ts: other commands should not pay for fastify).
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addModelsDirOption, DEFAULT_MODELS_DIR, type ModelsDirFlags, modelsDirOf } from './models-dir.js';

/** The flags of `tabflow ui`. */
export interface UiCommandOptions extends ModelsDirFlags {
  host?: string;
  port?: string;
}

/** Adds `tabflow ui` to `program`; `done` receives its exit code. */
export function addUiCommand(program: Command, done: (code: number) => void): void {
  const ui = program
    .command('ui')
    .description('web UI over a models folder: runs (sort, filter), one run, compare runs')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--port <n>', 'TCP port, 0 = any free port (default 8765)');
  addModelsDirOption(ui, 'models folder to browse (default: models)', ['--dir']).action(async (opts) => {
    done(await uiCommand(opts));
  });
}

/** Runs the UI until SIGINT/SIGTERM; the exit code. */
export async function uiCommand(opts: UiCommandOptions): Promise<number> {
  const port = opts.port === undefined ? 8765 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      'bad_port',
      `--port must be an integer from 0 to 65535; got ${JSON.stringify(opts.port)}`,
    );
  }
  const modelsDir = modelsDirOf(opts) ?? DEFAULT_MODELS_DIR;
  const { startUi } = await import('../ui/start-ui.js');
  const { closeOnSignals } = await import('../serve/shutdown.js');
  const adminToken = process.env.TABFLOW_ADMIN_TOKEN || undefined;
  const ui = await startUi({ modelsDir, host: opts.host, port, adminToken });
  const writes = adminToken
    ? 'promote and rollback on (TABFLOW_ADMIN_TOKEN)'
    : 'read-only (set TABFLOW_ADMIN_TOKEN to promote)';
  process.stdout.write(`tabflow ui: ${modelsDir} at ${ui.url}, ${writes} (Ctrl-C stops)\n`);
  const signal = await closeOnSignals(ui.app);
  process.stderr.write(`tabflow ui: stopped on ${signal}\n`);
  return 0;
}
