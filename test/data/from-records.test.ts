import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { type CategoricalColumn, DataLoader, frameFromRecords } from '../../src/data/index.js';
import { DATA_DIR } from '../helpers/datasets.js';

describe('frameFromRecords', () => {
  test('same inference rules as the loader', () => {
    const f = frameFromRecords([
      { n: 1, s: 'a', b: true, d: new Date(Date.UTC(2020, 0, 1)), t: 'true', iso: '2020-01-02', num: '1.5' },
      { n: null, s: 'NA', b: false, d: null, t: 'false', iso: '2020-01-03T10:00:00Z', num: '-2e3' },
      { n: 3.5, s: 'b', t: null, iso: null, num: '' },
    ]);
    assert.deepEqual(f.names, ['n', 's', 'b', 'd', 't', 'iso', 'num']);
    assert.deepEqual(
      f.names.map((n) => f.typeOf(n)),
      ['numeric', 'categorical', 'boolean', 'datetime', 'boolean', 'datetime', 'numeric'],
    );
    assert.deepEqual(f.toRecords(), [
      {
        n: 1,
        s: 'a',
        b: true,
        d: '2020-01-01T00:00:00.000Z',
        t: true,
        iso: '2020-01-02T00:00:00.000Z',
        num: 1.5,
      },
      { n: null, s: null, b: false, d: null, t: false, iso: '2020-01-03T10:00:00.000Z', num: -2000 },
      { n: 3.5, s: 'b', b: null, d: null, t: null, iso: null, num: null },
    ]);
  });

  test('mixed values become categorical text; objects become JSON text', () => {
    const f = frameFromRecords([{ m: 1 }, { m: 'x' }, { m: { a: 1 } }]);
    assert.equal(f.typeOf('m'), 'categorical');
    assert.deepEqual((f.get('m') as CategoricalColumn).dictionary, ['1', 'x', '{"a":1}']);
  });

  test('declared types win and keep text as written', () => {
    const f = frameFromRecords(
      [
        { zip: '007', n: '3', flag: 'yes' },
        { zip: 10, n: 4, flag: 'no' },
      ],
      {
        zip: 'categorical',
        n: 'numeric',
        flag: 'boolean',
      },
    );
    assert.deepEqual(f.toRecords(), [
      { zip: '007', n: 3, flag: true },
      { zip: '10', n: 4, flag: false },
    ]);
  });

  test('errors name the record, the column and the values', () => {
    assert.throws(
      () => frameFromRecords([{ a: 1 }, 'x' as unknown as Record<string, unknown>]),
      (e: unknown) => e instanceof DataError && /Record 1/.test(e.message),
    );
    assert.throws(
      () => frameFromRecords([{ a: 'x' }], { a: 'numeric' }),
      (e: unknown) => e instanceof DataError && /"a"/.test(e.message) && /"x"/.test(e.message),
    );
    assert.throws(
      () => frameFromRecords([{ a: 1 }], { b: 'numeric' }),
      (e: unknown) => e instanceof DataError && /"b"/.test(e.message),
    );
  });

  test('diamonds rows as JSON records give the same columns as the file', async () => {
    const { frame } = await DataLoader.load(`${DATA_DIR}diamonds.csv`);
    const records = frame.toRecords(200);
    const again = frameFromRecords(records);
    assert.deepEqual(again.names, frame.names);
    assert.deepEqual(
      again.names.map((n) => again.typeOf(n)),
      frame.names.map((n) => frame.typeOf(n)),
    );
    assert.deepEqual(again.toRecords(), records);
  });
});
