/**
 * The leakage proof: no statistic the preprocessor holds comes from val/test rows. On diamonds,
 * every non-train row is scaled ×1000 and given a never-seen category; the fitted state stays
 * byte-identical, equals statistics recomputed here from the train rows alone, and does not
 * change when val/test are transformed. A fit on all rows does change it, so the test can fail.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeF64 } from '../../src/core/codec.js';
import { column } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { type Column, Frame } from '../../src/data/frame.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';
import { readCsv } from './read-csv.js';

// diamonds without its target, with gaps in `depth` (every 17th row) so imputation learns too.
const base = readCsv('diamonds.csv', ['price']);
const depth = base.get('depth') as { values: Float64Array };
const all = base.withColumn('depth', {
  type: 'numeric',
  values: depth.values.map((v, i) => (i % 17 === 0 ? Number.NaN : v)),
});
const perm = new Rng(42).permutation(all.nRows);
const nTrain = Math.floor(0.7 * all.nRows);
const trainIdx = perm.slice(0, nTrain);
const otherIdx = perm.slice(nTrain);
const isTrain = new Uint8Array(all.nRows);
for (const i of trainIdx) isTrain[i] = 1;

/** Every val/test row changed: numbers ×1000, categories replaced by a new level. */
function poisoned(f: Frame): Frame {
  const cols = f.columns.map((c): Column => {
    if (c.type === 'numeric')
      return { type: 'numeric', values: c.values.map((v, i) => (isTrain[i] ? v : v * 1000)) };
    if (c.type === 'categorical') {
      const fresh = c.dictionary.length;
      return {
        type: 'categorical',
        dictionary: [...c.dictionary, 'LEAKED'],
        codes: c.codes.map((v, i) => (isTrain[i] ? v : fresh)),
      };
    }
    return c;
  });
  return new Frame(f.names, cols);
}

const CONFIGS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'every statistic': {
    numeric_impute: 'mean',
    add_missing_indicator: true,
    outliers: 'quantile',
    clip_quantile_low: 0.05,
    clip_quantile_high: 0.95,
    scaling: 'robust',
    min_frequency: 0.02,
    handle_unknown: 'infrequent',
  },
};

for (const [label, raw] of Object.entries(CONFIGS)) {
  test(`no val/test row reaches the fitted state (${label})`, () => {
    const pp = new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding: 'onehot' });
    const clean = pp.fit(all.take(trainIdx));
    const before = JSON.stringify(clean.toJSON());
    const leaked = poisoned(all);
    assert.notDeepEqual(leaked.take(otherIdx).toRecords(3), all.take(otherIdx).toRecords(3));

    const again = pp.fit(leaked.take(trainIdx));
    assert.equal(JSON.stringify(again.toJSON()), before);

    // Transforming val/test (poisoned or not) learns nothing either.
    const out = clean.transform(leaked.take(otherIdx));
    clean.transform(all.take(otherIdx));
    assert.equal(JSON.stringify(clean.toJSON()), before);
    // The poison did arrive: the new level is unknown — all zeros, or the bucket when there is one.
    for (const name of ['cut', 'color', 'clarity']) {
      const cols = clean.featureNames.flatMap((f, j) =>
        f.startsWith(`${name}=`) || f === `${name}:infrequent` ? [j] : [],
      );
      const bucket = raw.handle_unknown === 'infrequent' && clean.featureNames.includes(`${name}:infrequent`);
      assert.equal(
        cols.reduce((s, j) => s + out.X.data[j], 0),
        bucket ? 1 : 0,
        name,
      );
    }
    if (label !== 'defaults') assert.ok(clean.featureNames.includes('clarity:infrequent'));

    // Fitting on all rows gives a different state: this test notices a leak.
    assert.notEqual(JSON.stringify(pp.fit(leaked).toJSON()), before);
  });
}

test('fitted statistics equal those computed from the train rows alone', () => {
  const train = all.take(trainIdx);
  const fitted = new ProductionPreprocessor(resolvePreprocessConfig({}), { encoding: 'onehot' }).fit(train);
  const st = fitted.toJSON().state as { stats: Record<string, unknown> };
  const [fill, center, scale] = ['fill', 'center', 'scale'].map((k) => decodeF64(st.stats[k]));
  const numericNames = train.names.filter((n) => train.typeOf(n) === 'numeric');
  numericNames.forEach((name, c) => {
    const v = [...(train.get(name) as { values: Float64Array }).values];
    const obs = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    const mid = obs.length / 2;
    const median = obs.length % 2 ? obs[Math.floor(mid)] : (obs[mid - 1] + obs[mid]) / 2;
    const filled = v.map((x) => (Number.isNaN(x) ? median : x));
    const mean = filled.reduce((s, x) => s + x, 0) / filled.length;
    const sd = Math.sqrt(filled.reduce((s, x) => s + (x - mean) ** 2, 0) / filled.length);
    assert.equal(fill[c], median, `${name} median`);
    assert.ok(Math.abs(center[c] - mean) <= 1e-12 * Math.abs(mean), `${name} mean ${center[c]} vs ${mean}`);
    assert.ok(Math.abs(scale[c] - sd) <= 1e-9 * sd, `${name} std ${scale[c]} vs ${sd}`);
    // And so the train column comes out centred with unit variance.
    const z = column(fitted.transform(train).X, fitted.featureNames.indexOf(name));
    assert.ok(Math.abs(z.reduce((s, x) => s + x, 0) / z.length) < 1e-9);
  });
  for (const name of ['cut', 'color', 'clarity']) {
    const levels = new Set(train.toRecords().map((r) => r[name] as string));
    const encoded = fitted.featureNames
      .filter((f) => f.startsWith(`${name}=`))
      .map((f) => f.slice(name.length + 1));
    assert.deepEqual(encoded, [...levels].sort());
  }
});
