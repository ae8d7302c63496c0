/**
 * The run configuration (config.yaml): one section per stage of the seed's flow. Each stage
 * owns its section's schema; this module only composes them and reports every problem at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { ConfigError, DataError, type Issue } from '../core/errors.js';
import { resolveSections, type SectionResolvers } from '../core/sections.js';
import { type ExperimentConfig, resolveExperimentConfig } from '../experiment/experiment-config.js';
import { type LogConfig, resolveLogConfig } from '../log/log-config.js';
import { type MonitoringConfig, resolveMonitoringConfig } from '../loop/monitoring-config.js';
import { type RetrainConfig, resolveRetrainConfig } from '../loop/retrain-config.js';
import { resolveServeConfig, type ServeConfig } from '../serve/serve-config.js';
import { resolveStorageSection, type StorageSectionConfig } from '../store/storage-config.js';
import { TRAINING_SECTIONS, type TrainingConfig } from '../train/training-config.js';
import type { TabflowConfigInput } from './config-input.js';
import { resolveConfigPaths } from './config-paths.js';
import { applyEnvironment, ENVIRONMENTS, type Environment, selectedEnvironment } from './environments.js';

export { OUTPUT_PARAMS } from '../artifacts/output-config.js';
export { configToYaml } from '../artifacts/run-config.js';
export { DATA_PARAMS } from '../data/data-config.js';
export { TRAINING_PARAMS } from '../train/training-config.js';

/**
 * The whole resolved config: the sections a training run reads ({@link TrainingConfig}) and those
 * of serving, the prediction log, monitoring, A/B tests and retraining.
 */
export interface TabflowConfig extends TrainingConfig {
  serve: ServeConfig;
  /** The prediction log of `tabflow serve`: durability and batching. */
  log: LogConfig;
  monitoring: MonitoringConfig;
  experiment: ExperimentConfig;
  retrain: RetrainConfig;
  /**
   * Where the registry and the prediction log live (default: SQLite files in the models folder),
   * and where runs are published and cached (`artifacts`, `artifact_cache`).
   */
  storage: StorageSectionConfig;
  /** The environment whose overrides were applied (`--env` / TABFLOW_ENV), null for none. */
  environment: Environment | null;
}

/** Every section's resolver, in the order a resolved config (and config.yaml) lists them. */
const SECTION_RESOLVERS: SectionResolvers<TabflowConfig> = {
  ...TRAINING_SECTIONS,
  serve: resolveServeConfig,
  log: resolveLogConfig,
  monitoring: resolveMonitoringConfig,
  experiment: resolveExperimentConfig,
  retrain: resolveRetrainConfig,
  storage: resolveStorageSection,
  environment: resolveEnvironmentKey,
};

const SECTIONS = Object.keys(SECTION_RESOLVERS);

/**
 * Resolve a config written in TypeScript into a fully defaulted, validated config. The input is
 * typed from the parameter tables, so a misspelt key or model name fails to compile; the same
 * run-time checks as for a file still apply. With `env` (or TABFLOW_ENV) the matching
 * `environments.<env>` block is merged over the base first.
 */
export function resolveConfig(raw: TabflowConfigInput = {}, opts: { env?: string } = {}): TabflowConfig {
  return resolveConfigUnknown(raw, opts);
}

/**
 * {@link resolveConfig} for a value whose shape is not known at compile time (a parsed YAML or
 * JSON file, a request body): checked at run time only, every problem reported at once.
 */
export function resolveConfigUnknown(raw: unknown = {}, opts: { env?: string } = {}): TabflowConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([
      { path: '(root)', code: 'invalid_type', message: 'config must be a mapping of sections' },
    ]);
  }
  const r = applyEnvironment(raw, selectedEnvironment(opts.env));
  const issues: Issue[] = Object.keys(r)
    .filter((k) => !SECTIONS.includes(k))
    .map((k) => ({
      path: k,
      code: 'unknown_key',
      message: `"${k}" is not a config section; sections: ${SECTIONS.join(', ')}`,
    }));
  return resolveSections(r, SECTION_RESOLVERS, issues);
}

function resolveEnvironmentKey(v: unknown): Environment | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' && (ENVIRONMENTS as readonly string[]).includes(v)) return v as Environment;
  throw new ConfigError([
    {
      path: 'environment',
      code: 'invalid_value',
      message: `environment = ${JSON.stringify(v)} is not allowed: expected one of ${ENVIRONMENTS.join(', ')} (or leave it out and use --env)`,
    },
  ]);
}

/** Alias expansions allowed in one config (the yaml package's guard against "billion laughs"). */
const MAX_ALIAS_COUNT = 100;

/**
 * YAML 1.2's core schema and nothing else: no YAML 1.1 extras (!!timestamp, !!binary, !!set, ...)
 * even under a `%YAML 1.1` directive, so any other tag stays unresolved and is refused below
 * rather than read as a plain string.
 */
function parseYaml(text: string, path: string): YAML.Document.Parsed {
  try {
    return YAML.parseDocument(text, { schema: 'core', resolveKnownTags: false, merge: false });
  } catch (e) {
    throw new ConfigError([
      { path, code: 'yaml_syntax', message: `${path} cannot be parsed as YAML: ${(e as Error).message}` },
    ]);
  }
}

/**
 * Read and parse a YAML config file; errors name the file and line. Relative paths in it
 * (data.path, output.dir, also under environments) come back absolute, against the file's folder.
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      'config_not_found',
      code === 'ENOENT'
        ? `Config file ${path} does not exist. Create one with \`tabflow init\` or drop --config.`
        : `Cannot read config file ${path}: ${(e as Error).message}`,
    );
  }
  const doc = parseYaml(text, path);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const where = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new ConfigError([
      {
        path,
        code: 'yaml_syntax',
        message: `${path} is not valid YAML${where}: ${e.message.split('\n')[0]}`,
      },
    ]);
  }
  const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tags.length) {
    throw new ConfigError(
      tags.map((w) => {
        const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? '(unknown)';
        const shown = tag.replace(/^tag:yaml\.org,2002:/, '!!');
        const where = w.linePos?.[0] ? ` at line ${w.linePos[0].line}, column ${w.linePos[0].col}` : '';
        return {
          path,
          code: 'yaml_tag',
          message:
            `${path} uses the YAML tag ${shown}${where}, which tabflow does not read: a config holds ` +
            'plain mappings, lists, strings, numbers, booleans and null (the tags !!str, !!int, !!float, ' +
            '!!bool, !!null, !!map and !!seq are allowed). Remove the tag.',
        };
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const aliases = /alias/i.test((e as Error).message);
    throw new ConfigError([
      {
        path,
        code: aliases ? 'yaml_aliases' : 'yaml_syntax',
        message: aliases
          ? `${path} uses its aliases (*name) so much that expanding them would blow up in size, as a ` +
            `"billion laughs" document does to exhaust memory (more than ${MAX_ALIAS_COUNT} alias ` +
            'expansions); tabflow refuses it. Write the values out, or use fewer aliases.'
          : `${path} cannot be read as YAML: ${(e as Error).message}`,
      },
    ]);
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ConfigError([
      { path, code: 'invalid_type', message: `${path} must hold a mapping of sections (data, split, ...)` },
    ]);
  }
  return resolveConfigPaths((value ?? {}) as Record<string, unknown>, dirname(resolve(path)));
}
