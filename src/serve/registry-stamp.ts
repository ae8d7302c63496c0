/**
 * `registry.json`: the registry's stamp in every release folder (which registered model, which
 * version, which stage, when). The server reads it to name the version behind each prediction.
 * A folder without one (a run folder, or a release published before the registry) serves with
 * version null; a stamp that is unreadable or names another run than metadata.json is refused,
 * since then the folder is not what it claims to be.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactError } from '../core/errors.js';

export const STAMP_FILE = 'registry.json';

export interface RegistryStamp {
  format_version: number;
  name: string;
  version: number;
  stage: string | null;
  run_id: string;
  published_at: string | null;
}

/** The stamp of folder `dir`, or null when it has none. */
export function readServedStamp(dir: string): RegistryStamp | null {
  const file = join(dir, STAMP_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ArtifactError('bad_stamp', `Cannot read ${file}: ${(e as Error).message}`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ArtifactError('bad_stamp', `${file} is not valid JSON: ${(e as Error).message}`);
  }
  const bad = (field: string, want: string) =>
    new ArtifactError(
      'bad_stamp',
      `${file}: ${field} = ${JSON.stringify(raw?.[field])} is not allowed; expected ${want}`,
    );
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('(root)', 'an object');
  if (typeof raw.format_version !== 'number' || raw.format_version < 1) throw bad('format_version', '>= 1');
  if (raw.format_version > 1) throw bad('format_version', '1 (written by a newer tabflow)');
  if (!Number.isInteger(raw.version) || (raw.version as number) < 1) throw bad('version', 'an integer >= 1');
  if (typeof raw.name !== 'string' || !raw.name) throw bad('name', 'a model name');
  if (typeof raw.run_id !== 'string' || !raw.run_id) throw bad('run_id', 'a run id');
  if (raw.stage != null && typeof raw.stage !== 'string') throw bad('stage', 'a stage name or null');
  return {
    format_version: raw.format_version,
    name: raw.name,
    version: raw.version as number,
    stage: (raw.stage as string | undefined) ?? null,
    run_id: raw.run_id,
    published_at: typeof raw.published_at === 'string' ? raw.published_at : null,
  };
}
