import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { InferencePipeline } from '../../src/inference/index.js';
import { reportFigures } from '../helpers/reliability.js';
import { trainRun } from './train-run.js';

const ROW = {
  carat: 0.7,
  cut: 'Ideal',
  color: 'E',
  clarity: 'VS2',
  depth: 61.5,
  table: 56,
  x: 5.7,
  y: 5.72,
  z: 3.51,
};
const FIELDS = Object.keys(ROW);

describe('predict never throws for malformed records (fast-check)', () => {
  let p: InferencePipeline;
  before(async () => {
    p = InferencePipeline.load((await trainRun('diamonds', ['ridge'])).runDir);
  });

  const value = fc.oneof(
    fc.anything(),
    fc.double(),
    fc.constantFrom('NaN', 'Infinity', '-1e999', '', ' ', 'NA', 'null', '1e308', '0x10', '٣'),
    fc.string(),
    fc.constant(null),
  );
  // Mostly-valid records with some fields replaced, dropped or added, plus non-record values.
  const record = fc.oneof(
    fc
      .record({ replace: fc.dictionary(fc.constantFrom(...FIELDS), value), drop: fc.subarray(FIELDS) })
      .map(({ replace, drop }) => {
        const r: Record<string, unknown> = { ...ROW, ...replace };
        for (const k of drop) delete r[k];
        return r;
      }),
    fc.dictionary(fc.string(), value),
    fc.anything(),
  );

  it('every row gets ok + a finite prediction, or rejected + errors; never a throw', (t) => {
    const rows = { ok: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), (records) => {
        const res = p.predict(records as Record<string, unknown>[], { interval: true, explain: true });
        assert.equal(res.length, records.length);
        for (const r of res) rows[r.status === 'ok' ? 'ok' : 'rejected']++;
        res.forEach((r, i) => {
          assert.equal(r.row, i);
          if (r.status === 'ok') {
            assert.ok(Number.isFinite(r.prediction), JSON.stringify(records[i]));
            assert.equal(r.errors.length, 0);
            assert.ok(r.interval!.lower <= r.prediction! && r.prediction! <= r.interval!.upper);
          } else {
            assert.equal(r.prediction, null);
            assert.ok(r.errors.length > 0);
          }
          for (const is of [...r.errors, ...r.warnings]) assert.equal(is.row, i);
        });
      }),
      { numRuns: 1500, seed: 4 },
    );
    reportFigures(t, {
      run: 'record fuzz (InferencePipeline.predict with interval + explain)',
      cases: 1500,
      failures: 0,
      detail: `${rows.ok + rows.rejected} records: ${rows.ok} predicted, ${rows.rejected} rejected with errors; 0 throws`,
    });
  });
});
