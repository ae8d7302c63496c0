import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadArtifacts, type RunArtifacts } from '../../src/artifacts/load-artifacts.js';
import { ConfigError } from '../../src/core/errors.js';
import { Frame } from '../../src/data/frame.js';
import { frameFromRecords } from '../../src/data/from-records.js';
import { DEFAULT_POLICY, InferencePipeline, type PredictionResult } from '../../src/inference/index.js';
import { trainRun } from './train-run.js';

// A real diamonds row (carat, cut, color, clarity, depth, table, x, y, z).
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

const codes = (r: PredictionResult) => [...r.errors, ...r.warnings].map((i) => `${i.field}:${i.code}`).sort();

describe('data contract validation (diamonds, ridge)', () => {
  let dir: string;
  let a: RunArtifacts;
  let p: InferencePipeline;
  /** What the saved model predicts for rows given as a frame (NaN = missing), bypassing validation. */
  const direct = (rows: Record<string, unknown>[]) => {
    const types = Object.fromEntries(a.preprocessor.inputColumns.map((c) => [c.name, c.type]));
    return a.model.predict(a.preprocessor.transform(frameFromRecords(rows, types)).X);
  };
  before(async () => {
    const run = await trainRun('diamonds', ['ridge']);
    dir = run.runDir;
    a = loadArtifacts(dir);
    p = InferencePipeline.load(dir);
  });

  it('learns the contract from TRAIN: types, nulls, ranges, quantiles, category sets', () => {
    const byName = Object.fromEntries(p.contract.features.map((f) => [f.name, f]));
    assert.equal(byName.cut.type, 'categorical');
    assert.deepEqual([...byName.cut.categories!].sort(), ['Fair', 'Good', 'Ideal', 'Premium', 'Very Good']);
    assert.equal(byName.carat.type, 'numeric');
    assert.equal(byName.carat.nullable, false);
    assert.ok(byName.carat.min! >= 0.2 && byName.carat.max! <= 5.01);
    const q = byName.carat.quantiles!;
    assert.ok(q['0.01'] <= q['0.25'] && q['0.25'] <= q['0.5'] && q['0.5'] <= q['0.99']);
    assert.deepEqual(p.policy, DEFAULT_POLICY);
  });

  it('predicts a clean record without issues, equal to the direct transform + predict', () => {
    const [r] = p.predict([ROW]);
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.errors, []);
    assert.equal(r.prediction, direct([ROW])[0]);
  });

  it('collects every issue of a request, each with its row, field, code and message', () => {
    const rows = [
      ROW,
      { ...ROW, cut: 'Superb', carat: 50, shop: 'x' },
      { ...ROW, depth: 'deep' },
      { carat: 0.5 },
    ];
    const res = p.predict(rows);
    assert.deepEqual(codes(res[0]), []);
    assert.deepEqual(codes(res[1]), ['carat:out_of_range', 'cut:unknown_category', 'shop:unexpected_field']);
    assert.equal(res[1].status, 'ok');
    assert.deepEqual(codes(res[2]), ['depth:wrong_type']);
    assert.equal(res[2].status, 'rejected');
    assert.equal(res[2].prediction, null);
    assert.equal(res[3].errors.length, 8);
    assert.ok(res[3].errors.every((e) => e.code === 'missing_feature' && e.row === 3));
    const msg = (r: PredictionResult, code: string) =>
      [...r.errors, ...r.warnings].find((i) => i.code === code)!.message;
    assert.match(
      msg(res[1], 'out_of_range'),
      /"carat" = 50 is above the train maximum [\d.]+ \(train range \[/,
    );
    assert.match(
      msg(res[1], 'unknown_category'),
      /"cut" = "Superb" was not seen in training \(known: .*"Ideal"/,
    );
    assert.match(msg(res[2], 'wrong_type'), /"depth" must be a finite number; got "deep"/);
    assert.match(res[3].errors[0].message, /required feature "cut" \(categorical\) is absent/);
    // Valid rows of the same request are unaffected by the bad ones.
    assert.equal(res[0].prediction, direct([ROW])[0]);
  });

  it('wrong types: each bad value rejected on its own row; readable strings accepted', () => {
    const bad: unknown[] = ['abc', { v: 1 }, [1], true, 'Infinity', '1e400', Number.POSITIVE_INFINITY];
    const res = p.predict(bad.map((v) => ({ ...ROW, table: v })));
    for (const r of res) {
      assert.equal(r.status, 'rejected', JSON.stringify(r));
      assert.deepEqual(codes(r), ['table:wrong_type']);
    }
    const ok = p.predict([
      { ...ROW, table: '56' },
      { ...ROW, table: ' 56 ' },
    ]);
    assert.deepEqual(
      ok.map((r) => r.prediction),
      [direct([ROW])[0], direct([ROW])[0]],
    );
    // A record that is not an object is one rejected row, not a failed request.
    const res2 = p.predict([null, 3, [ROW], ROW] as never);
    assert.deepEqual(
      res2.map((r) => r.status),
      ['rejected', 'rejected', 'rejected', 'ok'],
    );
    assert.match(res2[0].errors[0].message, /record 0 is null; expected an object/);
    // A single record (not in a list) is one row.
    assert.deepEqual(
      p.predict(ROW as never).map((r) => r.prediction),
      [direct([ROW])[0]],
    );
  });

  it('nulls where train had none: warned and imputed (as the preprocessor would); reject on demand', () => {
    const rows = [
      { ...ROW, depth: null },
      { ...ROW, depth: 'NA' },
      { ...ROW, depth: Number.NaN },
    ];
    const res = p.predict(rows);
    const want = direct([{ ...ROW, depth: null }])[0];
    for (const r of res) {
      assert.equal(r.status, 'ok');
      assert.deepEqual(codes(r), ['depth:null_not_allowed']);
      assert.equal(r.prediction, want);
    }
    assert.match(res[0].warnings[0].message, /imputed/);
    const strict = InferencePipeline.load(dir, { policy: { null_not_allowed: 'reject' } });
    assert.ok(strict.predict(rows).every((r) => r.status === 'rejected'));
  });

  it('out of range: warn (default) predicts the value as given; clip moves it to the bound; reject', () => {
    const max = p.contract.features.find((f) => f.name === 'carat')!.max!;
    const rows = [{ ...ROW, carat: 7 }];
    const [warned] = p.predict(rows);
    assert.equal(warned.prediction, direct(rows)[0]);
    const [clipped] = InferencePipeline.load(dir, { policy: { out_of_range: 'clip' } }).predict(rows);
    assert.equal(clipped.status, 'ok');
    assert.equal(clipped.prediction, direct([{ ...ROW, carat: max }])[0]);
    assert.match(clipped.warnings[0].message, new RegExp(`clipped to ${max}`));
    const [rejected] = InferencePipeline.load(dir, { policy: { out_of_range: 'reject' } }).predict(rows);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.errors[0].code, 'out_of_range');
  });

  it('a far-out value accepted with a warning that overflows the model rejects its row, not the request', () => {
    const res = p.predict([{ ...ROW, carat: '1e308', x: 1e308 }, ROW]);
    assert.equal(res[0].status, 'rejected');
    assert.equal(res[0].prediction, null);
    const err = res[0].errors.find((e) => e.field === '(prediction)')!;
    assert.equal(err.code, 'out_of_range');
    assert.match(err.message, /the model gave (-?Infinity|NaN) for this row/);
    assert.equal(res[0].warnings.filter((w) => w.code === 'out_of_range').length, 2);
    assert.equal(res[1].status, 'ok');
  });

  it('unknown categories: warn (encoded as unseen, like handle_unknown: ignore) or reject', () => {
    const rows = [
      { ...ROW, color: 'Z' },
      { ...ROW, color: 5 },
    ];
    const res = p.predict(rows);
    assert.deepEqual(res.map(codes), [['color:unknown_category'], ['color:unknown_category']]);
    assert.equal(res[0].prediction, direct([rows[0]])[0]);
    const strict = InferencePipeline.load(dir, { policy: { unknown_category: 'reject' } });
    assert.ok(strict.predict(rows).every((r) => r.status === 'rejected'));
  });

  it('extra fields warn by default; the target column is accepted silently; reject on demand', () => {
    const [r] = p.predict([{ ...ROW, price: 2000, note: 'hi' }]);
    assert.deepEqual(codes(r), ['note:unexpected_field']);
    assert.equal(r.prediction, direct([ROW])[0]);
    const strict = InferencePipeline.load(dir, { policy: { unexpected_field: 'reject' } });
    assert.equal(strict.predict([{ ...ROW, note: 'hi' }])[0].status, 'rejected');
    assert.equal(strict.predict([{ ...ROW, price: 1 }])[0].status, 'ok');
  });

  it('missing features reject by default; warn imputes them', () => {
    const { cut: _, ...noCut } = ROW;
    const [r] = p.predict([noCut]);
    assert.equal(r.status, 'rejected');
    const [w] = InferencePipeline.load(dir, { policy: { missing_feature: 'warn' } }).predict([noCut]);
    assert.equal(w.status, 'ok');
    assert.equal(w.prediction, direct([{ ...ROW, cut: null }])[0]);
  });

  it('frames: a missing column is one file-level issue (row -1) that rejects every row', () => {
    const f = frameFromRecords([ROW, ROW, ROW]).drop(['depth']);
    const b = p.predictFrame(f);
    assert.equal(b.summary.rejected, 3);
    assert.deepEqual(
      b.issues.map((i) => [i.row, i.field, i.code]),
      [[-1, 'depth', 'missing_feature']],
    );
    assert.ok(b.prediction.every(Number.isNaN));
    const g = p.predictFrame(
      new Frame(
        [...f.names, 'depth', 'extra'],
        [
          ...f.columns,
          ...frameFromRecords([
            { d: 61.5, e: 1 },
            { d: 99, e: 1 },
            { d: 'x', e: 1 },
          ]).columns,
        ],
      ),
    );
    assert.deepEqual(
      g.issues.map((i) => [i.row, i.field, i.code]),
      [
        [-1, 'extra', 'unexpected_field'],
        [2, 'depth', 'wrong_type'],
        [1, 'depth', 'out_of_range'],
      ],
    );
    assert.deepEqual([...g.rejected], [0, 0, 1]);
    assert.deepEqual(g.summary, {
      rows: 3,
      predicted: 2,
      rejected: 1,
      warned: 1,
      byCode: {
        missing_feature: 0,
        wrong_type: 1,
        out_of_range: 1,
        unknown_category: 0,
        unexpected_field: 3,
        null_not_allowed: 0,
      },
    });
  });

  it('explain: attributions per input column (one-hot levels folded back) add up to the prediction', () => {
    const res = p.predict([ROW, { ...ROW, cut: 'Fair', carat: 1.2 }, { ...ROW, depth: 'x' }], {
      explain: true,
    });
    for (const r of res.slice(0, 2)) {
      assert.deepEqual(Object.keys(r.attributions!).sort(), Object.keys(ROW).sort());
      const sum = Object.values(r.attributions!).reduce((s, x) => s + x, r.base_value!);
      assert.ok(Math.abs(sum - r.prediction!) < 1e-6, `${sum} vs ${r.prediction}`);
    }
    assert.notEqual(res[0].attributions!.cut, res[1].attributions!.cut);
    assert.equal(res[2].attributions, undefined); // rejected rows get no explanation
  });

  it('refuses a bad policy, naming the check and the allowed actions', () => {
    assert.throws(
      () => InferencePipeline.load(dir, { policy: { unknown_category: 'clip' } }),
      (e: unknown) =>
        e instanceof ConfigError && /policy\.unknown_category = "clip".*reject, warn/.test(e.message),
    );
    assert.throws(
      () => InferencePipeline.load(dir, { policy: { typo: 'warn' } as never }),
      /policy\.typo is not a validation check/,
    );
  });
});
