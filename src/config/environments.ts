/**
 * Per-environment overrides in one config.yaml:
 *
 *   data: {path: data/sample.csv}
 *   environments:
 *     production: {data: {path: /srv/data/full.csv}, registry: {gate_min_improvement_rel: 0.01}}
 *
 * `--env production` (or TABFLOW_ENV=production) merges that block over the base config: mappings
 * merge key by key, anything else (lists, scalars) is replaced. Without an environment the base
 * config is used as written.
 */
import { ConfigError, type Issue } from '../core/errors.js';

/** The names an `environments.<name>` block, `--env` and TABFLOW_ENV accept. */
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
/** One of {@link ENVIRONMENTS}. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** The environment asked for: the flag, else TABFLOW_ENV, else none. */
export function selectedEnvironment(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Environment | null {
  const fromFlag = flag !== undefined && flag !== '';
  const name = fromFlag ? flag : env.TABFLOW_ENV || undefined;
  if (name === undefined) return null;
  if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
    const where = fromFlag ? '--env' : 'TABFLOW_ENV';
    throw new ConfigError([
      {
        path: where,
        code: 'invalid_value',
        message: `${where} = ${JSON.stringify(name)} is not an environment; allowed: ${ENVIRONMENTS.join(', ')}`,
      },
    ]);
  }
  return name as Environment;
}

/**
 * The raw config with `environments.<env>` merged over it and the `environments` block removed;
 * `environment` records which one was applied (null: none).
 */
export function applyEnvironment(raw: unknown, env: Environment | null): Record<string, unknown> {
  const r = { ...((raw ?? {}) as Record<string, unknown>) };
  const blocks = r.environments;
  delete r.environments;
  const issues: Issue[] = [];
  if (blocks !== undefined && blocks !== null) {
    if (typeof blocks !== 'object' || Array.isArray(blocks)) {
      issues.push({
        path: 'environments',
        code: 'invalid_type',
        message: `environments must map ${ENVIRONMENTS.join(' / ')} to config overrides`,
      });
    } else {
      for (const [k, v] of Object.entries(blocks)) {
        if (!(ENVIRONMENTS as readonly string[]).includes(k)) {
          issues.push({
            path: `environments.${k}`,
            code: 'unknown_key',
            message: `"${k}" is not an environment; allowed: ${ENVIRONMENTS.join(', ')}`,
          });
        } else if (v !== null && (typeof v !== 'object' || Array.isArray(v))) {
          issues.push({
            path: `environments.${k}`,
            code: 'invalid_type',
            message: `environments.${k} must be a mapping of config sections`,
          });
        }
      }
    }
  }
  if (issues.length) throw new ConfigError(issues);
  if (r.environment !== undefined && env === null) return r; // a saved run config: already applied
  const block = env ? ((blocks as Record<string, unknown> | undefined)?.[env] ?? {}) : {};
  const merged = deepMerge(r, block as Record<string, unknown>);
  merged.environment = env;
  return merged;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      isMapping(b) && isMapping(v)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function isMapping(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
