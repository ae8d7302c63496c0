/** Datetimes become numeric parts (UTC), then are imputed and scaled like numbers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../src/core/random.js';
import { datetime, Frame } from '../../src/data/frame.js';
import { DATETIME_PARTS, extractParts } from '../../src/preprocess/datetime-parts.js';
import { ProductionPreprocessor, resolvePreprocessConfig } from '../../src/preprocess/index.js';

const sold = datetime([
  '2010-03-15T00:00:00Z',
  '2008-12-31T18:30:00Z',
  null,
  '1969-07-20T20:17:00Z',
  '2000-02-29T00:00:00Z',
]);

function fit(raw: Record<string, unknown>, frame: Frame) {
  return new ProductionPreprocessor(resolvePreprocessConfig(raw), { encoding: 'onehot' }).fit(frame);
}

test('parts of sale dates: year, month, day, weekday (Monday = 0), hour, days since epoch', () => {
  const f = fit({ scaling: 'none' }, Frame.fromColumns({ sold }));
  assert.deepEqual(f.featureNames, [
    'sold:year',
    'sold:month',
    'sold:day',
    'sold:dayofweek',
    'sold:hour',
    'sold:days',
  ]);
  const { X } = f.transform(Frame.fromColumns({ sold }));
  const row = (i: number) => [...X.data.subarray(i * 6, i * 6 + 6)];
  // 15 Mar 2010 was a Monday, 31 Dec 2008 a Wednesday, 20 Jul 1969 a Sunday, 29 Feb 2000 a Tuesday.
  assert.deepEqual(row(0), [2010, 3, 15, 0, 0, 14683]);
  assert.deepEqual(row(1), [2008, 12, 31, 2, 18, 14244 + 18.5 / 24]);
  assert.deepEqual(row(3), [1969, 7, 20, 6, 20, -165 + (20 * 60 + 17) / 1440]);
  assert.deepEqual(row(4), [2000, 2, 29, 1, 0, 11016]);
  // The gap gets each part's train median: years 1969 2000 2008 2010 → 2004; hours 0 0 18 20 → 9.
  const gap = row(2);
  assert.equal(gap[0], 2004);
  assert.equal(gap[4], 9);
});

test('date-only columns get no hour part; an indicator marks gaps once per column', () => {
  const dates = datetime(['2010-03-15', '2011-06-01', null]);
  const f = fit({ add_missing_indicator: true }, Frame.fromColumns({ dates }));
  assert.deepEqual(f.featureNames, [
    'dates:year',
    'dates:month',
    'dates:day',
    'dates:dayofweek',
    'dates:days',
    'dates:missing',
  ]);
  assert.ok(f.features.every((x) => x.source === 'dates' && x.kind === 'numeric'));
  const { X } = f.transform(Frame.fromColumns({ dates }));
  assert.deepEqual([X.data[5], X.data[11], X.data[17]], [0, 0, 1]);
  assert.equal(f.schema[0].minIso, '2010-03-15T00:00:00.000Z');
  assert.equal(f.schema[0].max, Date.UTC(2011, 5, 1));
});

test('integer calendar arithmetic agrees with Date on 5,000 random instants, 1900-2100', () => {
  const rng = new Rng(3);
  const lo = Date.UTC(1900, 0, 1);
  const hi = Date.UTC(2100, 0, 1);
  const ms = Float64Array.from({ length: 5000 }, () => Math.floor(lo + rng.next() * (hi - lo)));
  const [y, m, d, dow, h, days] = extractParts(ms, DATETIME_PARTS);
  ms.forEach((t, i) => {
    const dt = new Date(t);
    assert.deepEqual(
      [y[i], m[i], d[i], dow[i], h[i], days[i]],
      [
        dt.getUTCFullYear(),
        dt.getUTCMonth() + 1,
        dt.getUTCDate(),
        (dt.getUTCDay() + 6) % 7,
        dt.getUTCHours(),
        t / 86_400_000,
      ],
      `at ${dt.toISOString()}`,
    );
  });
});
