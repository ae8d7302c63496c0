/**
 * `startServer` from code, as a library user runs it: a models folder trained by `tabflow train`
 * (production v1), served on port 0 with its prediction log, answered over HTTP, closed by
 * `close()` or by a signal; a run folder served as it is with admin routes; the errors a caller
 * can make (weak admin token, a port already taken, a stage that does not exist).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type StartServerOptions, startServer, type TabflowError } from '../../src/index.js';
import { concreteRecords, trainConcrete } from './model-fixture.js';

let root: string;
before(async () => {
  ({ root } = await trainConcrete());
});

/** Fewer handlers after than before means a leak the other way; more means one was left behind. */
const handlers = () => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');

async function predict(url: string, records: unknown) {
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
}

describe('startServer', { timeout: 120_000 }, () => {
  const started: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const s of started) await s.close();
  });

  it('serves the production stage of a models folder on port 0, logs, and closes on close()', async () => {
    const before = handlers();
    const server = await startServer({ modelsDir: root, port: 0 });
    started.push(server);
    assert.equal(handlers(), before + 2, 'SIGTERM and SIGINT close the server');
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url, 'http://127.0.0.1:0');
    assert.equal(server.model.version, 1);
    assert.equal(server.model.stage, 'production');
    assert.equal(server.source.follows, join(root, 'production'));
    assert.equal(server.logFile, join(root, 'predictions.sqlite'));
    assert.equal(server.admin, false);
    assert.equal(server.experiments?.current(), null, 'a production stage follows experiment.json');

    const r = await predict(server.url, concreteRecords(3));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.rows, 3);
    assert.equal((r.body.model as { run_id: string }).run_id, server.model.run_id);
    assert.equal(r.headers.get('x-tabflow-model-version'), '1');
    const ready = await fetch(`${server.url}/ready`);
    assert.equal(ready.status, 200);

    await server.close();
    assert.equal(await server.closed, null);
    assert.equal(handlers(), before, 'close() removes the signal handlers');
    assert.equal(server.log?.writtenCount, 3, 'the log is flushed on close');
    await assert.rejects(fetch(`${server.url}/health`));
  });

  it('serves a run folder as it is, with admin routes, and closes on one of its signals', async () => {
    const run = readdirSync(join(root, 'runs'))[0];
    const opts: StartServerOptions = {
      model: join(root, 'runs', run),
      port: 0,
      logFile: false,
      adminToken: 'a'.repeat(32),
      signals: ['SIGUSR2'],
    };
    const before = process.listenerCount('SIGUSR2');
    const server = await startServer(opts);
    started.push(server);
    assert.equal(server.source.follows, null);
    assert.equal(server.log, null);
    assert.equal(server.experiments, null);
    assert.equal(server.admin, true);
    const reload = await fetch(`${server.url}/admin/reload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${'a'.repeat(32)}` },
    });
    assert.equal(reload.status, 200);
    assert.equal(((await reload.json()) as { status: string }).status, 'fixed');
    assert.equal((await predict(server.url, concreteRecords(1)[0])).status, 200);

    process.emit('SIGUSR2', 'SIGUSR2');
    assert.equal(await server.closed, 'SIGUSR2');
    assert.equal(process.listenerCount('SIGUSR2'), before);
    await server.close(); // after a signal: resolves, nothing left to do
  });

  it('refuses a weak admin token, a port already taken and a missing stage, leaving nothing open', async () => {
    const before = handlers();
    const weak = startServer({ modelsDir: root, port: 0, logFile: false, adminToken: 'short' });
    await assert.rejects(weak, (e: TabflowError) => e.code === 'weak_admin_token');

    const first = await startServer({ modelsDir: root, port: 0, logFile: false, signals: [] });
    started.push(first);
    const port = Number(new URL(first.url).port);
    const taken = startServer({ modelsDir: root, port, logFile: false });
    await assert.rejects(taken, (e: TabflowError) => e.code === 'cannot_listen' && e.exitCode === 2);
    assert.equal(handlers(), before, 'no signal handler left behind by a failed start');
    await first.close();

    const missing = startServer({ modelsDir: root, stage: 'staging', port: 0 });
    await assert.rejects(missing, (e: TabflowError) => e.code === 'stage_empty');
  });
});
