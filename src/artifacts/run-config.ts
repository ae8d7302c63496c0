/**
 * The config.yaml a run saved (its full resolved config, environment applied), as a raw mapping:
 * callers resolve the section they need (the gate its `registry`, monitoring its `monitoring`, …).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ArtifactError } from '../core/errors.js';

/** A run folder's config.yaml as a raw mapping (not verified: `RunFolder.open(dir).config` is). */
export function readRunConfig(dir: string): Record<string, unknown> {
  const path = join(dir, 'config.yaml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ArtifactError('missing_artifact', `Cannot read ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (e) {
    throw new ArtifactError(
      'bad_config',
      `${path} is not valid YAML (${(e as Error).message}); the artifact is corrupt`,
    );
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
