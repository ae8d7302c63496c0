/**
 * The `serve` config section: defaults of `tabflow serve`, so each environment (dev, staging,
 * production) can set its own log level or port in config.yaml. Command-line flags win.
 */
import { type ParamsOf, type ParamTable, resolveParams } from '../core/params.js';

/** The log levels `serve.log_level` and `--log-level` accept. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The `serve` config section: each parameter with its default, rule and doc. */
export const SERVE_PARAMS = {
  host: { type: 'string', default: '127.0.0.1', doc: 'address to bind (loopback unless you say otherwise)' },
  port: { type: 'number', default: 8080, integer: true, min: 0, max: 65535, doc: 'TCP port (0 = any free)' },
  log_level: { type: 'enum', default: 'info', values: LOG_LEVELS, doc: 'server log level' },
  body_limit: {
    type: 'number',
    default: 1024 * 1024,
    integer: true,
    min: 1,
    max: 1 << 30,
    doc: 'largest request body in bytes (larger → 413); the --body-limit flag wins',
  },
  reload_poll_ms: {
    type: 'number',
    default: 1000,
    integer: true,
    min: 50,
    doc: 'how often `serve --stage` checks whether the stage moved to another version',
  },
} as const satisfies ParamTable;

/** The `serve` section, resolved. */
export type ServeConfig = ParamsOf<typeof SERVE_PARAMS>;

/** The `serve` section of a config with defaults filled in; bad values are a ConfigError naming them. */
export function resolveServeConfig(raw: unknown, prefix = 'serve'): ServeConfig {
  return resolveParams(SERVE_PARAMS, raw, prefix);
}
