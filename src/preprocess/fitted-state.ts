/**
 * Everything a fitted preprocessor learned, as plain data, and its versioned JSON form
 * `{kind: 'preprocessor', formatVersion, params, state}`. Per-channel numeric statistics are
 * Float64Arrays stored through core/codec (exact bits, ±Infinity bounds included), so a loaded
 * preprocessor transforms byte for byte like the one that was saved.
 */
import { checkEnvelope, decodeF64, type EncodedF64, encodeF64, type Serialized } from '../core/codec.js';
import { ArtifactError, ConfigError } from '../core/errors.js';
import type { ColumnType } from '../data/frame.js';
import type { InputEncoding } from '../models/regressor.js';
import type { InputColumn } from './align-input.js';
import type { CategoricalState } from './categorical-step.js';
import { DATETIME_PARTS, type DatetimePart } from './datetime-parts.js';
import type { FeatureSchema } from './feature-schema.js';
import { type PreprocessConfig, resolvePreprocessConfig } from './params.js';

/** The `kind` of preprocessor.json. */
export const PREPROCESSOR_KIND = 'preprocessor';
/** The format version of preprocessor.json; a newer one is refused when loading. */
export const PREPROCESSOR_FORMAT_VERSION = 1;

/**
 * How one input column becomes output columns. Numeric, boolean and datetime columns use the
 * numeric channels `channel .. channel + nChannels - 1` (one per datetime part, else one).
 */
export type ColumnPlan =
  | { name: string; type: 'numeric' | 'boolean'; channel: number; indicator: boolean }
  | { name: string; type: 'datetime'; channel: number; parts: DatetimePart[]; indicator: boolean }
  | { name: string; type: 'categorical'; cat: CategoricalState };

/** Per numeric channel: `(isNaN(x) ? fill : clip(x, lo, hi)) - center) / scale`. */
export interface ChannelStats {
  fill: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  center: Float64Array;
  scale: Float64Array;
}

export interface FittedState {
  config: PreprocessConfig;
  /** Encoding the trainer asked for; `encoding` below is the one applied (config may force it). */
  requested: InputEncoding;
  encoding: InputEncoding;
  inputColumns: InputColumn[];
  schema: FeatureSchema[];
  plans: ColumnPlan[];
  stats: ChannelStats;
}

interface StateJson {
  encoding: InputEncoding;
  inputColumns: InputColumn[];
  schema: FeatureSchema[];
  columns: Record<string, unknown>[];
  stats: Record<keyof ChannelStats, EncodedF64>;
  featureNames: string[];
}

const STAT_KEYS = ['fill', 'lo', 'hi', 'center', 'scale'] as const;

export function stateToJson(s: FittedState, featureNames: readonly string[]): Serialized {
  const columns = s.plans.map((p) => {
    if (p.type === 'categorical') {
      return {
        name: p.name,
        type: p.type,
        levels: p.cat.levels,
        infrequent: p.cat.infrequent,
        fill: p.cat.fill,
      };
    }
    if (p.type === 'datetime') {
      return { name: p.name, type: p.type, channel: p.channel, parts: p.parts, indicator: p.indicator };
    }
    return { name: p.name, type: p.type, channel: p.channel, indicator: p.indicator };
  });
  const stats = Object.fromEntries(STAT_KEYS.map((k) => [k, encodeF64(s.stats[k])])) as StateJson['stats'];
  const state: StateJson = {
    encoding: s.encoding,
    inputColumns: s.inputColumns.map((c) => ({ name: c.name, type: c.type })),
    schema: s.schema,
    columns,
    stats,
    featureNames: [...featureNames],
  };
  return {
    kind: PREPROCESSOR_KIND,
    formatVersion: PREPROCESSOR_FORMAT_VERSION,
    params: { config: s.config, encoding: s.requested },
    state,
  };
}

const TYPES: readonly ColumnType[] = ['numeric', 'categorical', 'boolean', 'datetime'];
const ENCODINGS: readonly InputEncoding[] = ['onehot', 'ordinal'];

/** Parse preprocessor JSON back into state; malformed input is an ArtifactError saying where. */
export function stateFromJson(json: unknown): { state: FittedState; featureNames: string[] } {
  const env = checkEnvelope(json, PREPROCESSOR_KIND, PREPROCESSOR_FORMAT_VERSION);
  const bad = (what: string): never => {
    throw new ArtifactError('bad_preprocessor', `preprocessor.json: ${what}`);
  };
  const params = (env.params ?? {}) as { config?: unknown; encoding?: unknown };
  let config: PreprocessConfig;
  try {
    config = resolvePreprocessConfig(params.config, 'preprocessor.params.config');
  } catch (e) {
    if (e instanceof ConfigError) bad(e.message);
    throw e;
  }
  const st = (env.state ?? {}) as Partial<StateJson>;
  const requested = params.encoding as InputEncoding;
  if (!ENCODINGS.includes(requested) || !ENCODINGS.includes(st.encoding as InputEncoding)) {
    bad(`encoding must be one of ${ENCODINGS.join(', ')}`);
  }
  if (!Array.isArray(st.inputColumns) || !Array.isArray(st.columns) || !Array.isArray(st.schema)) {
    bad('state needs inputColumns, columns and schema arrays');
  }
  const inputColumns = st.inputColumns!.map((c, i) => {
    if (typeof c?.name !== 'string' || !TYPES.includes(c.type))
      bad(`state.inputColumns[${i}] is not {name, type}`);
    return { name: c.name, type: c.type };
  });
  const stats = Object.fromEntries(
    STAT_KEYS.map((k) => [k, decodeF64(st.stats?.[k], `preprocessor.json state.stats.${k}`)]),
  ) as unknown as ChannelStats;
  const nCh = stats.fill.length;
  if (STAT_KEYS.some((k) => stats[k].length !== nCh)) bad('state.stats arrays differ in length');
  const plans = st.columns!.map((c, i): ColumnPlan => {
    const where = `state.columns[${i}]`;
    const name = c.name as string;
    if (name !== inputColumns[i]?.name || c.type !== inputColumns[i].type)
      bad(`${where} does not match inputColumns[${i}]`);
    if (c.type === 'categorical') {
      const strs = (x: unknown) => Array.isArray(x) && x.every((v) => typeof v === 'string');
      if (!strs(c.levels) || !strs(c.infrequent) || typeof c.fill !== 'string')
        bad(`${where} needs levels, infrequent, fill`);
      return {
        name,
        type: 'categorical',
        cat: { levels: c.levels as string[], infrequent: c.infrequent as string[], fill: c.fill as string },
      };
    }
    const channel = c.channel as number;
    const parts = c.type === 'datetime' ? (c.parts as DatetimePart[]) : [];
    if (c.type === 'datetime' && !(Array.isArray(parts) && parts.every((p) => DATETIME_PARTS.includes(p)))) {
      bad(`${where}.parts must list datetime parts (${DATETIME_PARTS.join(', ')})`);
    }
    const width = c.type === 'datetime' ? parts.length : 1;
    if (!Number.isInteger(channel) || channel < 0 || channel + width > nCh)
      bad(`${where}.channel is out of range`);
    const indicator = c.indicator === true;
    if (c.type === 'datetime') return { name, type: 'datetime', channel, parts, indicator };
    return { name, type: c.type as 'numeric' | 'boolean', channel, indicator };
  });
  if (plans.length !== inputColumns.length) bad('state.columns and state.inputColumns differ in length');
  const state: FittedState = {
    config,
    requested,
    encoding: st.encoding as InputEncoding,
    inputColumns,
    schema: st.schema as FeatureSchema[],
    plans,
    stats,
  };
  return { state, featureNames: Array.isArray(st.featureNames) ? (st.featureNames as string[]) : [] };
}
