/**
 * Lines the reader cannot treat as table rows: a header longer than 1 MiB (a one-line dump) fails
 * fast with the limit and without echoing the line back; a long record at the end of the file
 * loads instead of spinning; a record over 64 MiB is refused. Loads that used to hang run in a
 * child process with a timeout, so a regression fails the test instead of stalling the suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataError } from '../../src/core/errors.js';
import { DataLoader } from '../../src/data/index.js';
import { TmpDir } from './tmp-files.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const tsx = import.meta.resolve('tsx');
const cliEntry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const loaderUrl = new URL('../../src/data/index.ts', import.meta.url).href;

/** Run a command under tsx with a deadline; a hang shows as a timeout, not a stuck suite. */
function runWithDeadline(args: string[], cwd: string, seconds: number) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', tsx, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    timeout: seconds * 1000,
    maxBuffer: 64 << 20,
  });
  return {
    code: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** DataLoader.load in a child process: prints rows and column types as JSON, or the error. */
function loadInChild(path: string, seconds = 30) {
  const script = tmp.write(
    `load-${Math.random().toString(36).slice(2)}.mts`,
    `import { DataLoader } from ${JSON.stringify(loaderUrl)};
try {
  const { frame } = await DataLoader.load(${JSON.stringify(path)});
  console.log(JSON.stringify({ rows: frame.nRows, types: frame.columns.map((c) => c.type) }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, message: e.message }));
}`,
  );
  return runWithDeadline([script], tmp.dir, seconds);
}

describe('long lines', () => {
  test('tabflow train on a 1.6 MB first line exits 2 at once, names the 1 MiB limit, echoes no line', () => {
    // The reproduction: python3 -c "f=open('o.csv','w');f.write('y,');f.write('x'*1600000)"
    writeFileSync(tmp.path('o.csv'), `y,${'x'.repeat(1_600_000)}`);
    const r = runWithDeadline([cliEntry, 'train', '--data', 'o.csv', '--target', 'y'], tmp.dir, 60);
    assert.equal(r.signal, null, `train did not finish within 60 s (${r.seconds.toFixed(1)} s)`);
    assert.equal(r.code, 2, r.stderr.slice(0, 2000));
    assert.match(r.stderr, /first line of "o\.csv" is longer than 1,048,576 bytes \(1 MiB\)/);
    assert.match(r.stderr, /header line/);
    assert.ok(r.stderr.length < 2000, `stderr is ${r.stderr.length} characters`);
    assert.ok(!r.stderr.includes('x'.repeat(100)), 'the line is echoed back');
    assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at .+:\d+:\d+/);
  });

  test('a header just under 1 MiB still loads; a long name is clipped in messages', async () => {
    const long = 'x'.repeat(800_000);
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i * 2}`).join('\n');
    const path = tmp.write('wide-name.csv', `y,${long}\n${rows}\n`);
    const { frame } = await DataLoader.load(path, { target: 'y' });
    assert.deepEqual(frame.names, ['y', long]);
    await assert.rejects(DataLoader.load(path, { target: 'price' }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'missing_target');
      assert.match(e.message, /Its columns are: y, x{60}… \(800,000 characters\)/);
      assert.ok(e.message.length < 400, `message is ${e.message.length} characters`);
      return true;
    });
    const noRows = tmp.write('no-rows.csv', `y,${long}`);
    await assert.rejects(DataLoader.load(noRows), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'no_rows');
      assert.ok(e.message.length < 400, `message is ${e.message.length} characters`);
      return true;
    });
  });

  test('a header over 1 MiB is refused by the DuckDB engine too', async () => {
    const path = tmp.write('wide.csv', `a,${'b'.repeat(1_100_000)}\n1,2\n`);
    await assert.rejects(DataLoader.load(path, { csvEngine: 'duckdb' }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.code, 'header_too_long');
      return true;
    });
  });

  test('a record over 1 MiB at the end of the file loads (it used to loop forever)', () => {
    const path = tmp.write('tail.csv', `a,b\n1,x\n2,${'y'.repeat(1_500_000)}\n`);
    const r = loadInChild(path);
    assert.equal(r.signal, null, `the load did not finish within 30 s (${r.seconds.toFixed(1)} s)`);
    assert.deepEqual(JSON.parse(r.stdout), { rows: 2, types: ['numeric', 'categorical'] });
    // No trailing newline, and a long record in the middle of the file.
    const mid = tmp.write('mid.csv', `a,b\n1,${'z'.repeat(3_000_000)}\n2,x\n3,${'w'.repeat(1_200_000)}`);
    const m = loadInChild(mid);
    assert.equal(m.signal, null, `the load did not finish within 30 s (${m.seconds.toFixed(1)} s)`);
    assert.deepEqual(JSON.parse(m.stdout), { rows: 3, types: ['numeric', 'categorical'] });
  });

  test('a record over 64 MiB (a quote that never closes) is refused with the line and the limit', () => {
    const path = tmp.path('unclosed.csv');
    writeFileSync(path, `a,b\n1,2\n3,"${'q'.repeat(65 << 20)}\n`);
    const r = loadInChild(path, 60);
    assert.equal(r.signal, null, `the load did not finish within 60 s (${r.seconds.toFixed(1)} s)`);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'record_too_long', out.message);
    assert.match(out.message, /line 3 of ".*unclosed\.csv" is longer than 67,108,864 bytes \(64 MiB\)/);
  });
});
