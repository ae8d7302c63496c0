/**
 * The config.yaml a run saved (its full resolved config, environment applied), as a raw mapping:
 * callers resolve the section they need (the gate its `registry`, monitoring its `monitoring`, …).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ArtifactError } from '../core/errors.js';
import type { DataConfig } from '../data/data-config.js';
import type { MetricName } from '../metrics/regression.js';
import type { OutputConfig } from './output-config.js';

/**
 * The config a run records. config.yaml holds all of it, as given (the whole resolved config when
 * `tabflow train` or `retrain` passes one); these are the keys the run folder itself reads.
 */
export interface RunConfig {
  data: Pick<DataConfig, 'decimal'>;
  training: { seed: number };
  selection: { metric: MetricName; on: 'val' | 'test' };
  output: OutputConfig;
  registry: { name: string };
}

/** A config as YAML: the body of a run's config.yaml. */
export function configToYaml(cfg: object): string {
  return YAML.stringify(cfg, { lineWidth: 0 });
}

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
