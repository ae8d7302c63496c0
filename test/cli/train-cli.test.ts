import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadArtifacts } from '../../src/artifacts/load-artifacts.js';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

// The first test runs `tabflow train` as a child process, as a user does (exit code, output, no
// TTY); the others run the same main() in this process (no tsx start-up per command).
const CONCRETE = join(DATA_DIR, 'concrete.csv');
const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-cli-'));
const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

describe('tabflow train', () => {
  it('runs the whole flow, prints a leaderboard and writes one run of artifacts that belong together', () => {
    const dir = tmp();
    const r = tabflow(
      [
        'train',
        '--data',
        CONCRETE,
        '--target',
        'compressive_strength',
        '--models',
        'linear,ridge,lasso,elasticnet',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /★/);
    assert.match(r.stdout, /test R²/);
    // 803 TRAIN+VAL rows: auto cross-validates, says so, and shows mean ± sd per candidate.
    assert.match(r.stderr, /selection: 5-fold cross-validation over TRAIN\+VAL \(803 TRAIN\+VAL rows/);
    assert.match(r.stderr, /✓ ridge\s+r2 0\.\d{4} ± 0\.\d{4}\s+\(5 folds/);
    assert.match(r.stdout, /cv R²\s+│\s+± sd/);
    assert.match(r.stdout, /★ selected by r2 over 5-fold cross-validation of TRAIN\+VAL/);
    for (const stage of [
      'load',
      'clean',
      'split',
      'cv',
      'ensemble',
      'select',
      'preprocess',
      'refit',
      'evaluate',
      'calibrate',
      'save',
    ]) {
      assert.match(r.stderr, new RegExp(`✓ ${stage} `));
    }
    const runs = readdirSync(join(dir, 'models', 'runs'));
    assert.equal(runs.length, 1);
    const files = readdirSync(join(dir, 'models', 'runs', runs[0])).sort();
    assert.deepEqual(files, [
      'config.yaml',
      'metadata.json',
      'metadata.json.sha256',
      'model.json',
      'preprocessor.json',
      'profile.json',
      'results.json',
    ]);
    const a = loadArtifacts(join(dir, 'models', 'production'));
    assert.equal(a.metadata.run_id, runs[0]);
    assert.deepEqual(
      a.results.models.map((m) => m.name),
      ['linear', 'ridge', 'lasso', 'elasticnet', 'ensemble'],
    );
    assert.ok(a.results.models.every((m) => m.status === 'ok' && m.cv?.folds.length === 5));
    const best = a.results.models.find((m) => m.name === a.results.selection.best)!;
    // concrete is ~linear-ish: sklearn's linear family scores ≈ 0.56–0.62 on held-out rows.
    assert.ok(best.metrics!.test!.r2 > 0.5, `best test R² ${best.metrics!.test!.r2}`);
    assert.equal(a.metadata.data.sha256.length, 64);
    assert.equal(
      a.metadata.split && (a.metadata.split as { counts: { train: number } }).counts.train > 600,
      true,
    );
  });

  it('keeps production unless --promote is given, and tampering is detected', async () => {
    const dir = tmp();
    const args = ['train', '--data', CONCRETE, '--target', 'compressive_strength', '--models', 'ridge'];
    assert.equal((await tabflowInProcess(args, dir)).code, 0);
    const first = realpathSync(join(dir, 'models', 'production'));
    const r2 = await tabflowInProcess(args, dir);
    assert.equal(r2.code, 0);
    assert.match(r2.stdout, /not published/);
    assert.equal(realpathSync(join(dir, 'models', 'production')), first);
    // The same model again is a tie: "deploy if better" keeps production.
    const tie = await tabflowInProcess([...args, '--promote'], dir);
    assert.equal(tie.code, 0, tie.stderr);
    assert.match(tie.stdout, /refused/);
    assert.equal(realpathSync(join(dir, 'models', 'production')), first);
    const better = ['train', '--data', CONCRETE, '--target', 'compressive_strength', '--models', 'gbdt'];
    assert.equal((await tabflowInProcess([...better, '--promote'], dir)).code, 0);
    const third = realpathSync(join(dir, 'models', 'production'));
    assert.notEqual(third, first);
    // A file from another run makes the set invalid.
    writeFileSync(join(third, 'results.json'), readFileSync(join(first, 'results.json')));
    assert.throws(() => loadArtifacts(join(dir, 'models', 'production')), /does not belong to run/);
  });

  it('trains on a fixed split column that is then not a feature', async () => {
    const dir = tmp();
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    const parts = ['train', 'train', 'train', 'train', 'train', 'train', 'train', 'val', 'test', 'test'];
    const out = [`${lines[0]},"split"`, ...lines.slice(1).map((l, i) => `${l},${parts[i % 10]}`)];
    writeFileSync(join(dir, 'c.csv'), `${out.join('\n')}\n`);
    const r = await tabflowInProcess(
      [
        'train',
        '--data',
        'c.csv',
        '--target',
        'compressive_strength',
        '--models',
        'ridge',
        '--split-column',
        'split',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const a = loadArtifacts(join(dir, 'models', 'production'));
    assert.ok(!a.metadata.model_features.includes('split'));
    assert.equal((a.metadata.split as { strategy: string }).strategy, 'column');
  });
});

describe('tabflow train: bad input gives exit 2, a clear message, no stack trace, nothing in production', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    ['missing file', () => ['--data', 'nope.csv', '--target', 'y'], /nope\.csv/],
    [
      'unknown extension',
      (d) => {
        writeFileSync(join(d, 'data.xlsx'), 'x');
        return ['--data', 'data.xlsx', '--target', 'y'];
      },
      /xlsx/,
    ],
    [
      'target absent (lists the columns)',
      () => ['--data', CONCRETE, '--target', 'strength'],
      /strength[\s\S]*cement/,
    ],
    [
      'non-numeric target',
      (d) => {
        writeFileSync(join(d, 't.csv'), 'a,b\n1,x\n2,y\n3,z\n');
        return ['--data', 't.csv', '--target', 'b'];
      },
      /"?b"?[\s\S]*numeric/,
    ],
    [
      'invalid config value (names key, value and allowed)',
      (d) => {
        writeFileSync(join(d, 'c.yaml'), 'split:\n  strategy: sideways\n');
        return ['--data', CONCRETE, '--target', 'compressive_strength', '--config', 'c.yaml'];
      },
      /split\.strategy[\s\S]*sideways[\s\S]*random/,
    ],
    [
      'unknown model',
      () => ['--data', CONCRETE, '--target', 'compressive_strength', '--models', 'ridge,deep_net'],
      /deep_net/,
    ],
    [
      'the ensemble listed as a candidate (the run builds it)',
      () => ['--data', CONCRETE, '--target', 'compressive_strength', '--models', 'ridge,ensemble'],
      /--models: "ensemble" is not a candidate you list: the run builds it from the other candidates \(selection\.ensemble/,
    ],
    ['bad seed', () => ['--data', CONCRETE, '--target', 'compressive_strength', '--seed', '-3'], /--seed/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const dir = tmp();
      const r = await tabflowInProcess(['train', ...args(dir)], dir);
      assert.equal(r.code, 2, `exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, message);
      noStack(r.stderr);
      assert.equal(existsSync(join(dir, 'models', 'production')), false);
    });
  }
});

describe('tabflow init', () => {
  it('writes a commented config that trains as is', async () => {
    const dir = tmp();
    assert.equal((await tabflowInProcess(['init'], dir)).code, 0);
    const text = readFileSync(join(dir, 'config.yaml'), 'utf8');
    assert.match(text, /# STEP 3/);
    assert.match(text, /strategy: random/);
    const again = await tabflowInProcess(['init'], dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
    const r = await tabflowInProcess(
      [
        'train',
        '--config',
        'config.yaml',
        '--data',
        CONCRETE,
        '--target',
        'compressive_strength',
        '--models',
        'ridge',
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
  });
});
