/**
 * Several processes opening the same new SQLite file at the same instant — `serve --workers N`
 * starting, or a CLI next to a starting server — all succeed. Switching a new file to WAL is
 * not covered by SQLite's busy timeout: without the retry in core/sqlite-wal.ts about one round
 * in four failed with "database is locked".
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type ChildResult, runScript } from '../helpers/cli.js';

const CHILDREN = 4;
const ROUNDS = 24;
const GAP_MS = 60;

function child(args: string[]): Promise<ChildResult> {
  return runScript(fileURLToPath(new URL('./open-child.ts', import.meta.url)), args);
}

test('processes opening the same new log or registry at once never see "database is locked"', {
  timeout: 120_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-open-'));
  // Far enough ahead for every child to have started (tsx compiles on first run).
  const startAt = Date.now() + 4000;
  const results = await Promise.all(
    Array.from({ length: CHILDREN }, (_, k) =>
      child([dir, String(startAt), String(ROUNDS), String(GAP_MS), `c${k}`]),
    ),
  );
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()).errors, []);
  }
  // Every child's row of every log round is there, and every file ended in WAL mode.
  for (let i = 0; i < ROUNDS; i += 2) {
    const db = new Database(join(dir, `log-${i}.sqlite`), { readonly: true });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n, CHILDREN);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  }
});
