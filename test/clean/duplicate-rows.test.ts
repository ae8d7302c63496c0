import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateMask } from '../../src/clean/index.js';
import { boolean, datetime, Frame, numeric } from '../../src/data/frame.js';
import { readBundled } from '../helpers/csv-frame.js';

test('concrete: the 25 repeated mixes are flagged, first occurrences kept', () => {
  const concrete = readBundled('concrete');
  const mask = duplicateMask(concrete);
  const seen = new Map<string, number>();
  const expected = new Uint8Array(concrete.nRows);
  concrete.toRecords().forEach((r, i) => {
    const k = JSON.stringify(Object.values(r));
    if (seen.has(k)) expected[i] = 1;
    else seen.set(k, i);
  });
  assert.equal(
    mask.reduce((a, b) => a + b, 0),
    25,
  );
  assert.deepEqual(mask, expected);
});

test('a dictionary that repeats a level still matches equal strings', () => {
  const f = new Frame(
    ['s', 'x'],
    [
      { type: 'categorical', codes: Int32Array.from([0, 1, 2, -1, -1]), dictionary: ['a', 'a', 'b'] },
      numeric([1, 1, 1, 2, 2]),
    ],
  );
  assert.deepEqual([...duplicateMask(f)], [0, 1, 0, 0, 1]);
});

test('boolean and datetime columns, missing included', () => {
  const f = new Frame(
    ['b', 't'],
    [
      boolean([true, true, null, null, false]),
      datetime(['2020-01-01', '2020-01-01', null, null, '2020-01-01']),
    ],
  );
  assert.deepEqual([...duplicateMask(f)], [0, 1, 0, 1, 0]);
});
