/**
 * The config a TypeScript user writes, typed from the same parameter tables that validate it at
 * run time and generate `tabflow init`'s template: a misspelt key, an enum value outside its
 * list or an unknown model family fails `tsc` instead of waiting for `resolveConfig` to throw.
 *
 *   resolveConfig({ data: { targt: 'price' } })   // error: 'targt' does not exist in type …
 *   resolveConfig({ models: ['ridgee'] })           // error: '"ridgee"' is not assignable to …
 */
import { OUTPUT_PARAMS } from '../artifacts/output-config.js';
import { CLEAN_PARAMS } from '../clean/clean-config.js';
import type { ParamSpec, ParamTable } from '../core/params.js';
import { DATA_PARAMS } from '../data/data-config.js';
import type { ColumnType } from '../data/frame.js';
import { EXPERIMENT_PARAMS } from '../experiment/experiment-config.js';
import { INFERENCE_PARAMS } from '../inference/params.js';
import { LOG_PARAMS } from '../log/log-config.js';
import { MONITORING_PARAMS } from '../loop/monitoring-config.js';
import { RETRAIN_PARAMS } from '../loop/retrain-config.js';
import { TREE_PARAMS } from '../models/decision-tree/params.js';
import { EXTRA_TREES_PARAMS, RANDOM_FOREST_PARAMS } from '../models/forest/params.js';
import { GBDT_PARAMS } from '../models/gbdt/params.js';
import { KNN_PARAMS } from '../models/knn/params.js';
import { elasticnetParams, lassoParams } from '../models/linear/elasticnet.js';
import { olsParams } from '../models/linear/ols.js';
import { ridgeParams } from '../models/linear/ridge.js';
import { SVR_PARAMS } from '../models/svr/params.js';
import { PREPROCESS_PARAMS } from '../preprocess/params.js';
import { REGISTRY_PARAMS } from '../registry/registry-config.js';
import { SERVE_PARAMS } from '../serve/serve-config.js';
import { SPLIT_PARAMS } from '../split/split-config.js';
import { STORAGE_SECTION_PARAMS } from '../store/storage-config.js';
import type { TUNING_PARAMS } from '../train/candidates.js';
import { SELECTION_PARAMS } from '../train/selection-config.js';
import { TRAINING_PARAMS } from '../train/training-config.js';
import type { Environment } from './environments.js';

/**
 * The parameter table of every section that is one table, by section name. `cleaning` adds three
 * structured keys and `models` is a list; both are typed below.
 */
export const SECTION_PARAMS = {
  data: DATA_PARAMS,
  cleaning: CLEAN_PARAMS,
  split: SPLIT_PARAMS,
  preprocessing: PREPROCESS_PARAMS,
  training: TRAINING_PARAMS,
  selection: SELECTION_PARAMS,
  output: OUTPUT_PARAMS,
  inference: INFERENCE_PARAMS,
  registry: REGISTRY_PARAMS,
  serve: SERVE_PARAMS,
  log: LOG_PARAMS,
  monitoring: MONITORING_PARAMS,
  experiment: EXPERIMENT_PARAMS,
  retrain: RETRAIN_PARAMS,
  storage: STORAGE_SECTION_PARAMS,
} as const;

/**
 * The parameter table of each model family a run can train, by family name (the names
 * `models: [...]` accepts). A test checks it against the registered families.
 */
export const CANDIDATE_PARAMS = {
  linear: olsParams,
  ridge: ridgeParams,
  lasso: lassoParams,
  elasticnet: elasticnetParams,
  tree: TREE_PARAMS,
  random_forest: RANDOM_FOREST_PARAMS,
  extra_trees: EXTRA_TREES_PARAMS,
  gbdt: GBDT_PARAMS,
  svr: SVR_PARAMS,
  knn: KNN_PARAMS,
} as const;

/** A model family name a run can train: `'ridge' | 'gbdt' | …`. */
export type CandidateKind = keyof typeof CANDIDATE_PARAMS;

/** YAML reads `true`/`false` as booleans; an enum that spells them as strings accepts both. */
type BooleanSpelling<V> = (V extends 'true' ? true : never) | (V extends 'false' ? false : never);

/** What may be written for one parameter: its type, enums as their literal union. */
export type ParamInput<S extends ParamSpec> = S extends { type: 'number' }
  ? number
  : S extends { type: 'number?' }
    ? number | null
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'enum'; values: readonly (infer V)[] }
        ? V | BooleanSpelling<V>
        : S extends { type: 'string' }
          ? string
          : S extends { type: 'string?' }
            ? string | null
            : S extends { type: 'number|enum'; values: readonly (infer V)[] }
              ? number | V
              : never;

/** A section written as a mapping: every key optional (defaults fill it), no other key allowed. */
export type ParamsInput<T extends ParamTable> = { [K in keyof T]?: ParamInput<T[K]> };

type CandidateFields<K extends CandidateKind> = {
  /** Parameters of the family; the rest keep their defaults. */
  params?: ParamsInput<(typeof CANDIDATE_PARAMS)[K]>;
  /** Seeded random search on VAL around `params`. */
  tuning?: ParamsInput<typeof TUNING_PARAMS>;
};

/**
 * One entry of `models`: a family name, `{model, name?, params?, tuning?}`, or `{name, params?}`
 * where the name is the family's.
 */
export type CandidateInput =
  | CandidateKind
  | {
      [K in CandidateKind]:
        | ({ model: K; name?: string } & CandidateFields<K>)
        | ({ name: K; model?: undefined } & CandidateFields<K>);
    }[CandidateKind];

type SectionInputs = { [S in keyof typeof SECTION_PARAMS]?: ParamsInput<(typeof SECTION_PARAMS)[S]> };

/** The sections an environment block may override (all but `environments` itself). */
export type ConfigSectionsInput = Omit<SectionInputs, 'cleaning'> & {
  cleaning?: ParamsInput<typeof CLEAN_PARAMS> & {
    /** Categorical cells equal to one of these (after trimming) become missing. */
    missing_tokens?: readonly string[];
    /** Column → type; unreadable cells become missing. */
    types?: Readonly<Record<string, ColumnType>>;
    /** Columns removed before anything else (ids, leaks). */
    drop_columns?: readonly string[];
  };
  /** Candidates to train; default: every family with its default parameters. */
  models?: readonly CandidateInput[];
  /** The environment whose overrides were applied; set by `--env`, rarely by hand. */
  environment?: Environment | null;
};

/**
 * The input of `resolveConfig`: config.yaml as a typed object. Every section and key optional,
 * `environments.<dev|staging|production>` holding overrides of the same shape.
 */
export type TabflowConfigInput = ConfigSectionsInput & {
  environments?: { [E in Environment]?: ConfigSectionsInput };
};
