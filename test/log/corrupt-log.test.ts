import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DataError } from '../../src/core/errors.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { openLogForReading, PredictionLog, readLog, summarizeLog } from '../../src/log/index.js';
import { collect } from '../helpers/collect.js';
import { corruptLogs, writeLog } from './corrupt-fixture.js';

const isNamed = (file: string, code: string) => (e: unknown) => {
  assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
  assert.equal(e.code, code);
  assert.equal(e.exitCode, 2);
  assert.ok(e.message.includes(file), `the message names ${file}: ${e.message}`);
  return true;
};

describe('a damaged prediction log is named, never "unexpected error"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-corrupt-log-'));
  const files = corruptLogs(dir);

  for (const [kind, file] of Object.entries(files)) {
    it(`${kind}: every way of opening it fails with a DataError naming the file`, async () => {
      await assert.rejects(async () => PredictionLog.open(file), isNamed(file, 'log_corrupt'));
      await assert.rejects(async () => FeedbackStore.open(file), isNamed(file, 'log_corrupt'));
      await assert.rejects(async () => openLogForReading(file), isNamed(file, 'log_corrupt'));
    });
  }

  it('damage met while reading (not at open) is named too', async () => {
    const file = join(dir, 'middle.sqlite');
    writeLog(file, 3000);
    // Overwrite pages in the middle of the table: the open probe (schema, last page) passes.
    const bytes = readFileSync(file);
    bytes.fill(0xab, 20 * 4096, 40 * 4096);
    writeFileSync(file, bytes);
    const db = await openLogForReading(file);
    try {
      await assert.rejects(() => collect(readLog(db)), isNamed(file, 'log_corrupt'));
      await assert.rejects(async () => summarizeLog(db), isNamed(file, 'log_corrupt'));
    } finally {
      await db.close();
    }
  });

  it('an SQLite file that is not a log (e.g. the registry) is named as such for readers', async () => {
    const file = join(dir, 'registry.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE versions (version INTEGER PRIMARY KEY)');
    await db.close();
    await assert.rejects(
      async () => openLogForReading(file),
      (e: unknown) => {
        assert.ok(e instanceof DataError && e.code === 'not_a_log', String(e));
        assert.match(
          e.message,
          /registry\.sqlite is an SQLite database but not a prediction log.*tables: versions/,
        );
        return true;
      },
    );
  });

  it('a healthy log still opens and reads', async () => {
    const file = join(dir, 'ok.sqlite');
    writeLog(file, 10);
    const db = await openLogForReading(file);
    assert.equal((await collect(readLog(db, { limit: 3, newestFirst: true }))).length, 3);
    assert.equal((await summarizeLog(db)).rows, 10);
    await db.close();
    const fb = await FeedbackStore.open(file);
    assert.equal(await fb.count, 0);
    await fb.close();
  });
});
