/**
 * Zip bombs: the caps on an entry's uncompressed size and compression ratio, and on the number of
 * entries, come from the `data` config section and fail with exit 2 naming the limit and the key.
 * The default ratio cap refuses a highly compressible entry from its directory, before inflating
 * it, so the process neither grows nor spends time on it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { DataError } from '../../src/core/errors.js';
import { DataLoader } from '../../src/data/index.js';
import { tabflowAsync, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { TmpDir } from './tmp-files.js';
import { type BombInfo, writeDeflatedZip } from './zip-bomb.js';

const tmp = new TmpDir();
after(() => tmp.remove());

const diamondsCsv = readFileSync(join(DATA_DIR, 'diamonds.csv'));
/** diamonds.csv (2.8 MB) zipped: ~5 to 1, a real table's ratio. */
const diamondsZip = tmp.write('diamonds.zip', zipSync({ 'diamonds.csv': diamondsCsv }));

function config(name: string, data: Record<string, unknown>): string {
  const lines = Object.entries({ path: diamondsZip, target: 'price', ...data }).map(
    ([k, v]) => `  ${k}: ${JSON.stringify(v)}`,
  );
  return tmp.write(name, `data:\n${lines.join('\n')}\nmodels: [ridge]\n`);
}

describe('zip bomb caps', () => {
  let bomb: BombInfo;
  const bombPath = tmp.path('bomb.zip');
  before(async () => {
    // 64 MiB of "1,2\n": 16.8 million rows behind a ~65 KB zip (~1,000 to 1).
    bomb = await writeDeflatedZip(bombPath, 'rows.csv', 'a,b\n', '1,2\n'.repeat(1 << 16), 256);
  });

  test('a real table under the default caps loads', async () => {
    const { frame, report } = await DataLoader.load(diamondsZip, { target: 'price' });
    assert.equal(frame.nRows, 53_940);
    assert.equal(report.zipEntry, 'diamonds.csv');
  });

  test('the default ratio cap refuses a ~1000:1 entry from its directory, without inflating it', async () => {
    assert.ok(bomb.uncompressed / bomb.compressed > 500, `ratio ${bomb.uncompressed / bomb.compressed}`);
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    await assert.rejects(DataLoader.load(bombPath, { target: 'a' }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.code, 'zip_ratio_too_high', e.message);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /Entry "rows\.csv" in ".*bomb\.zip" is compressed more than 100 to 1/);
      assert.match(e.message, /data\.max_compression_ratio = 100/);
      assert.match(e.message, /its directory says 67,108,868 bytes from [\d,]+ compressed/);
      assert.match(e.message, /refused before unpacking/);
      return true;
    });
    const seconds = (performance.now() - t0) / 1000;
    const grewMb = (process.memoryUsage().rss - rss0) / 2 ** 20;
    // Loading it would mean 64 MiB extracted and two 16.8M-row columns (268 MB of Float64).
    assert.ok(seconds < 1, `took ${seconds.toFixed(2)} s`);
    assert.ok(grewMb < 32, `RSS grew by ${grewMb.toFixed(0)} MB`);
  });

  test('with no ratio cap, the size cap still stops it', async () => {
    await assert.rejects(
      DataLoader.load(bombPath, { maxCompressionRatio: null, maxUncompressedBytes: 1 << 20 }),
      (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.equal(e.code, 'zip_too_large', e.message);
        assert.match(e.message, /more than 1,048,576 bytes/);
        assert.match(e.message, /data\.max_uncompressed_bytes = 1048576/);
        return true;
      },
    );
  });

  test('tabflow train: the bomb and each key set small in a config file exit 2 naming limit and key', async () => {
    const two = tmp.write(
      'two.zip',
      zipSync({ 'diamonds.csv': diamondsCsv, 'README.txt': new TextEncoder().encode('notes') }),
    );
    // The bomb in a child process (if the cap failed, that process would inflate it, not the test
    // runner's), alongside the config cases run in-process, one after another.
    const bomb = tabflowAsync(['train', '--data', bombPath, '--target', 'a'], tmp.dir);
    const ratio = await tabflowInProcess(
      ['train', '--config', config('ratio.yaml', { max_compression_ratio: 3 })],
      tmp.dir,
    );
    const size = await tabflowInProcess(
      ['train', '--config', config('size.yaml', { max_uncompressed_bytes: 100_000 })],
      tmp.dir,
    );
    const entries = await tabflowInProcess(
      [
        'train',
        '--config',
        config('entries.yaml', { path: two, zip_entry: 'diamonds.csv', max_zip_entries: 1 }),
      ],
      tmp.dir,
    );
    const bad = await tabflowInProcess(
      [
        'train',
        '--config',
        config('bad.yaml', { max_compression_ratio: 0.5, max_uncompressed_bytes: 'lots' }),
      ],
      tmp.dir,
    );
    const onBomb = await bomb;
    for (const r of [onBomb, ratio, size, entries, bad]) {
      assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    }
    assert.match(onBomb.stderr, /is compressed more than 100 to 1\b.*data\.max_compression_ratio = 100/s);
    // diamonds.zip is ~5 to 1: a cap of 3 refuses it.
    assert.match(ratio.stderr, /Entry "diamonds\.csv" in ".*diamonds\.zip" is compressed more than 3 to 1/);
    assert.match(ratio.stderr, /data\.max_compression_ratio = 3\b/);
    assert.match(size.stderr, /unpacks to more than 100,000 bytes/);
    assert.match(size.stderr, /data\.max_uncompressed_bytes = 100000/);
    assert.match(entries.stderr, /holds 2 entries, more than the limit of 1 \(data\.max_zip_entries\)/);
    assert.match(bad.stderr, /data\.max_compression_ratio = 0\.5 is not allowed: expected a number ≥ 1/);
    assert.match(bad.stderr, /data\.max_uncompressed_bytes = "lots" is not allowed: expected a number/);
  });
});
