import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inferStringType, parseBoolean, parseDatetime, parseNumber } from '../../src/data/index.js';

describe('inference rules', () => {
  test('numbers: plain decimals and exponents only', () => {
    assert.equal(parseNumber('-1.5e3'), -1500);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('7.'), 7);
    for (const s of ['', ' 1', '1,5', '0x10', 'Infinity', '1e', 'abc'])
      assert.ok(Number.isNaN(parseNumber(s)), s);
  });

  test('booleans: true/false in three casings', () => {
    assert.deepEqual(['true', 'False', 'TRUE', 'yes', '1', 'tRue'].map(parseBoolean), [1, 0, 1, -1, -1, -1]);
  });

  test('datetimes: ISO dates and date-times; no zone means UTC', () => {
    assert.equal(parseDatetime('2020-02-29'), Date.UTC(2020, 1, 29));
    assert.equal(parseDatetime('2020-02-29 13:45'), Date.UTC(2020, 1, 29, 13, 45));
    assert.equal(parseDatetime('2020-02-29T13:45:10.250'), Date.UTC(2020, 1, 29, 13, 45, 10, 250));
    assert.equal(parseDatetime('2020-02-29T13:45:00+0130'), Date.UTC(2020, 1, 29, 12, 15));
    assert.equal(parseDatetime('2020-02-29T13:45:00-05'), Date.UTC(2020, 1, 29, 18, 45));
    for (const s of ['02/29/2020', '2020-13-01', '2020-02-29T25:00', 'today']) {
      assert.ok(Number.isNaN(parseDatetime(s)), s);
    }
  });

  test('a string column is typed by all its distinct values', () => {
    assert.equal(inferStringType(['1', '2.5']), 'numeric');
    assert.equal(inferStringType(['true', 'false']), 'boolean');
    assert.equal(inferStringType(['2020-01-01', '2020-01-02 10:00']), 'datetime');
    assert.equal(inferStringType(['1', 'x']), 'categorical');
    assert.equal(inferStringType(['0', '1']), 'numeric');
    assert.equal(inferStringType([]), 'categorical');
  });
});
