import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { InferencePipeline } from '../../src/inference/index.js';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

/** concrete rows with an id column, an extra column and three problem rows. */
function newData(path: string, n = 300): void {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const header = lines[0].split(',').slice(0, -1);
  const out = [['id', ...header, 'batch'].join(',')];
  for (let i = 0; i < n; i++) {
    const v = lines[1 + i].split(',').slice(0, -1);
    if (i === 3) v[0] = 'abc';
    if (i === 5) v[0] = '9999';
    if (i === 7) v[3] = '';
    out.push([`c${i}`, ...v, 'b1'].join(','));
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}

// The model is trained and most commands run in-process (the same main() as bin/tabflow.js); the
// first predict runs as a child process, as a user runs it.
describe('tabflow predict', () => {
  let dir: string;
  const model = () => join(dir, 'models', 'production');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tabflow-predict-'));
    const config = 'inference:\n  on_null_not_allowed: reject\n';
    writeFileSync(join(dir, 'config.yaml'), config);
    const r = await tabflowInProcess(
      [
        'train',
        '--data',
        join(DATA_DIR, 'concrete.csv'),
        '--target',
        'compressive_strength',
        '--models',
        'ridge,gbdt',
        '--config',
        'config.yaml',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /calibrate .*test coverage/);
    newData(join(dir, 'new.csv'));
  });

  it('writes predictions, intervals and attributions beside the id column, and a validation summary', async () => {
    const r = tabflow(
      ['predict', '--model', model(), '--data', 'new.csv', '--out', 'p.csv', '--interval', '--explain'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    noStack(r.stderr);
    assert.match(r.stdout, /rows 300: predicted 298, rejected 2, warned 1/);
    assert.match(r.stdout, /wrong_type\s+1\s+reject/);
    assert.match(r.stdout, /null_not_allowed\s+1\s+reject/); // policy from the run's config.yaml
    assert.match(r.stdout, /out_of_range\s+1\s+warn/);
    assert.match(r.stdout, /column "batch" is not a model feature/);
    assert.match(r.stderr, /predicting: 300 rows done \(100% of the input\)/);
    const { frame } = await DataLoader.load(join(dir, 'p.csv'));
    assert.equal(frame.nRows, 300);
    assert.deepEqual(frame.names.slice(0, 7), [
      'id',
      'prediction',
      'lower',
      'upper',
      'coverage',
      'status',
      'issues',
    ]);
    assert.match(r.stdout, /intervals: 90% split-conformal .* coverage 0\.9 in every predicted row/);
    assert.equal(frame.cell('coverage', 0), 0.9);
    assert.equal(frame.cell('coverage', 3), null, 'a rejected row has no interval');
    assert.ok(frame.names.includes('attr_cement') && frame.names.includes('base_value'));
    assert.equal(frame.cell('id', 3), 'c3');
    assert.equal(frame.cell('status', 3), 'rejected');
    assert.equal(frame.cell('prediction', 3), null);
    assert.equal(frame.cell('issues', 3), 'cement:wrong_type');
    assert.equal(frame.cell('issues', 5), 'cement:out_of_range');
    // Same numbers as the library gives for the same records.
    const p = InferencePipeline.load(model());
    const input = (await DataLoader.load(join(dir, 'new.csv'))).frame;
    const lib = p.predictFrame(input, { ignore: ['id'], interval: true, explain: true });
    for (const i of [0, 5, 299]) {
      assert.equal(frame.cell('prediction', i), lib.prediction[i]);
      assert.equal(frame.cell('lower', i), lib.interval!.lower[i]);
      const k = lib.attributions!.names.length;
      const sum = lib
        .attributions!.values.slice(i * k, (i + 1) * k)
        .reduce((s, x) => s + x, lib.attributions!.baseValue);
      assert.ok(Math.abs(sum - lib.prediction[i]) < 1e-6, 'attributions + base value = prediction');
    }
  });

  it('writes ndjson and parquet with the same rows, and chunking does not change them', async () => {
    const args = (out: string, extra: string[] = []) => [
      'predict',
      '--model',
      model(),
      '--data',
      'new.csv',
      '--out',
      out,
      ...extra,
    ];
    // The interval is the default; --no-interval leaves it out.
    assert.equal(
      (await tabflowInProcess(args('p.ndjson', ['--chunk-rows', '7', '--no-interval']), dir)).code,
      0,
    );
    assert.equal((await tabflowInProcess(args('p.parquet'), dir)).code, 0);
    const csv = (await DataLoader.load(join(dir, 'p.csv'))).frame;
    const nd = readFileSync(join(dir, 'p.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(nd.length, 300);
    assert.deepEqual(Object.keys(nd[0]), ['id', 'prediction', 'status', 'issues']);
    assert.deepEqual(nd[3], { id: 'c3', prediction: null, status: 'rejected', issues: 'cement:wrong_type' });
    assert.equal(nd[7].issues, 'water:null_not_allowed');
    for (const i of [0, 6, 7, 8, 299]) assert.equal(nd[i].prediction, csv.cell('prediction', i));
    const pq = (await DataLoader.load(join(dir, 'p.parquet'))).frame;
    assert.equal(pq.nRows, 300);
    assert.equal(pq.cell('prediction', 10), nd[10].prediction);
    assert.equal(pq.cell('id', 10), 'c10');
    assert.equal(pq.cell('lower', 10), csv.cell('lower', 10));
    assert.equal(pq.cell('coverage', 10), 0.9);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
    );
  });

  it('--policy overrides the checks of the run for this call', async () => {
    const r = await tabflowInProcess(
      [
        'predict',
        '--model',
        model(),
        '--data',
        'new.csv',
        '--out',
        'strict.csv',
        '--policy',
        'out_of_range=reject, unexpected_field=warn',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rows 300: predicted 297, rejected 3/);
    assert.match(r.stdout, /out_of_range\s+1\s+reject/);
    const bad = await tabflowInProcess(
      ['predict', '--model', model(), '--data', 'new.csv', '--policy', 'wrong_type=clip'],
      dir,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /policy\.wrong_type = "clip" is not allowed: expected one of reject, warn/);
  });

  it('exits 2 with a clear message and writes nothing for bad model folders and input files', async () => {
    const lines = readFileSync(join(dir, 'new.csv'), 'utf8').split('\n');
    writeFileSync(
      join(dir, 'nowater.csv'),
      lines
        .map((l) =>
          l
            .split(',')
            .filter((_, j) => j !== 4)
            .join(','),
        )
        .join('\n'),
    );
    const cases: [string[], RegExp][] = [
      [['--model', 'nowhere', '--data', 'new.csv'], /No artifacts at nowhere/],
      [
        ['--model', model(), '--data', 'nowater.csv'],
        /missing required column\(s\): water[\s\S]*expects: cement/,
      ],
      [['--model', model(), '--data', 'new.csv', '--out', 'p.xlsx'], /cannot write "xlsx" files/],
    ];
    for (const [args, re] of cases) {
      const r = await tabflowInProcess(['predict', '--out', 'bad.csv', ...args], dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      noStack(r.stderr);
    }
    assert.ok(!existsSync(join(dir, 'bad.csv')));
  });
});
