/**
 * The run folder format, in one place: which files a run holds (model.json, preprocessor.json,
 * config.yaml, results.json, metadata.json, its seal metadata.json.sha256, and the optional
 * profile.json), how they vouch for each other, and `RunFolder.open`, the one reader that proves
 * a folder's files belong together:
 *
 *   resolve a stage link once → metadata.json's sha256 against every record of it (its seal; a
 *   release's registry.json; the registry's own record when given) → every file metadata.json
 *   lists against the sha256 it records → results.json and registry.json name the same run.
 *
 * Files are read and hashed once at open; JSON and YAML are parsed on first use.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { ArtifactError } from '../core/errors.js';
import { REGISTRY_STAMP_FILE, readStampFields } from './release-stamp.js';
import type { MetadataJson, ResultsJson } from './run-json.js';

export type {
  BackgroundJson,
  CalibrationJson,
  CandidateJson,
  FeatureSchemaEntry,
  IntervalQuality,
  MetadataJson,
  ResultsJson,
  SelectionWarningJson,
  TargetStats,
} from './run-json.js';

/** The four files every run has besides metadata.json. */
export const ARTIFACT_FILES = ['model.json', 'preprocessor.json', 'config.yaml', 'results.json'] as const;
/** One of the four required files. */
export type ArtifactFile = (typeof ARTIFACT_FILES)[number];
/** metadata.json: records the sha256 of every other file of the run. */
export const METADATA_FILE = 'metadata.json';
/**
 * metadata.json's own sha256, written beside it in `sha256sum` format (`sha256sum -c` checks it):
 * metadata.json vouches for every other file, this file vouches for metadata.json.
 */
export const METADATA_SEAL_FILE = 'metadata.json.sha256';
/** The reference profile for drift monitoring: checked like the four when metadata.json lists it. */
export const PROFILE_FILE = 'profile.json';
/** Files a run may have besides the four (a run trained before they existed simply has none). */
export const OPTIONAL_ARTIFACT_FILES = [PROFILE_FILE] as const;
/** One of the optional files. */
export type OptionalArtifactFile = (typeof OPTIONAL_ARTIFACT_FILES)[number];
/** Version of the metadata.json layout this tabflow writes. */
export const METADATA_FORMAT_VERSION = 1;

/** Every file metadata.json vouches for: the four required ones, then the optional ones it lists. */
export function artifactFilesOf(meta: Pick<MetadataJson, 'artifacts'>): string[] {
  const listed = (meta.artifacts ?? {}) as Record<string, unknown>;
  return [...ARTIFACT_FILES, ...OPTIONAL_ARTIFACT_FILES.filter((f) => listed[f] !== undefined)];
}

/** Hex sha256 of a text or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The seal of a metadata.json: `<sha256>  metadata.json` and a newline. */
export function sealText(metadataSha256: string): string {
  return `${metadataSha256}  ${METADATA_FILE}\n`;
}

/** The sha256 a seal records, or null when the text is not a seal of metadata.json. */
export function parseSeal(text: string): string | null {
  const m = /^([0-9a-f]{64}) [ *]metadata\.json\r?\n?$/.exec(text);
  return m ? m[1] : null;
}

/**
 * A candidate's score by the run's selection rule: the mean over folds under cross-validation,
 * else the metric on the split it selected on. Undefined when the candidate has none.
 */
export function selectionScore(
  model: ResultsJson['models'][number],
  selection: Pick<ResultsJson['selection'], 'metric' | 'on'>,
): number | undefined {
  if (selection.on === 'cv') return model.cv?.complete ? model.cv.mean : undefined;
  const split = model.metrics?.[selection.on as 'val' | 'test'];
  return split?.[selection.metric as keyof typeof split];
}

/** How `RunFolder.open` checks metadata.json. */
export interface OpenOptions {
  /**
   * The sha256 the model registry recorded for this run's metadata.json when it registered it:
   * the folder must match it (a run folder without a seal is then accepted, and `files()` adds
   * the seal). Messages then speak of registration.
   */
  registered?: string;
}

/** One run's files, proven to belong together. */
export class RunFolder {
  /** The folder as given (messages name it). */
  readonly dir: string;
  /** The resolved folder the files were read from (a stage link is resolved once). */
  readonly real: string;
  private readonly bytes: Record<string, Buffer>;
  private parsed = new Map<string, unknown>();

  private constructor(dir: string, real: string, bytes: Record<string, Buffer>) {
    this.dir = dir;
    this.real = real;
    this.bytes = bytes;
  }

  /**
   * Open a run folder, a release folder or a stage link to one, and verify it: metadata.json
   * against every record of its sha256, every file it lists against the sha256 it records, and
   * results.json and registry.json naming the run. Throws `ArtifactError` naming the file.
   */
  static open(dir: string, o: OpenOptions = {}): RunFolder {
    if (o.registered !== undefined) return RunFolder.openRegistered(dir, o.registered);
    if (!existsSync(dir)) {
      throw new ArtifactError(
        'missing_artifacts',
        `No artifacts at ${dir}: train a model first (tabflow train ...)`,
      );
    }
    // Resolve once, so a concurrent promotion cannot mix files of two runs.
    const real = realpathSync(dir);
    const bytes: Record<string, Buffer> = { [METADATA_FILE]: readRequired(dir, real, METADATA_FILE) };
    verifyMetadata(dir, real, sha256(bytes[METADATA_FILE]));
    const folder = new RunFolder(dir, real, bytes);
    folder.readListed(
      (f) => `${dir}/${f}`,
      '. Do not mix files of different runs; re-train or restore the run folder.',
    );
    const { metadata, results } = folder;
    if (results.run_id !== metadata.run_id) {
      throw new ArtifactError(
        'artifact_mismatch',
        `${dir}: results.json is from run ${results.run_id}, metadata.json from ${metadata.run_id}`,
      );
    }
    checkStampRun(dir, real, metadata.run_id);
    return folder;
  }

  /** metadata.json, parsed. */
  get metadata(): MetadataJson {
    return this.json(METADATA_FILE) as MetadataJson;
  }

  /** results.json, parsed. */
  get results(): ResultsJson {
    return this.json('results.json') as ResultsJson;
  }

  /** config.yaml, parsed: the run's full resolved config as a raw mapping. */
  get config(): unknown {
    if (!this.parsed.has('config.yaml')) {
      const text = this.file('config.yaml').toString('utf8');
      try {
        this.parsed.set('config.yaml', YAML.parse(text));
      } catch (e) {
        throw new ArtifactError(
          'bad_config',
          `${join(this.dir, 'config.yaml')} is not valid YAML (${(e as Error).message}); the artifact is corrupt`,
        );
      }
    }
    return this.parsed.get('config.yaml');
  }

  /** A verified file's bytes (metadata.json, its seal, or a file metadata.json lists). */
  file(name: string): Buffer {
    const b = this.bytes[name];
    if (!b) throw new ArtifactError('missing_artifact', `${this.dir} is incomplete: ${name} is missing`);
    return b;
  }

  /** Whether the run has this file (profile.json is optional). */
  has(name: string): boolean {
    return this.bytes[name] !== undefined;
  }

  /** A verified JSON file, parsed (once). */
  json(name: string): unknown {
    if (!this.parsed.has(name)) this.parsed.set(name, parseJson(this.file(name), `${this.dir}/${name}`));
    return this.parsed.get(name);
  }

  /** Every verified file's bytes, the seal included: what a release copies. */
  files(): Record<string, Buffer> {
    return { ...this.bytes };
  }

  /** Read and check every file metadata.json lists. */
  private readListed(where: (f: string) => string, hint: string): void {
    const meta = this.metadata;
    for (const f of artifactFilesOf(meta)) {
      this.bytes[f] ??= readRequired(this.dir, this.real, f);
      const want = (meta.artifacts as Record<string, { sha256: string } | undefined>)?.[f]?.sha256;
      const got = sha256(this.bytes[f]);
      if (want !== got) {
        throw new ArtifactError(
          'artifact_mismatch',
          `${where(f)} does not belong to run ${meta.run_id}: its sha256 is ${got.slice(0, 12)}…, ` +
            `metadata.json records ${String(want).slice(0, 12)}…${hint}`,
        );
      }
    }
  }

  /**
   * A registered run: all four files and metadata.json present, metadata.json's sha256 equal to
   * the registry's record (and to its seal when the run has one), every listed file's equal to
   * metadata.json's.
   */
  private static openRegistered(dir: string, registered: string): RunFolder {
    const bytes: Record<string, Buffer> = {};
    for (const f of [METADATA_FILE, ...ARTIFACT_FILES]) bytes[f] = readRequired(dir, dir, f);
    const got = sha256(bytes[METADATA_FILE]);
    if (got !== registered) {
      throw new ArtifactError(
        'artifact_mismatch',
        `${join(dir, METADATA_FILE)} has changed since it was registered: its sha256 is ` +
          `${got.slice(0, 12)}…, the registry recorded ${registered.slice(0, 12)}…`,
      );
    }
    const sealPath = join(dir, METADATA_SEAL_FILE);
    if (existsSync(sealPath)) {
      bytes[METADATA_SEAL_FILE] = readFileSync(sealPath);
      const sealed = parseSeal(bytes[METADATA_SEAL_FILE].toString('utf8'));
      if (sealed !== got) {
        throw new ArtifactError(
          'artifact_mismatch',
          `${sealPath} records ${String(sealed).slice(0, 12)}… for metadata.json, the registry ` +
            `${registered.slice(0, 12)}…: the run folder was changed after registration`,
        );
      }
    } else {
      // A run trained before seals existed: its release carries one, from the registry's record.
      bytes[METADATA_SEAL_FILE] = Buffer.from(sealText(got));
    }
    const folder = new RunFolder(dir, dir, bytes);
    folder.readListed((f) => join(dir, f), '');
    return folder;
  }
}

function readRequired(dir: string, real: string, name: string): Buffer {
  const p = join(real, name);
  if (!existsSync(p)) throw new ArtifactError('missing_artifact', `${dir} is incomplete: ${name} is missing`);
  return readFileSync(p);
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
    const stamp = readStampFields(parseJson(readFileSync(stampPath), `${dir}/${REGISTRY_STAMP_FILE}`));
    if (typeof stamp.metadata_sha256 === 'string') {
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
function checkStampRun(dir: string, real: string, runId: string): void {
  const p = join(real, REGISTRY_STAMP_FILE);
  if (!existsSync(p)) return;
  const stamp = readStampFields(parseJson(readFileSync(p), `${dir}/${REGISTRY_STAMP_FILE}`));
  if (stamp.run_id !== runId) {
    throw new ArtifactError(
      'artifact_mismatch',
      `${dir}/${REGISTRY_STAMP_FILE} names run ${String(stamp.run_id)}, but metadata.json is from run ${runId}: ` +
        `the release folder mixes two versions; promote or roll back again to rewrite it`,
    );
  }
}

/** Parse JSON bytes; invalid JSON is `bad_json` naming the file. */
export function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch (e) {
    throw new ArtifactError(
      'bad_json',
      `${what} is not valid JSON (${(e as Error).message}); the artifact is corrupt`,
    );
  }
}
