import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { ArtifactError, ConfigError, ValidationError } from '../../src/core/errors.js';
import { boolean, categorical, Frame, numeric } from '../../src/data/frame.js';
import {
  buildReferenceProfile,
  type CategoricalProfile,
  ksStatistic,
  loadReferenceProfile,
  type NumericProfile,
  serializeReferenceProfile,
} from '../../src/monitor/index.js';
import { diamonds, sampleRows } from './diamonds.js';

const { small, large } = diamonds();
const profile = buildReferenceProfile(small, {
  predictions: (small.get('price') as { values: Float64Array }).values.map((p) => p * 1.05),
  target: { name: 'price', values: (small.get('price') as { values: Float64Array }).values },
});
const feature = <T>(name: string): T => profile.features.find((f) => f.name === name) as T;

describe('buildReferenceProfile on diamonds (carat < 1)', () => {
  it('profiles every column with its type', () => {
    assert.deepEqual(
      profile.features.map((f) => `${f.name}:${f.type}`),
      ['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'price', 'x', 'y', 'z'].map(
        (n) => `${n}:${['cut', 'color', 'clarity'].includes(n) ? 'categorical' : 'numeric'}`,
      ),
    );
    assert.equal(profile.nRows, small.nRows);
  });

  it('numeric: quantile bins of about equal mass, exact summaries, a sorted sketch', () => {
    const carat = feature<NumericProfile>('carat');
    const values = (small.get('carat') as { values: Float64Array }).values;
    assert.equal(carat.count, small.nRows);
    assert.equal(carat.missing, 0);
    assert.equal(carat.edges[0], Number.NEGATIVE_INFINITY);
    assert.equal(carat.edges[carat.edges.length - 1], Number.POSITIVE_INFINITY);
    assert.equal(
      carat.counts.reduce((s, c) => s + c, 0),
      carat.count,
    );
    // carat has heavy ties (0.3, 0.31, ...), so bins are uneven but none holds more than ~a quarter.
    assert.ok(carat.counts.length >= 6, `${carat.counts.length} bins`);
    assert.ok(Math.max(...carat.counts) < 0.25 * carat.count);
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    assert.ok(Math.abs(carat.mean - mean) < 1e-12);
    assert.equal(carat.min, Math.min(...values));
    assert.equal(carat.max, Math.max(...values));
    assert.equal(carat.sketch.length, 1000);
    for (let i = 1; i < carat.sketch.length; i++) assert.ok(carat.sketch[i] >= carat.sketch[i - 1]);
  });

  it('the sketch stands in for the sample: KS D within 1/(2·1000) of the full-sample D', () => {
    const cur = sampleRows(large, 600, 3);
    for (const name of ['carat', 'depth', 'price', 'table']) {
      const full = (small.get(name) as { values: Float64Array }).values.slice().sort();
      const c = (cur.get(name) as { values: Float64Array }).values.slice().sort();
      const sketch = feature<NumericProfile>(name).sketch;
      const gap = Math.abs(ksStatistic(full, c) - ksStatistic(sketch, c));
      assert.ok(gap <= 0.0005 + 1e-12, `${name}: sketch D differs by ${gap}`);
    }
  });

  it('categorical: counts most frequent first, summing to the rows', () => {
    const cut = feature<CategoricalProfile>('cut');
    assert.equal(cut.categories[0], 'Ideal');
    for (let i = 1; i < cut.counts.length; i++) assert.ok(cut.counts[i] <= cut.counts[i - 1]);
    assert.equal(cut.counts.reduce((s, c) => s + c, 0) + cut.missing + cut.other, small.nRows);
    assert.deepEqual([...cut.categories].sort(), ['Fair', 'Good', 'Ideal', 'Premium', 'Very Good']);
  });

  it('keeps the prediction and target distributions', () => {
    assert.equal(profile.prediction?.count, small.nRows);
    assert.ok(Math.abs((profile.prediction?.mean ?? 0) - 1.05 * (profile.target?.mean ?? 0)) < 1e-6);
    assert.equal(profile.target?.name, 'price');
  });
});

describe('edge cases of the training data', () => {
  const frame = new Frame(
    ['empty', 'constant', 'flag', 'city'],
    [
      numeric([null, null, null, null]),
      numeric([7, 7, 7, 7]),
      boolean([true, false, null, true]),
      categorical(['a', 'b', 'c', 'a']),
    ],
  );
  const p = buildReferenceProfile(frame, { params: { max_categories: 1 } });
  it('an all-missing column: one bin, no values, NaN summaries', () => {
    const f = p.features[0] as NumericProfile;
    assert.deepEqual([f.count, f.missing, f.counts.length, f.sketch.length], [0, 4, 1, 0]);
    assert.ok(Number.isNaN(f.mean) && Number.isNaN(f.std));
  });
  it('a single-valued column: one bin for its value, empty bins either side, std 0', () => {
    const f = p.features[1] as NumericProfile;
    assert.deepEqual([...f.counts], [0, 4, 0]);
    assert.deepEqual([f.distinct, f.std, f.edges[1]], [1, 0, 7]);
  });
  it('booleans as categories false/true; rare categories pooled beyond max_categories', () => {
    const flag = p.features[2] as CategoricalProfile;
    assert.deepEqual([flag.categories, [...flag.counts], flag.missing], [['true'], [2], 1]);
    assert.equal(flag.other, 1);
    const city = p.features[3] as CategoricalProfile;
    assert.deepEqual([city.categories, [...city.counts], city.other], [['a'], [2], 2]);
  });
  it('names a feature that is not in the frame, and rejects bad params', () => {
    assert.throws(
      () => buildReferenceProfile(frame, { features: ['constant', 'nope'] }),
      (e: unknown) => e instanceof ValidationError && /feature "nope" is not a column/.test(e.message),
    );
    assert.throws(
      () => buildReferenceProfile(frame, { params: { bins: 1 } }),
      (e: unknown) => e instanceof ConfigError && /monitor\.profile\.bins = 1/.test(e.message),
    );
  });
});

describe('serialisation', () => {
  const text = stringifyArtifact(serializeReferenceProfile(profile));
  it('round-trips through JSON text exactly (±∞ edges, typed arrays, NaN summaries)', () => {
    const back = loadReferenceProfile(JSON.parse(text));
    assert.deepEqual(back, profile);
    const odd = buildReferenceProfile(new Frame(['e'], [numeric([null, null])]));
    assert.deepEqual(
      loadReferenceProfile(JSON.parse(stringifyArtifact(serializeReferenceProfile(odd)))),
      odd,
    );
  });
  it('is versioned and small', () => {
    const json = JSON.parse(text);
    assert.equal(json.kind, 'reference_profile');
    assert.equal(json.formatVersion, 1);
    assert.ok(text.length < 200_000, `${text.length} bytes`);
  });
  it('rejects another kind and a newer format', () => {
    const json = JSON.parse(text);
    assert.throws(
      () => loadReferenceProfile({ ...json, kind: 'model' }),
      /kind "reference_profile", got "model"/,
    );
    assert.throws(() => loadReferenceProfile({ ...json, formatVersion: 2 }), /formatVersion 2/);
  });
  it('lists every problem of a tampered profile', () => {
    const json = JSON.parse(text);
    json.state.features[0].n = 5;
    json.state.features[1].categories = [1, 2];
    json.state.features[2].type = 'text';
    assert.throws(
      () => loadReferenceProfile(json),
      (e: unknown) =>
        e instanceof ArtifactError &&
        /3 problems/.test(e.message) &&
        /features\[0\]\.n/.test(e.message) &&
        /features\[1\]\.categories/.test(e.message) &&
        /features\[2\]\.type/.test(e.message),
    );
  });
});
