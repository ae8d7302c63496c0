/**
 * Model families by name (LightGBM's factory per concept): `kind` → how to create a regressor
 * from params and how to load a fitted one from JSON. Unknown names fail loudly, listing the known.
 * (Not to be confused with the model registry of `src/registry/`, which stores trained versions.)
 */
import type { Serialized } from '../core/codec.js';
import { ArtifactError, ConfigError } from '../core/errors.js';
import { type ParamTable, resolveParams } from '../core/params.js';
import type { SearchSpace } from '../core/search-space.js';
import type { FittedRegressor, InputEncoding, Regressor } from './regressor.js';

/**
 * A model family, the plug-in point of tabflow: its parameters, input encoding, capabilities,
 * tuning space, `create(params)` and the loader of its fitted models.
 */
export interface ModelFamily {
  readonly kind: string;
  /** One line for `tabflow models` and docs. */
  readonly description: string;
  readonly params: ParamTable;
  /** Encoding of categorical inputs this family wants. */
  readonly input: InputEncoding;
  /** What the family is and can do (docs, `tabflow models families`, the conformance suite checks them). */
  readonly capabilities: FamilyCapabilities;
  /** Where tuning draws its params from; absent: the family cannot be tuned. */
  readonly searchSpace?: SearchSpace;
  /**
   * True for a family that combines other fitted models (`ensemble`): not a default candidate of
   * its own, and never a member of another composite.
   */
  readonly composite?: boolean;
  /** Params have already been validated against `params`. */
  create(params: Record<string, unknown>): Regressor;
  /**
   * Params for a refit on all rows after cross-validation, given the boosting rounds each fold's
   * model kept (`FittedRegressor.iterations`). Families that stop early fix their rounds here,
   * as no validation rows are left; without this hook the params are used unchanged.
   */
  refitParams?(params: Record<string, unknown>, foldIterations: readonly number[]): Record<string, unknown>;
  /**
   * Params for a fit that held-out rows score (a cross-validation fold): what only a final model
   * reports is skipped (forests' out-of-bag score). The fitted model must predict exactly as with
   * `params`; without this hook the params are used unchanged.
   */
  foldParams?(params: Record<string, unknown>): Record<string, unknown>;
  load(json: Serialized): FittedRegressor;
}

/** Capability tags of a family, checked against its fitted models by the conformance suite. */
export interface FamilyCapabilities {
  /** What predictions are made of. */
  readonly basis: 'trees' | 'linear' | 'kernel' | 'neighbours' | 'members';
  /**
   * How its fitted models are explained: exactly (TreeSHAP, linear terms), by sampling against a
   * background, or as its members are (a weighted sum of their attributions).
   */
  readonly attributions: 'exact' | 'sampled' | 'as_members';
  /** Splits categorical codes natively (takes the ordinal encoding). */
  readonly nativeCategoricals: boolean;
}

const families = new Map<string, ModelFamily>();

/** Kinds of the families that declare a search space (tunable). */
export function tunableKinds(): string[] {
  return [...families.values()].filter((f) => f.searchSpace).map((f) => f.kind);
}

/** Make a family available by its kind (a plug-in registers its own before training). */
export function registerFamily(f: ModelFamily): void {
  if (families.has(f.kind)) throw new Error(`model family "${f.kind}" registered twice`);
  families.set(f.kind, f);
}

/**
 * Register a model family under its `kind`.
 * @deprecated The former name of `registerFamily`.
 */
export const registerModel = registerFamily;

/** The kinds of every registered family, in registration order. */
export function modelKinds(): string[] {
  return [...families.keys()];
}

/** The family of `kind`; an unknown kind is a ConfigError listing the known ones. */
export function getFamily(kind: string, path = 'model'): ModelFamily {
  const f = families.get(kind);
  if (!f) {
    throw new ConfigError([
      {
        path,
        code: 'unknown_model',
        message: `${path} = "${kind}" is not a known model; known: ${modelKinds().join(', ')}`,
      },
    ]);
  }
  return f;
}

/** Validate params and build a regressor. */
export function createModel(kind: string, params: unknown = {}, path = `models.${kind}`): Regressor {
  const f = getFamily(kind, `${path}.model`);
  return f.create(resolveParams(f.params, params, `${path}.params`));
}

/**
 * A fitted model from its model.json: the family named by `kind` loads it; an unknown kind or a
 * newer format is an ArtifactError.
 */
export function loadModel(json: Serialized): FittedRegressor {
  const f = families.get(json?.kind);
  if (!f) {
    throw new ArtifactError(
      'unknown_kind',
      `model.json has kind "${json?.kind}", which this tabflow does not know; known: ${modelKinds().join(', ')}`,
    );
  }
  return f.load(json);
}
