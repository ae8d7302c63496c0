/**
 * A config is a mapping of sections, each resolved by the stage that owns it. This is the one
 * loop that runs them and reports every section's problems at once; `config/` composes all the
 * sections, a stage that reads a run's saved config composes only the ones it needs.
 */
import { ConfigError, type Issue } from './errors.js';

/** One resolver per section: its raw value and config path → the resolved section. */
export type SectionResolvers<T> = { [K in keyof T]: (raw: unknown, path: string) => T[K] };

/**
 * Resolve each section of `raw` named in `resolvers`, in their order (which is the order of the
 * result's keys, so of a saved config.yaml). Every section's {@link ConfigError} issues are
 * collected into one error, after any already in `issues`; keys of `raw` without a resolver are
 * ignored here (the caller decides whether they are errors).
 */
export function resolveSections<T>(
  raw: Record<string, unknown>,
  resolvers: SectionResolvers<T>,
  issues: Issue[] = [],
): T {
  const out: Record<string, unknown> = {};
  for (const [name, resolve] of Object.entries(resolvers) as [string, (r: unknown, p: string) => unknown][]) {
    try {
      out[name] = resolve(raw[name], name);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length) throw new ConfigError(issues);
  return out as T;
}
