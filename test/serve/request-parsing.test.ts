/** Body parsing without a server: CSV quoting and typing, MLflow shapes, the default log path. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultLogPath } from '../../src/log/default-log-path.js';
import { csvRecords, parseCsv } from '../../src/serve/csv-records.js';
import { mlflowRecords } from '../../src/serve/mlflow-records.js';
import { predictBody, queryFlags } from '../../src/serve/request-records.js';

const features = [
  { name: 'size', type: 'numeric' },
  { name: 'code', type: 'categorical' },
  { name: 'new', type: 'boolean' },
];

test('parseCsv: quoted commas, doubled quotes, newlines inside quotes, CRLF, no final newline', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","say ""hi"""\n"two\nlines",3'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['two\nlines', '3'],
  ]);
  assert.throws(() => parseCsv('a\n"open'), /ends inside a quoted field/);
});

test('csvRecords types cells by feature: numbers, categorical text kept as text, booleans, missing tokens', () => {
  const recs = csvRecords('\ufeffsize,code,new,extra\n1.5,007,true,x\nNA,12,0,\nbig,A,yes,1\n', features);
  assert.deepEqual(recs, [
    { size: 1.5, code: '007', new: true, extra: 'x' },
    { size: null, code: '12', new: false, extra: null },
    { size: 'big', code: 'A', new: 'yes', extra: '1' },
  ]);
  assert.throws(() => csvRecords('size\n', features), /header line and at least one data row/);
  assert.throws(() => csvRecords('size,size\n1,2\n', features), /names "size" twice/);
  assert.throws(() => csvRecords('__proto__\n1\n', features), /__proto__/);
});

test('MLflow shapes give the same records; positional rows follow the feature order', () => {
  const order = ['size', 'code'];
  const want = [
    { size: 1, code: 'a' },
    { size: 2, code: 'b' },
  ];
  assert.deepEqual(
    mlflowRecords(
      {
        dataframe_split: {
          columns: order,
          data: [
            [1, 'a'],
            [2, 'b'],
          ],
        },
      },
      order,
    ),
    want,
  );
  assert.deepEqual(
    mlflowRecords(
      {
        dataframe_split: {
          data: [
            [1, 'a'],
            [2, 'b'],
          ],
        },
      },
      order,
    ),
    want,
  );
  assert.deepEqual(
    mlflowRecords(
      {
        instances: [
          [1, 'a'],
          [2, 'b'],
        ],
      },
      order,
    ),
    want,
  );
  assert.deepEqual(mlflowRecords({ inputs: { size: [1, 2], code: ['a', 'b'] } }, order), want);
  assert.deepEqual(mlflowRecords({ dataframe_records: want, params: { x: 1 } }, order), want);
  assert.throws(
    () => mlflowRecords({ instances: [[1]] }, order),
    /has 1 values but there are 2 columns \(size, code\)/,
  );
  assert.throws(
    () => mlflowRecords({}, order),
    /exactly one of dataframe_split, dataframe_records, instances, inputs/,
  );
  assert.throws(() => mlflowRecords({ inputs: { size: [] } }, order), /no rows/);
});

test('predictBody: envelope unless the model has a feature called "records"; flags', () => {
  const env = predictBody({ records: [{ a: 1 }], explain: true }, new Set(['a']));
  assert.deepEqual(env, { records: [{ a: 1 }], flags: { explain: true } });
  const literal = predictBody({ records: 3, a: 1 }, new Set(['records', 'a']));
  assert.deepEqual(literal.records, [{ records: 3, a: 1 }]);
  assert.deepEqual(queryFlags({ interval: 'TRUE', explain: '0' }), { interval: true, explain: false });
  assert.throws(() => queryFlags({ explain: ['1', '0'] }), /\?explain= must be true or false, got a list/);
});

test('default log path: next to production, runs/<id> or a release folder', () => {
  assert.equal(defaultLogPath('/m/production'), join('/m', 'predictions.sqlite'));
  assert.equal(defaultLogPath('/m/runs/20260101-x'), join('/m', 'predictions.sqlite'));
  assert.equal(defaultLogPath('/m/.releases/r1'), join('/m', 'predictions.sqlite'));
  assert.equal(defaultLogPath('/m/staging'), join('/m', 'predictions.sqlite'));
});
