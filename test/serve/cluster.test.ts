/**
 * `tabflow serve --workers 2`: two processes share one port and one prediction log; SIGTERM at
 * the primary closes both gracefully, and every answered row is in the log exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { concreteRecords, trainConcrete } from './model-fixture.js';

/** `tabflow serve --workers 2` on a fresh concrete model, killed at the end of the test whatever happens. */
async function startCluster(t: TestContext, port = 0) {
  const model = await trainConcrete();
  const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
  const args = [
    'serve',
    '--model',
    model.production,
    '--port',
    String(port),
    '--workers',
    '2',
    '--log-level',
    'warn',
  ];
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], {
    cwd: model.root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { model, child, exited };
}

test('two workers: requests spread over both, SIGTERM → exit 0, N answered rows = N logged rows', {
  timeout: 120_000,
}, async (t) => {
  const { model, child, exited } = await startCluster(t);
  const logFile = join(model.root, 'predictions.sqlite');
  let stderr = '';
  // Worker 1 prints the address, worker 2 says when it listens: send traffic once both can take it.
  const base = await new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m && /worker 2 ready/.test(stderr)) res(m[1]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  const rows = concreteRecords(40);
  let answered = 0;
  const batch = async (i: number) => {
    const res = await fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows.slice(i % 30, (i % 30) + 1 + (i % 3))),
      signal: AbortSignal.timeout(30_000),
    });
    assert.equal(res.status, 200);
    answered += ((await res.json()) as { rows: number }).rows;
  };
  for (let round = 0; round < 10; round++)
    await Promise.all(Array.from({ length: 20 }, (_, i) => batch(round * 20 + i)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr);
  const stopped = [...stderr.matchAll(/worker (\d) stopped on SIGTERM, (\d+) predictions logged/g)];
  assert.deepEqual(stopped.map((m) => m[1]).sort(), ['1', '2'], stderr);
  const perWorker = stopped.map((m) => Number(m[2]));
  assert.ok(
    perWorker.every((n) => n > 0),
    `both workers served: ${perWorker}`,
  );
  const db = new Database(logFile, { readonly: true });
  const n = (db.prepare('SELECT COUNT(*) AS n FROM predictions').get() as { n: number }).n;
  db.close();
  assert.equal(n, answered);
  assert.equal(
    perWorker.reduce((a, b) => a + b, 0),
    answered,
  );
});

test('SIGTERM while the workers are still starting still stops them all (no hang)', {
  timeout: 60_000,
}, async (t) => {
  const { child, exited } = await startCluster(t);
  let stderr = '';
  // The primary announces the workers before forking them: stop it at once, while they load.
  await new Promise<void>((res) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/2 workers for/.test(stderr)) res();
    });
  });
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 30_000))]);
  assert.equal(code, 0, stderr);
});

test('a worker that cannot start (port taken) stops the server: exit 1 with the reason, no hang', {
  timeout: 60_000,
}, async (t) => {
  const blocker = createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  t.after(() => blocker.close());
  const { port } = blocker.address() as AddressInfo;
  const { child, exited } = await startCluster(t, port);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 30_000))]);
  assert.equal(code, 1, stderr);
  assert.match(stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
  // The worker's own exit code reaches the primary (not a 0 from a bare disconnect).
  assert.match(stderr, /worker \d failed to start \(exit 2\); stopping/);
});
