/** Versioned JSON round trip: a loaded preprocessor transforms byte for byte like the original. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ArtifactError } from '../../src/core/errors.js';
import type { Frame } from '../../src/data/frame.js';
import {
  loadPreprocessor,
  ProductionPreprocessor,
  resolvePreprocessConfig,
} from '../../src/preprocess/index.js';
import { amesWithGaps, everyFifth, readCsv } from './read-csv.js';

const diamonds = readCsv('diamonds.csv', ['price']);
const ames = amesWithGaps();

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function roundTrip(frame: Frame, raw: Record<string, unknown>, encoding: 'onehot' | 'ordinal') {
  const { train, test: rest } = everyFifth(frame.nRows);
  const fitted = new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding }).fit(
    frame.take(train),
  );
  const text = stringifyArtifact(fitted.toJSON());
  const loaded = loadPreprocessor(JSON.parse(text));
  const other = frame.take(rest);
  const a = fitted.transform(other);
  const b = loaded.transform(other);
  assert.ok(bytes(a.X.data).equals(bytes(b.X.data)), 'transform output differs after load');
  assert.deepEqual(b.features, a.features);
  assert.deepEqual(loaded.schema, fitted.schema);
  assert.deepEqual(loaded.inputColumns, fitted.inputColumns);
  assert.equal(stringifyArtifact(loaded.toJSON()), text, 'save → load → save is not stable');
  return { text, fitted };
}

const CONFIGS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'iqr, mean, indicator, minmax, rare levels': {
    outliers: 'iqr',
    numeric_impute: 'mean',
    add_missing_indicator: true,
    scaling: 'minmax',
    max_categories: 6,
    min_frequency: 5,
    handle_unknown: 'infrequent',
  },
  'quantile clip, constant fills, robust': {
    outliers: 'quantile',
    numeric_impute: 'constant',
    categorical_impute: 'constant',
    scaling: 'robust',
  },
};

for (const [data, frame] of [
  ['diamonds', diamonds],
  ['ames', ames],
] as const) {
  for (const [label, raw] of Object.entries(CONFIGS)) {
    for (const enc of ['onehot', 'ordinal'] as const) {
      test(`${data}: round trip is byte-identical (${label}, ${enc})`, () => {
        roundTrip(frame, raw, enc);
      });
    }
  }
}

test('the envelope: kind, formatVersion, params, typed arrays as base64, ±Infinity kept', () => {
  const { text, fitted } = roundTrip(ames, {}, 'onehot');
  const json = JSON.parse(text);
  assert.equal(json.kind, 'preprocessor');
  assert.equal(json.formatVersion, 1);
  assert.equal(json.params.encoding, 'onehot');
  assert.equal(json.params.config.scaling, 'standard');
  assert.equal(json.state.stats.lo.dtype, 'f64');
  assert.deepEqual(json.state.featureNames, fitted.featureNames);
  // No clipping: bounds are ±Infinity and must survive JSON (JSON.stringify would write null).
  const lo = loadPreprocessor(json).toJSON().state as { stats: { lo: { base64: string } } };
  assert.equal(lo.stats.lo.base64, json.state.stats.lo.base64);
  assert.ok(!/"(min|max|fill|center|scale)":null/.test(text));
});

test('load rejects other kinds, newer formats and inconsistent state, saying what is wrong', () => {
  const { text } = roundTrip(diamonds.take([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), {}, 'onehot');
  const ok = () => JSON.parse(text);
  const expectErr = (json: unknown, re: RegExp) =>
    assert.throws(
      () => loadPreprocessor(json),
      (e: unknown) => e instanceof ArtifactError && re.test(e.message),
    );
  expectErr({ ...ok(), kind: 'linear' }, /Expected an artifact of kind "preprocessor", got "linear"/);
  expectErr({ ...ok(), formatVersion: 2 }, /formatVersion 2; this tabflow reads versions 1..1/);
  const names = ok();
  names.state.featureNames.pop();
  expectErr(names, /featureNames/);
  const stats = ok();
  stats.state.stats.scale.length = 3;
  expectErr(stats, /scale/);
  const cfg = ok();
  cfg.params.config.scaling = 'zscore';
  expectErr(cfg, /scaling = "zscore" is not allowed/);
  const cols = ok();
  cols.state.columns[1].name = 'colour';
  expectErr(cols, /state.columns\[1\] does not match inputColumns\[1\]/);
});
