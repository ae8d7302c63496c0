/**
 * A fitted preprocessor: frozen train statistics that turn any frame with the train columns
 * into the model matrix. Transform never learns anything; it validates the input (collecting
 * every issue), then fills the row-major output one input column at a time.
 */
import type { Serialized } from '../core/codec.js';
import { ArtifactError, type Issue, ValidationError } from '../core/errors.js';
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
    const { plans, config } = this.state;
    const { columns, issues } = alignInput(frame, this.inputColumns);
    const n = frame.nRows;
    const p = this.features.length;
    const out = new Float64Array(n * p);
    // Each plan's issue, pushed in plan order once every column is written.
    const planIssues: (Issue | null)[] = plans.map(() => null);
    const numeric: NumericChannel[] = [];
    plans.forEach((plan, k) => {
      const col = columns[k];
      if (!col) return;
      const j = this.offsets[k];
      if (plan.type === 'categorical') {
        if (col.type !== 'categorical') return;
        const ord = this.encoding === 'ordinal';
        planIssues[k] = writeCategorical(plan.name, col, plan.cat, config.handle_unknown, ord, out, p, j);
        return;
      }
      const channels = channelValues(plan, col);
      const ind = plan.indicator ? j + channels.length : -1;
      channels.forEach((x, c) => {
        const st = channelStats(this.state.stats, plan.channel + c);
        numeric.push({ plan: k, x, st, j: j + c, ind, bad: -1 });
      });
    });
    writeNumericBlocks(numeric, out, n, p);
    for (const ch of numeric) {
      // The first channel (in order) with a non-finite value names its row, as before blocks.
      if (ch.bad < 0 || planIssues[ch.plan]) continue;
      const name = plans[ch.plan].name;
      planIssues[ch.plan] = {
        path: name,
        code: 'not_finite',
        message: `column "${name}" has a non-finite value at row ${ch.bad}; expected finite numbers`,
      };
    }
    for (const issue of planIssues) if (issue) issues.push(issue);
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

/** One numeric channel to write: its values, statistics, output column and first bad row. */
interface NumericChannel {
  readonly plan: number;
  readonly x: Float64Array;
  readonly st: NumericStats;
  readonly j: number;
  readonly ind: number;
  bad: number;
}

/**
 * Rows written per block. The output is row-major: one column at a time over all rows wrote one
 * double per 8 × p-byte row, so each of p passes streamed the whole matrix through the cache
 * (700,000 × 20: 2.2 GB moved for 112 MB). A block of rows keeps its part of the output (here
 * 2,048 × 20 × 8 = 320 KB) in cache while every column is written; values are the same.
 */
const BLOCK_ROWS = 2048;

/** Write every numeric channel, a block of rows at a time; records each channel's first bad row. */
function writeNumericBlocks(channels: NumericChannel[], out: Float64Array, n: number, p: number): void {
  for (let r0 = 0; r0 < n; r0 += BLOCK_ROWS) {
    const r1 = Math.min(n, r0 + BLOCK_ROWS);
    const block = out.subarray(r0 * p, r1 * p);
    for (const ch of channels) {
      const bad = writeNumeric(ch.x.subarray(r0, r1), ch.st, block, p, ch.j, ch.ind);
      if (ch.bad < 0 && bad >= 0) ch.bad = r0 + bad;
    }
  }
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
