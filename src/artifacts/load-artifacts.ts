/**
 * Load one run's artifacts from a folder (a run folder or models/production) and check that they
 * belong together: every file present, and each one's sha256 equal to what metadata.json recorded.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ArtifactError } from '../core/errors.js';
import '../models/index.js';
import { loadModel } from '../models/registry.js';
import type { FittedRegressor } from '../models/regressor.js';
import { type FittedPreprocessor, loadPreprocessor } from '../preprocess/index.js';
import { REGISTRY_STAMP_FILE } from '../registry/registry-stamp.js';
import {
  artifactFilesOf,
  METADATA_FILE,
  type MetadataJson,
  type ResultsJson,
  sha256,
} from './run-artifacts.js';

export interface RunArtifacts {
  /** The resolved folder the files were read from (a production link is resolved once). */
  dir: string;
  model: FittedRegressor;
  preprocessor: FittedPreprocessor;
  metadata: MetadataJson;
  results: ResultsJson;
  config: unknown;
}

export function loadArtifacts(dir: string): RunArtifacts {
  if (!existsSync(dir)) {
    throw new ArtifactError(
      'missing_artifacts',
      `No artifacts at ${dir}: train a model first (tabflow train ...)`,
    );
  }
  // Resolve once, so a concurrent promotion cannot mix files of two runs.
  const real = realpathSync(dir);
  const read = (name: string): Buffer => {
    const p = join(real, name);
    if (!existsSync(p))
      throw new ArtifactError('missing_artifact', `${dir} is incomplete: ${name} is missing`);
    return readFileSync(p);
  };
  const metadata = parseJson(read(METADATA_FILE), `${dir}/${METADATA_FILE}`) as MetadataJson;
  const bytes: Record<string, Buffer> = {};
  for (const f of artifactFilesOf(metadata)) {
    bytes[f] = read(f);
    const want = (metadata.artifacts as Record<string, { sha256: string } | undefined>)?.[f]?.sha256;
    const got = sha256(bytes[f]);
    if (want !== got) {
      throw new ArtifactError(
        'artifact_mismatch',
        `${dir}/${f} does not belong to run ${metadata.run_id}: its sha256 is ${got.slice(0, 12)}…, metadata.json records ${String(want).slice(0, 12)}…. Do not mix files of different runs; re-train or restore the run folder.`,
      );
    }
  }
  const results = parseJson(bytes['results.json'], `${dir}/results.json`) as ResultsJson;
  if (results.run_id !== metadata.run_id) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${dir}: results.json is from run ${results.run_id}, metadata.json from ${metadata.run_id}`,
    );
  }
  checkRegistryStamp(dir, real, metadata.run_id);
  return {
    dir: real,
    model: loadModel(parseJson(bytes['model.json'], `${dir}/model.json`) as never),
    preprocessor: loadPreprocessor(parseJson(bytes['preprocessor.json'], `${dir}/preprocessor.json`)),
    metadata,
    results,
    config: YAML.parse(bytes['config.yaml'].toString('utf8')),
  };
}

/** A release folder's registry.json (when present) must name the run its files belong to. */
function checkRegistryStamp(dir: string, real: string, runId: string): void {
  const p = join(real, REGISTRY_STAMP_FILE);
  if (!existsSync(p)) return;
  const stamp = parseJson(readFileSync(p), `${dir}/${REGISTRY_STAMP_FILE}`) as { run_id?: unknown };
  if (stamp?.run_id !== runId) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${dir}/${REGISTRY_STAMP_FILE} names run ${String(stamp?.run_id)}, but metadata.json is from run ${runId}: ` +
        `the release folder mixes two versions; promote or roll back again to rewrite it`,
    );
  }
}

function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch (e) {
    throw new ArtifactError(
      'bad_json',
      `${what} is not valid JSON (${(e as Error).message}); the artifact is corrupt`,
    );
  }
}
