/**
 * A `tabflow train` on the embedded default (SQLite + files) does not load the PostgreSQL driver
 * or BullMQ/Redis: they cost ~100 ms of every small run's start-up, and are imported on first use
 * by the store factories and the queue option.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';

it('loading the train command and the stores leaves pg, bullmq and ioredis unloaded', async () => {
  await import('../../src/cli/train-command.js');
  await import('../../src/store/index.js');
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  const packages = new Set(
    loaded.map((k) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(k)?.[1]).filter(Boolean),
  );
  assert.ok(
    packages.has('better-sqlite3'),
    'the embedded store driver is loaded (the check sees CommonJS packages)',
  );
  for (const p of ['pg', 'bullmq', 'ioredis']) assert.ok(!packages.has(p), `${p} is not loaded`);
});
