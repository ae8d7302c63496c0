/**
 * Load one run's artifacts from a folder (a run folder or models/production) and check that they
 * belong together: metadata.json's sha256 equal to what the folder records for it (registry.json's
 * `metadata_sha256` in a release, metadata.json.sha256 beside it), then every other file present
 * and its sha256 equal to what metadata.json recorded. See `verifyMetadata` for the guarantee.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ArtifactError } from '../core/errors.js';
import '../models/index.js';
import { loadModel } from '../models/families.js';
import type { FittedRegressor } from '../models/regressor.js';
import { type FittedPreprocessor, loadPreprocessor } from '../preprocess/index.js';
import { REGISTRY_STAMP_FILE } from '../registry/registry-stamp.js';
import {
  artifactFilesOf,
  METADATA_FILE,
  METADATA_SEAL_FILE,
  type MetadataJson,
  parseSeal,
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
  const metaBytes = read(METADATA_FILE);
  verifyMetadata(dir, real, sha256(metaBytes));
  const metadata = parseJson(metaBytes, `${dir}/${METADATA_FILE}`) as MetadataJson;
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

/**
 * metadata.json must match every record of its sha256 the folder holds, and at least one must
 * exist: `metadata_sha256` in registry.json (a release: the hash the registry recorded when the
 * run was registered) and metadata.json.sha256 (written with the run by `tabflow train`, copied
 * into releases). This catches any edit of metadata.json alone (a conformal `q`, a contract
 * `max`), a corrupt file and a partial copy. It is a checksum, not a signature: whoever can
 * rewrite metadata.json and its recorded hash too can change a release; the registry's own
 * record (registry.sqlite) is checked again at every promotion.
 */
function verifyMetadata(dir: string, real: string, got: string): void {
  const file = join(real, METADATA_FILE);
  const records: [string, string][] = [];
  const stampPath = join(real, REGISTRY_STAMP_FILE);
  if (existsSync(stampPath)) {
    const stamp = parseJson(readFileSync(stampPath), `${dir}/${REGISTRY_STAMP_FILE}`) as {
      metadata_sha256?: unknown;
    };
    if (typeof stamp?.metadata_sha256 === 'string') {
      records.push([`${REGISTRY_STAMP_FILE} (metadata_sha256)`, stamp.metadata_sha256]);
    }
  }
  const sealPath = join(real, METADATA_SEAL_FILE);
  if (existsSync(sealPath)) {
    const want = parseSeal(readFileSync(sealPath, 'utf8'));
    if (want === null) {
      throw new ArtifactError(
        'bad_seal',
        `${sealPath} is not a sha256 of metadata.json: expected one line "<64 hex digits>  metadata.json"; ` +
          'the artifact is corrupt',
      );
    }
    records.push([METADATA_SEAL_FILE, want]);
  }
  if (!records.length) {
    throw new ArtifactError(
      'unverified_metadata',
      `${file} cannot be verified: ${dir} has neither ${METADATA_SEAL_FILE} nor a ${REGISTRY_STAMP_FILE} ` +
        `with metadata_sha256 (a partial copy, or a folder written by an older tabflow). Copy the whole run ` +
        `folder; or, if you trust this metadata.json, record its hash: ` +
        `(cd ${real} && sha256sum ${METADATA_FILE} > ${METADATA_SEAL_FILE})`,
    );
  }
  for (const [source, want] of records) {
    if (want !== got) {
      throw new ArtifactError(
        'artifact_mismatch',
        `${file} has changed since it was written: its sha256 is ${got.slice(0, 12)}…, ${source} ` +
          `records ${want.slice(0, 12)}…. metadata.json holds the data contract and the interval ` +
          'calibration, so an edited copy is refused: restore it from the run folder or a backup, or re-train.',
      );
    }
  }
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
