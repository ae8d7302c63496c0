import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DataError } from '../../src/core/errors.js';
import { FeedbackStore } from '../../src/log/feedback.js';
import { openLogForReading, PredictionLog, readLog, summarizeLog } from '../../src/log/index.js';
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
    it(`${kind}: every way of opening it fails with a DataError naming the file`, () => {
      assert.throws(() => new PredictionLog(file), isNamed(file, 'log_corrupt'));
      assert.throws(() => new FeedbackStore(file), isNamed(file, 'log_corrupt'));
      assert.throws(() => openLogForReading(file), isNamed(file, 'log_corrupt'));
    });
  }

  it('damage met while reading (not at open) is named too', () => {
    const file = join(dir, 'middle.sqlite');
    writeLog(file, 3000);
    // Overwrite pages in the middle of the table: the open probe (schema, last page) passes.
    const bytes = readFileSync(file);
    bytes.fill(0xab, 20 * 4096, 40 * 4096);
    writeFileSync(file, bytes);
    const db = openLogForReading(file);
    try {
      assert.throws(() => [...readLog(db)], isNamed(file, 'log_corrupt'));
      assert.throws(() => summarizeLog(db), isNamed(file, 'log_corrupt'));
    } finally {
      db.close();
    }
  });

  it('an SQLite file that is not a log (e.g. the registry) is named as such for readers', () => {
    const file = join(dir, 'registry.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE versions (version INTEGER PRIMARY KEY)');
    db.close();
    assert.throws(
      () => openLogForReading(file),
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

  it('a healthy log still opens and reads', () => {
    const file = join(dir, 'ok.sqlite');
    writeLog(file, 10);
    const db = openLogForReading(file);
    assert.equal([...readLog(db, { limit: 3, newestFirst: true })].length, 3);
    assert.equal(summarizeLog(db).rows, 10);
    db.close();
    const fb = new FeedbackStore(file);
    assert.equal(fb.count, 0);
    fb.close();
  });
});
