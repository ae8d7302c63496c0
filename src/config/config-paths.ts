/**
 * Paths written in a config file are relative to that file, not to wherever the command runs:
 * `tabflow train --config proj/config.yaml` with `data: {path: data.csv}` reads proj/data.csv
 * from any working directory. (A path given as a command-line flag stays relative to the cwd.)
 */
import { isAbsolute, resolve } from 'node:path';

/** The config keys that name a file or folder, as [section, key]. */
export const CONFIG_PATH_KEYS: readonly (readonly [string, string])[] = [
  ['data', 'path'],
  ['output', 'dir'],
  ['storage', 'artifact_cache'],
];

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rebase the path keys of one config mapping (base or an environment block); copies, never mutates. */
function rebase(cfg: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const out = { ...cfg };
  for (const [section, key] of CONFIG_PATH_KEYS) {
    const s = out[section];
    if (!isMapping(s)) continue;
    const v = s[key];
    // Anything but a non-empty string is left for the schema check to report as it is.
    if (typeof v === 'string' && v !== '' && !isAbsolute(v))
      out[section] = { ...s, [key]: resolve(baseDir, v) };
  }
  return out;
}

/**
 * The raw config of a file in `baseDir` with every path key (also inside `environments.<env>`)
 * made absolute against `baseDir`.
 */
export function resolveConfigPaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const out = rebase(raw, baseDir);
  if (isMapping(out.environments)) {
    const envs: Record<string, unknown> = {};
    for (const [name, block] of Object.entries(out.environments)) {
      envs[name] = isMapping(block) ? rebase(block, baseDir) : block;
    }
    out.environments = envs;
  }
  return out;
}
