import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolean, categorical, datetime, Frame, numeric } from '../../src/data/frame.js';
import {
  buildCurrentWindow,
  buildCurrentWindowFromFrame,
  buildReferenceProfile,
  type CategoricalWindow,
  type NumericWindow,
} from '../../src/monitor/index.js';
import { diamonds, sampleRows } from './diamonds.js';

const train = new Frame(
  ['size', 'city', 'flag', 'when'],
  [
    numeric([1, 2, 3, 4, 5, 6, 7, 8, null, 10]),
    categorical(['a', 'b', 'a', 'c', 'a', 'b', null, 'a', 'b', 'c']),
    boolean([true, false, true, true, false, true, null, true, false, true]),
    datetime(Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`)),
  ],
);
const ref = buildReferenceProfile(train, {
  features: ['size', 'city', 'flag', 'when'],
  predictions: Float64Array.from({ length: 10 }, (_, i) => i),
});

it('datetime columns are left out unless listed (a timestamp always moves on)', () => {
  assert.deepEqual(
    buildReferenceProfile(train).features.map((f) => f.name),
    ['size', 'city', 'flag'],
  );
});

describe('buildCurrentWindow from logged records', () => {
  const records: Record<string, unknown>[] = [
    { size: 2.5, city: 'a', flag: true, when: '2024-01-03' },
    { size: '4', city: 'b', flag: 'false', when: '2024-01-05T10:00:00Z' },
    { size: ' 6.5 ', city: 'Paris', flag: 'yes', when: 'yesterday' },
    { size: 'abc', city: null, flag: null },
    { size: null, city: 'NA', flag: 'maybe', when: null },
    { city: 7, when: 1704067200000 },
    { size: { v: 1 }, city: ['a'], flag: 1 },
  ];
  const w = buildCurrentWindow(ref, records, { predictions: [1, '2.5', null, 'x', 3, 4, 5] });
  const size = w.features[0] as NumericWindow;
  const city = w.features[1] as CategoricalWindow;
  const flag = w.features[2] as CategoricalWindow;
  const when = w.features[3] as NumericWindow;

  it('numbers sent as strings are read; text in a numeric feature is invalid, not fatal', () => {
    assert.deepEqual([...size.sorted], [2.5, 4, 6.5]);
    assert.deepEqual([size.n, size.missing, size.invalid], [7, 2, 2]);
    assert.equal(
      size.counts.reduce((s, c) => s + c, 0),
      3,
    );
  });
  it('categories: known, missing (null, absent, missing tokens), unseen with examples, invalid', () => {
    const known = Object.fromEntries(
      ref.features[1].type === 'categorical'
        ? ref.features[1].categories.map((c, k) => [c, city.counts[k]])
        : [],
    );
    assert.deepEqual(known, { a: 1, b: 1, c: 0 });
    assert.deepEqual([city.missing, city.unseen, city.invalid], [2, 2, 1]);
    assert.deepEqual(city.unseenExamples, ['Paris', '7']);
  });
  it('booleans accept true/false in any spelling; anything else is an unseen category', () => {
    const counts = Object.fromEntries(
      ref.features[2].type === 'categorical'
        ? ref.features[2].categories.map((c, k) => [c, flag.counts[k]])
        : [],
    );
    assert.deepEqual(counts, { true: 3, false: 1 });
    assert.deepEqual([flag.missing, flag.unseen, flag.unseenExamples], [2, 1, ['maybe']]);
  });
  it('datetimes from ISO strings or epoch ms; unreadable dates are invalid', () => {
    assert.deepEqual([when.sorted.length, when.missing, when.invalid], [3, 3, 1]);
    assert.equal(when.sorted[0], Date.parse('2024-01-01T00:00:00Z'));
  });
  it('logged predictions, strings included', () => {
    assert.deepEqual([...(w.prediction?.sorted ?? [])], [1, 2.5, 3, 4, 5]);
    assert.deepEqual([w.prediction?.missing, w.prediction?.invalid], [1, 1]);
  });
  it('records that are not an array are a data error; a null record is all missing', () => {
    assert.throws(() => buildCurrentWindow(ref, { size: 1 } as never), /expected an array of objects/);
    const w = buildCurrentWindow(ref, [null as never, { size: 3 }]);
    assert.deepEqual([w.features[0].missing, w.features[1].missing], [1, 2]);
  });
  it('an empty window is valid and empty', () => {
    const e = buildCurrentWindow(ref, []);
    assert.equal(e.nRows, 0);
    assert.deepEqual(
      e.features.map((f) => f.n),
      [0, 0, 0, 0],
    );
    assert.equal(e.prediction, null);
  });
});

describe('records and frames give the same window', () => {
  it('diamonds rows as a Frame and as JSON records', () => {
    const { small, large } = diamonds();
    const profile = buildReferenceProfile(small);
    const cur = sampleRows(large, 300, 5);
    const fromFrame = buildCurrentWindowFromFrame(profile, cur);
    const fromRecords = buildCurrentWindow(
      profile,
      cur.toRecords().map((r) => ({ ...r, carat: String(r.carat) })),
    );
    assert.deepEqual(fromRecords, fromFrame);
  });
  it('a feature the frame lacks is all missing', () => {
    const w = buildCurrentWindowFromFrame(ref, new Frame(['size'], [numeric([1, 2])]));
    assert.deepEqual(
      w.features.map((f) => [f.name, f.missing]),
      [
        ['size', 0],
        ['city', 2],
        ['flag', 2],
        ['when', 2],
      ],
    );
  });
});
