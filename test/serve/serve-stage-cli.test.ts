/**
 * `tabflow serve --stage production --models-dir D --workers 2 --config c.yaml --env production`
 * as a child process: the environment's serve section sets port, log level and poll interval;
 * each worker follows the stage link by itself (after a move, every worker answers with the new
 * version); the admin routes need the token; SIGTERM stops both and the log names the versions.
 * Plus the option errors, in process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openLogForReading, readLog, summarizeLog } from '../../src/log/index.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { collect } from '../helpers/collect.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { concreteRecords, TARGET } from './model-fixture.js';
import { pointStage, releaseFromRun } from './stage-fixture.js';

const TOKEN = 'cli-test-admin-token-0123456789ab';

async function trainRun(root: string, models: string): Promise<{ dir: string; runId: string }> {
  const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', models];
  const out = mkdtempSync(join(root, 'train-'));
  const r = await tabflowInProcess([...args, '--out', out], root);
  if (r.code !== 0) throw new Error(`training failed (${r.code}):\n${r.stderr}`);
  const [runId] = readdirSync(join(out, 'runs'));
  return { dir: join(out, 'runs', runId), runId };
}

const cli = tabflowInProcess;

/** Runs a (ridge) and b (gbdt) trained on concrete; a is v1 in models/production. */
async function ridgeInProduction(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const a = await trainRun(root, 'ridge');
  const b = await trainRun(root, 'gbdt');
  const models = join(root, 'models');
  pointStage(
    models,
    'production',
    releaseFromRun(models, a.dir, { version: 1, stage: 'production', runId: a.runId }),
  );
  return { root, a, b, models };
}

function startServe(t: TestContext, args: string[], cwd: string) {
  const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TABFLOW_ADMIN_TOKEN: TOKEN, TABFLOW_ENV: '' },
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const base = new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m && /worker 2 ready/.test(stderr)) res(m[1]);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
  return { child, exited, base, out: () => ({ stdout, stderr }) };
}

test('serve --stage --workers 2 --config --env: config defaults, every worker follows the stage, admin needs the token', {
  timeout: 120_000,
}, async (t) => {
  const { root, a, b, models } = await ridgeInProduction('tabflow-serve-stage-');
  writeFileSync(
    join(root, 'serve.yaml'),
    [
      'serve: {port: 8080, log_level: info, reload_poll_ms: 60000}',
      'environments:',
      '  production:',
      '    serve: {port: 0, log_level: warn, reload_poll_ms: 100}',
      '',
    ].join('\n'),
  );
  const args = ['serve', '--stage', 'production', '--models-dir', models, '--workers', '2'];
  const srv = startServe(t, [...args, '--config', 'serve.yaml', '--env', 'production'], root);
  const base = await srv.base;
  // port 0 and the 100 ms poll come from environments.production, not the base section.
  assert.doesNotMatch(base, /:8080$/);
  assert.match(srv.out().stderr, /following .*models\/production \(every 100 ms, POST \/admin\/reload\)/);

  const rows = concreteRecords(20);
  const predict = async (i: number) => {
    const res = await fetch(`${base}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rows.slice(i % 15, (i % 15) + 2)),
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { model: { version: number; run_id: string } }).model;
  };
  const pids = async (version: number) => {
    const seen = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base}/metadata`, { signal: AbortSignal.timeout(20_000) });
      const md = (await res.json()) as { model: { version: number }; serving: { pid: number } };
      if (md.model.version === version) seen.add(md.serving.pid);
    }
    return seen;
  };
  for (let i = 0; i < 20; i++)
    assert.deepEqual(await predict(i), {
      name: 'concrete',
      family: 'ridge',
      run_id: a.runId,
      version: 1,
      stage: 'production',
    });
  assert.equal((await pids(1)).size, 2, 'both workers serve v1');

  pointStage(
    models,
    'production',
    releaseFromRun(models, b.dir, { version: 2, stage: 'production', runId: b.runId }),
  );
  // Each worker polls on its own: within a few polls both answer with v2.
  const t0 = Date.now();
  while ((await pids(2)).size < 2 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await pids(2)).size, 2, 'both workers moved to v2');
  for (let i = 0; i < 20; i++) assert.equal((await predict(i)).run_id, b.runId);

  const post = (headers: Record<string, string>) =>
    fetch(`${base}/admin/reload`, { method: 'POST', headers, signal: AbortSignal.timeout(20_000) });
  assert.equal((await post({})).status, 401);
  assert.equal((await post({ authorization: 'Bearer wrong-token' })).status, 403);
  const ok = await post({ authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { model: { version: number } }).model.version, 2);
  // No registry in this models folder: promote cannot work.
  const promote = await fetch(`${base}/admin/promote`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ version: 1, stage: 'production' }),
  });
  assert.equal(promote.status, 501);
  assert.match(((await promote.json()) as { message: string }).message, /No model registry in .*models/);

  srv.child.kill('SIGTERM');
  assert.equal(await srv.exited, 0, srv.out().stderr);
  // log_level warn (from the environment): no per-request info lines on stdout.
  assert.doesNotMatch(srv.out().stdout, /"msg":"request"/);
  const logFile = join(models, 'predictions.sqlite');
  const db = await openLogForReading(logFile);
  const byVersion = (await summarizeLog(db)).by_run.map((r) => [r.model_version, r.run_id, r.stage, r.rows]);
  const all = await collect(readLog(db));
  await db.close();
  assert.deepEqual(byVersion, [
    [1, a.runId, 'production', 40],
    [2, b.runId, 'production', 40],
  ]);
  assert.equal(all.length, 80);

  // `tabflow logs` shows the version per run and per row, and filters by it.
  const table = await cli(['logs', '--db', logFile, '--limit', '3']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, new RegExp(`${a.runId}.*│ v1 .*│ production .*│ 40 `));
  assert.match(table.stdout, new RegExp(`${b.runId}.*│ v2 .*│ production .*│ 40 `));
  assert.match(table.stdout, /latest 3:[\s\S]*│ version │[\s\S]*│ v2 /);
  const only2 = await cli(['logs', '--db', logFile, '--model-version', 'v2', '--json', '--limit', '1']);
  const summary = JSON.parse(only2.stdout);
  assert.equal(summary.rows, 40);
  assert.deepEqual(
    [summary.latest[0].model_version, summary.latest[0].stage, summary.latest[0].run_id],
    [2, 'production', b.runId],
  );
  const bad = await cli(['logs', '--db', logFile, '--model-version', 'two']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--model-version "two" is not allowed/);
});

test('serve --workers 2 without polling: one POST /admin/reload moves every worker', {
  timeout: 120_000,
}, async (t) => {
  const { root, b, models } = await ridgeInProduction('tabflow-serve-bcast-');
  const args = ['serve', '--stage', 'production', '--models-dir', models, '--workers', '2'];
  const srv = startServe(t, [...args, '--port', '0', '--reload-poll-ms', '0', '--log-level', 'warn'], root);
  const base = await srv.base;
  /** Versions answered, per worker pid, over enough requests to reach both workers. */
  const versions = async () => {
    const seen = new Map<number, Set<number>>();
    for (let i = 0; i < 16; i++) {
      const res = await fetch(`${base}/metadata`, { signal: AbortSignal.timeout(20_000) });
      const md = (await res.json()) as { model: { version: number }; serving: { pid: number } };
      if (!seen.has(md.serving.pid)) seen.set(md.serving.pid, new Set());
      seen.get(md.serving.pid)!.add(md.model.version);
    }
    return seen;
  };
  assert.deepEqual(
    [...(await versions()).values()].map((v) => [...v]),
    [[1], [1]],
  );
  pointStage(
    models,
    'production',
    releaseFromRun(models, b.dir, { version: 2, stage: 'production', runId: b.runId }),
  );
  // Nobody polls: the workers keep v1 until asked.
  assert.deepEqual(
    [...(await versions()).values()].map((v) => [...v]),
    [[1], [1]],
  );
  const ok = await fetch(`${base}/admin/reload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(ok.status, 200);
  // The worker that took the request told the other one through the primary.
  const t0 = Date.now();
  let seen = await versions();
  while ([...seen.values()].some((v) => v.has(1)) && Date.now() - t0 < 5000) seen = await versions();
  assert.equal(seen.size, 2, 'both workers answered');
  assert.deepEqual(
    [...seen.values()].map((v) => [...v]),
    [[2], [2]],
  );
  srv.child.kill('SIGTERM');
  assert.equal(await srv.exited, 0, srv.out().stderr);
});

test('serve option errors: --env without --config, --model with --stage, an empty stage, a bad stage', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-serve-opts-'));
  const cases: [string[], RegExp][] = [
    [['--env', 'production'], /--env production needs --config/],
    [['--model', root, '--stage', 'dev'], /--model cannot be combined with --stage/],
    [['--stage', 'staging', '--models-dir', root], /No model in stage staging: .* does not exist/],
    [['--stage', 'prod'], /--stage "prod" is not allowed: expected one of dev, staging, production/],
    [['--stage', 'dev', '--models-dir', root, '--reload-poll-ms', '-1'], /--reload-poll-ms "-1"/],
  ];
  for (const [args, want] of cases) {
    const r = await cli(['serve', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, want);
  }
});
