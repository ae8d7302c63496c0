/**
 * log.durability: `ack` commits the rows of everyone waiting in one event-loop turn in one
 * transaction before releasing them; a failed write rejects every waiter with a 503 error and
 * keeps nothing (those requests were not answered). `buffered` releases at once. The config key
 * is validated and shown by `tabflow init`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { resolveConfig, resolveConfigUnknown } from '../../src/config/config.js';
import { configTemplate } from '../../src/config/template.js';
import { ConfigError } from '../../src/core/errors.js';
import { LogWriteError, PredictionLog, type PredictionLogEntry } from '../../src/log/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tabflow-durability-'));

function entry(request: number, row: number): PredictionLogEntry {
  return {
    requestId: `req-${request}`,
    row,
    modelName: 'ridge',
    runId: 'run-a',
    status: 'ok',
    prediction: request + row / 10,
    features: { cement: request },
  };
}

const countRows = (file: string) => {
  const db = new Database(file, { readonly: true });
  const n = db.prepare('SELECT COUNT(*) FROM predictions').pluck().get() as number;
  db.close();
  return n;
};

test('ack: committed() resolves once the rows are in the file; callers of one turn share one write', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file, { durability: 'ack', batchSize: 2, flushMs: 60_000 });
  const waits: Promise<void>[] = [];
  for (let r = 0; r < 5; r++) {
    for (let row = 0; row < 3; row++) log.append(entry(r, row));
    waits.push(log.committed());
  }
  // Nothing written by size in ack mode: the rows wait for the group commit.
  assert.equal(log.pending, 15);
  assert.equal(countRows(file), 0);
  await Promise.all(waits);
  assert.equal(log.pending, 0);
  assert.equal(log.writtenCount, 15);
  assert.equal(countRows(file), 15, 'visible to another connection once committed() resolved');
  await log.committed(); // nothing pending: resolves at once
  await log.close();
});

test('ack: a failed write rejects every waiter with a 503 naming the file, and keeps none of the rows', async () => {
  const file = join(tmp(), 'p.sqlite');
  const errors: Error[] = [];
  const log = await PredictionLog.open(file, {
    durability: 'ack',
    busyTimeoutMs: 1,
    flushMs: 60_000,
    onError: (e) => errors.push(e),
  });
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
  log.append(entry(1, 0));
  const a = log.committed();
  log.append(entry(2, 0));
  const b = log.committed();
  for (const p of [a, b]) {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof LogWriteError);
      assert.equal(e.httpStatus, 503);
      assert.equal(e.code, 'log_write_failed');
      assert.match(e.message, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*not answered`));
      return true;
    });
  }
  assert.equal(errors.length, 1);
  assert.equal(log.pending, 0, 'rows of unanswered requests are not retried later');
  assert.equal(log.droppedCount, 2);
  other.exec('COMMIT');
  await other.close();
  log.append(entry(3, 0));
  await log.committed();
  await log.close();
  assert.equal(countRows(file), 1);
});

test('buffered (default): committed() resolves at once, rows are written by size and timer', async () => {
  const file = join(tmp(), 'p.sqlite');
  const log = await PredictionLog.open(file, { batchSize: 4, flushMs: 60_000 });
  assert.equal(log.durability, 'buffered');
  for (let i = 0; i < 3; i++) log.append(entry(i, 0));
  await log.committed();
  assert.equal(log.pending, 3, 'still buffered: a crash now would lose these 3 rows');
  log.append(entry(3, 0));
  assert.equal(log.pending, 0);
  await log.close();
  assert.equal(countRows(file), 4);
});

test('config: log.durability is validated, defaults to buffered, and tabflow init shows the section', () => {
  const cfg = resolveConfig({ log: { durability: 'ack' } });
  assert.deepEqual(cfg.log, { durability: 'ack', batch_size: 128, flush_ms: 200 });
  assert.equal(resolveConfig({}).log.durability, 'buffered');
  assert.throws(
    () => resolveConfigUnknown({ log: { durability: 'sync' } }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /log\.durability = "sync" is not allowed: expected one of buffered, ack/.test(e.message),
  );
  const template = configTemplate();
  assert.match(template, /\nlog:\n {2}# .*\n {2}durability: buffered\n/);
  assert.match(template, /ack: answered only once the row is committed/);
});
