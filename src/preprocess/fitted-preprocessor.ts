/**
 * A fitted preprocessor: frozen train statistics that turn any frame with the train columns
 * into the model matrix. Transform never learns anything; it validates the input (collecting
 * every issue), then fills the row-major output one input column at a time.
 */
import type { Serialized } from '../core/codec.js';
import { ArtifactError, ValidationError } from '../core/errors.js';
import { type Matrix, matrix } from '../core/matrix.js';
import type { Frame } from '../data/frame.js';
import { BOOL_MISSING, type Column } from '../data/frame.js';
import type { FeatureInfo, InputEncoding } from '../models/regressor.js';
import { alignInput, type InputColumn } from './align-input.js';
import { nSlots, writeCategorical } from './categorical-step.js';
import { extractParts } from './datetime-parts.js';
import type { FeatureSchema } from './feature-schema.js';
import { type ColumnPlan, type FittedState, stateFromJson, stateToJson } from './fitted-state.js';
import type { NumericStats } from './numeric-step.js';
import { writeNumeric } from './numeric-step.js';
import type { PreprocessConfig } from './params.js';

/**
 * Preprocessing fitted on TRAIN: imputation, outlier bounds, scaling and encodings as plain state;
 * `transform` turns any frame into the model matrix, and it round-trips through preprocessor.json.
 */
export class FittedPreprocessor {
  readonly inputColumns: readonly InputColumn[];
  readonly schema: FeatureSchema[];
  readonly features: readonly FeatureInfo[];
  readonly featureNames: readonly string[];
  /** Encoding applied to categorical columns. */
  readonly encoding: InputEncoding;
  readonly config: Readonly<PreprocessConfig>;
  private readonly state: FittedState;
  /** First output column of each plan. */
  private readonly offsets: Int32Array;

  /** Built by `ProductionPreprocessor.fit` or `loadPreprocessor`. */
  constructor(state: FittedState) {
    this.state = state;
    this.inputColumns = state.inputColumns;
    this.schema = state.schema;
    this.encoding = state.encoding;
    this.config = state.config;
    this.features = describeFeatures(state);
    this.featureNames = this.features.map((f) => f.name);
    this.offsets = new Int32Array(state.plans.length);
    let j = 0;
    state.plans.forEach((p, k) => {
      this.offsets[k] = j;
      j += width(p, state.encoding);
    });
  }

  get nFeatures(): number {
    return this.features.length;
  }

  transform(frame: Frame): { X: Matrix; features: FeatureInfo[] } {
    const { plans, stats, config } = this.state;
    const { columns, issues } = alignInput(frame, this.inputColumns);
    const n = frame.nRows;
    const p = this.features.length;
    const out = new Float64Array(n * p);
    plans.forEach((plan, k) => {
      const col = columns[k];
      if (!col) return;
      const j = this.offsets[k];
      if (plan.type === 'categorical') {
        if (col.type !== 'categorical') return;
        const ord = this.encoding === 'ordinal';
        const issue = writeCategorical(plan.name, col, plan.cat, config.handle_unknown, ord, out, p, j);
        if (issue) issues.push(issue);
        return;
      }
      const channels = channelValues(plan, col);
      const ind = plan.indicator ? j + channels.length : -1;
      let badRow = -1;
      channels.forEach((x, c) => {
        const bad = writeNumeric(x, channelStats(stats, plan.channel + c), out, p, j + c, ind);
        if (badRow < 0 && bad >= 0) badRow = bad;
      });
      if (badRow >= 0) {
        issues.push({
          path: plan.name,
          code: 'not_finite',
          message: `column "${plan.name}" has a non-finite value at row ${badRow}; expected finite numbers`,
        });
      }
    });
    if (issues.length)
      throw new ValidationError(issues, `Input does not match the preprocessor's train columns`);
    return { X: matrix(n, p, out), features: [...this.features] };
  }

  toJSON(): Serialized {
    return stateToJson(this.state, this.featureNames);
  }
}

/** Rebuild a fitted preprocessor from `toJSON()` output. */
export function loadPreprocessor(json: unknown): FittedPreprocessor {
  const { state, featureNames } = stateFromJson(json);
  const fp = new FittedPreprocessor(state);
  if (
    featureNames.length !== fp.featureNames.length ||
    featureNames.some((f, i) => f !== fp.featureNames[i])
  ) {
    throw new ArtifactError(
      'bad_preprocessor',
      `preprocessor.json: the stored featureNames (${featureNames.length}) differ from the ` +
        `${fp.featureNames.length} its state produces`,
    );
  }
  return fp;
}

function channelStats(s: FittedState['stats'], c: number): NumericStats {
  return { fill: s.fill[c], lo: s.lo[c], hi: s.hi[c], center: s.center[c], scale: s.scale[c] };
}

/** The numeric channels of a non-categorical input column (NaN = missing). */
export function channelValues(plan: ColumnPlan, col: Column): Float64Array[] {
  if (plan.type === 'datetime' && col.type === 'datetime') return extractParts(col.values, plan.parts);
  if (col.type === 'numeric') return [col.values];
  if (col.type === 'boolean') {
    const v = new Float64Array(col.values.length);
    for (let i = 0; i < v.length; i++) v[i] = col.values[i] === BOOL_MISSING ? Number.NaN : col.values[i];
    return [v];
  }
  throw new TypeError(`channelValues: column "${plan.name}" is ${col.type}, plan is ${plan.type}`);
}

function width(p: ColumnPlan, enc: InputEncoding): number {
  if (p.type === 'categorical') return enc === 'ordinal' ? 1 : nSlots(p.cat);
  return (p.type === 'datetime' ? p.parts.length : 1) + (p.indicator ? 1 : 0);
}

function describeFeatures(s: FittedState): FeatureInfo[] {
  const out: FeatureInfo[] = [];
  for (const p of s.plans) {
    const source = p.name;
    if (p.type === 'categorical') {
      const k = nSlots(p.cat);
      if (s.encoding === 'ordinal') {
        out.push({ name: p.name, kind: 'categorical', nCategories: k, source });
        continue;
      }
      for (const v of p.cat.levels) out.push({ name: `${p.name}=${v}`, kind: 'numeric', source });
      if (p.cat.infrequent.length) out.push({ name: `${p.name}:infrequent`, kind: 'numeric', source });
      continue;
    }
    if (p.type === 'datetime')
      for (const part of p.parts) out.push({ name: `${p.name}:${part}`, kind: 'numeric', source });
    else out.push({ name: p.name, kind: 'numeric', source });
    if (p.indicator) out.push({ name: `${p.name}:missing`, kind: 'numeric', source });
  }
  return out;
}
