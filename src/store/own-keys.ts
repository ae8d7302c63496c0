/**
 * The keys of a config section that one part of it owns: the `storage` section is shared by the
 * stores (uri, registry, log) and the artifact store (artifacts, artifact_cache, publish_data), and each part
 * resolves only its own keys (the whole section is checked for unknown keys once).
 */
import type { ParamTable } from '../core/params.js';

/** `raw` restricted to the keys of `table` when it is a plain object; anything else as is. */
export function ownKeys(raw: unknown, table: ParamTable): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => Object.hasOwn(table, k)));
}
