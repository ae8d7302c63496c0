/**
 * A fitted weighted ensemble: prediction = Σ_m weight_m · member_m(X_m), where X is the ensemble's
 * input matrix and X_m is X itself, or its one-hot expansion for a member fitted on one-hot
 * columns (see onehot-expansion.ts). Its state is plain data: the input encoding, the one-hot
 * layout, and each member's own artifact, so it loads through the model registry like any model:
 * `{kind: 'ensemble', formatVersion: 1, params, state: {input, layout, notes, members: [{name,
 * encoding, weight, model}]}}`.
 */
import {
  checkEnvelope,
  decodeInts,
  decodeNumber,
  encodeInts,
  encodeNumber,
  type Serialized,
} from '../../core/codec.js';
import { ArtifactError, checkFeatureCount, ModelError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { resolveParams } from '../../core/params.js';
import { loadModel } from '../families.js';
import type { FeatureInfo, FittedRegressor, InputEncoding, WeightedMembers } from '../regressor.js';
import {
  expandOnehot,
  foldToInputColumns,
  layoutFromSlots,
  type OnehotLayout,
  onehotLayout,
} from './onehot-expansion.js';
import { ENSEMBLE_PARAMS } from './params.js';

export const ENSEMBLE_FORMAT_VERSION = 1;
/** |Σ weights − 1| allowed in a built or loaded ensemble. */
const WEIGHT_SUM_TOL = 1e-9;
const ENCODINGS: readonly InputEncoding[] = ['onehot', 'ordinal'];

/** A fitted member of an ensemble: its weight and the encoding of the matrix it takes. */
export interface EnsembleMember {
  /** Unique within the ensemble (candidate name or member spec). */
  readonly name: string;
  /**
   * Encoding of the matrix the member was fitted on. `onehot` under an `ordinal` ensemble input:
   * the member gets the one-hot expansion; otherwise it gets the input matrix as is.
   */
  readonly encoding: InputEncoding;
  /** Non-negative; the members' weights sum to 1. */
  readonly weight: number;
  readonly model: FittedRegressor;
}

/**
 * What a fitted ensemble is built from: weighted members, its input encoding and features, params
 * and notes.
 */
export interface BuildEnsembleOptions {
  /** Members with weight 0 are dropped. */
  readonly members: readonly EnsembleMember[];
  /** Encoding of the ensemble's input matrix. */
  readonly input: InputEncoding;
  /** FeatureInfo[] of the input matrix (categorical columns give the one-hot layout). */
  readonly features: readonly FeatureInfo[];
  /** Default: the members' kinds and the table's other defaults. */
  readonly params?: Record<string, unknown>;
  readonly notes?: readonly string[];
}

/**
 * A weighted average of fitted models, each fed its own encoding of the input; it serialises with
 * its members and exposes them as its `structure` for exact explanations.
 */
export class FittedEnsemble implements FittedRegressor {
  readonly kind = 'ensemble';
  readonly params: Readonly<Record<string, unknown>>;
  readonly input: InputEncoding;
  readonly layout: OnehotLayout;
  readonly members: readonly EnsembleMember[];
  /** The ensemble's own notes, then each member's prefixed by its name. */
  readonly notes: readonly string[];
  private readonly ownNotes: readonly string[];

  private constructor(
    params: Readonly<Record<string, unknown>>,
    input: InputEncoding,
    layout: OnehotLayout,
    members: readonly EnsembleMember[],
    notes: readonly string[],
  ) {
    this.params = params;
    this.input = input;
    this.layout = layout;
    this.members = members;
    this.ownNotes = notes;
    this.notes = [...notes, ...members.flatMap((m) => m.model.notes.map((n) => `${m.name}: ${n}`))];
  }

  /** An ensemble of already fitted members (the training pipeline's entry point). */
  static build(o: BuildEnsembleOptions): FittedEnsemble {
    const layout = onehotLayout(o.features);
    const members = o.members.filter((m) => m.weight !== 0);
    const problems = checkMembers(o.input, layout, members);
    if (problems.length) throw new ModelError('bad_ensemble', `ensemble: ${problems.join('; ')}`);
    const kinds = [...new Set(members.map((m) => m.model.kind))].join(',');
    const params = resolveParams(ENSEMBLE_PARAMS, o.params ?? { members: kinds }, 'ensemble.params');
    return new FittedEnsemble(params, o.input, layout, members, [...(o.notes ?? [])]);
  }

  get nFeatures(): number {
    return this.layout.slots.length;
  }

  /** Σ weight × member: attributions are the weighted sum of the members' own. */
  get structure(): WeightedMembers {
    return {
      kind: 'members',
      members: this.members,
      inputOf: this.layout.inputOf,
      expands: (m) => this.expands(m as EnsembleMember),
      memberInput: (m, X, cache) => this.memberInput(m as EnsembleMember, X, cache),
    };
  }

  /** True when `member` takes the one-hot expansion of the input matrix. */
  expands(member: EnsembleMember): boolean {
    return takesExpansion(member.encoding, this.input, this.layout);
  }

  /** The matrix `member` takes for input rows X (`expanded` caches the one-hot expansion). */
  memberInput(member: EnsembleMember, X: Matrix, expanded?: { X?: Matrix }): Matrix {
    if (!this.expands(member)) return X;
    if (!expanded) return expandOnehot(X, this.layout);
    expanded.X ??= expandOnehot(X, this.layout);
    return expanded.X;
  }

  predict(X: Matrix): Float64Array {
    checkFeatureCount(this.kind, this.nFeatures, X.cols);
    const out = new Float64Array(X.rows);
    const cache: { X?: Matrix } = {};
    for (const m of this.members) {
      const p = m.model.predict(this.memberInput(m, X, cache));
      for (let i = 0; i < out.length; i++) out[i] += m.weight * p[i];
    }
    return out;
  }

  /** Σ_m weight_m · importance_m, one-hot columns summed into their input column, normalised. */
  featureImportances(): Float64Array {
    const out = new Float64Array(this.nFeatures);
    for (const m of this.members) {
      const imp = m.model.featureImportances();
      const own = this.expands(m) ? foldToInputColumns(imp, this.layout) : imp;
      for (let j = 0; j < out.length; j++) out[j] += m.weight * own[j];
    }
    let total = 0;
    for (let j = 0; j < out.length; j++) total += out[j];
    if (total > 0 && Number.isFinite(total)) for (let j = 0; j < out.length; j++) out[j] /= total;
    else out.fill(0);
    return out;
  }

  toJSON(): Serialized {
    return {
      kind: this.kind,
      formatVersion: ENSEMBLE_FORMAT_VERSION,
      params: { ...this.params },
      state: {
        input: this.input,
        layout: encodeInts(this.layout.slots),
        notes: [...this.ownNotes],
        members: this.members.map((m) => ({
          name: m.name,
          encoding: m.encoding,
          weight: encodeNumber(m.weight),
          model: m.model.toJSON(),
        })),
      },
    };
  }

  /** Rebuild from `toJSON()` output; each member loads through the model registry. */
  static load(json: Serialized): FittedEnsemble {
    const e = checkEnvelope(json, 'ensemble', ENSEMBLE_FORMAT_VERSION);
    const params = resolveParams(ENSEMBLE_PARAMS, e.params, 'ensemble.params');
    const s = e.state as Record<string, unknown> | null;
    const bad = (msg: string) => new ArtifactError('bad_state', `ensemble.state${msg}`);
    if (!s || typeof s !== 'object') throw bad(' must be an object');
    if (!ENCODINGS.includes(s.input as InputEncoding)) {
      throw bad(`.input = ${JSON.stringify(s.input)}; expected one of ${ENCODINGS.join(', ')}`);
    }
    const input = s.input as InputEncoding;
    const slots = decodeInts(s.layout, 'ensemble.state.layout');
    const badSlot = slots.findIndex((k) => !(Number.isInteger(k) && k >= 0));
    if (badSlot >= 0) {
      throw bad(`.layout[${badSlot}] = ${slots[badSlot]}; expected 0 (numeric) or a slot count ≥ 1`);
    }
    const layout = layoutFromSlots(Int32Array.from(slots));
    const notes = s.notes ?? [];
    if (!Array.isArray(notes) || !notes.every((x) => typeof x === 'string')) {
      throw bad('.notes must be a list of strings');
    }
    if (!Array.isArray(s.members) || s.members.length === 0) throw bad('.members must be a non-empty list');
    const members = s.members.map((raw: unknown, i: number): EnsembleMember => {
      const at = `.members[${i}]`;
      const r = raw as Record<string, unknown> | null;
      if (!r || typeof r !== 'object') throw bad(`${at} must be {name, encoding, weight, model}`);
      if (typeof r.name !== 'string' || !r.name) throw bad(`${at}.name must be a non-empty string`);
      if (!ENCODINGS.includes(r.encoding as InputEncoding)) {
        throw bad(`${at}.encoding = ${JSON.stringify(r.encoding)}; expected one of ${ENCODINGS.join(', ')}`);
      }
      const weight = decodeNumber(r.weight, `ensemble.state${at}.weight`);
      let model: FittedRegressor;
      try {
        model = loadModel(r.model as Serialized);
      } catch (err) {
        if (err instanceof ArtifactError) {
          throw new ArtifactError(err.code, `ensemble.state${at} ("${r.name}"): ${err.message}`);
        }
        throw err;
      }
      return { name: r.name, encoding: r.encoding as InputEncoding, weight, model };
    });
    const problems = checkMembers(input, layout, members);
    if (problems.length) throw bad(`: ${problems.join('; ')}`);
    return new FittedEnsemble(params, input, layout, members, notes);
  }
}

function takesExpansion(encoding: InputEncoding, input: InputEncoding, layout: OnehotLayout): boolean {
  return encoding === 'onehot' && input === 'ordinal' && layout.hasCategorical;
}

/** Every rule a set of members must satisfy, as messages (empty = fine). */
function checkMembers(
  input: InputEncoding,
  layout: OnehotLayout,
  members: readonly EnsembleMember[],
): string[] {
  const out: string[] = [];
  if (members.length === 0) out.push('no member has a non-zero weight');
  if (input === 'onehot' && layout.hasCategorical) {
    out.push(
      'the input is one-hot, but the layout has categorical columns (only an ordinal matrix has them)',
    );
  }
  const names = new Set<string>();
  let sum = 0;
  members.forEach((m, i) => {
    const at = `members[${i}] ("${m.name}")`;
    if (names.has(m.name)) out.push(`${at}: the name is used twice; names must be unique`);
    names.add(m.name);
    if (!(Number.isFinite(m.weight) && m.weight >= 0)) {
      out.push(`${at}: weight = ${m.weight}; expected a finite number ≥ 0`);
    }
    sum += m.weight;
    if (input === 'onehot' && m.encoding !== 'onehot') {
      out.push(`${at}: encoding = ${m.encoding}, but a one-hot input cannot give an ordinal matrix`);
    }
    const want = takesExpansion(m.encoding, input, layout) ? layout.width : layout.slots.length;
    if (m.model.nFeatures !== want) {
      out.push(
        `${at}: ${m.model.kind} takes ${m.model.nFeatures} features, but its ${m.encoding} view of the ` +
          `${layout.slots.length} input columns has ${want}`,
      );
    }
  });
  if (members.length && !(Math.abs(sum - 1) <= WEIGHT_SUM_TOL)) {
    out.push(`the weights sum to ${sum}; expected 1 (±${WEIGHT_SUM_TOL})`);
  }
  return out;
}
