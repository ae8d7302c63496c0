/**
 * Issue 11, item 11: the admin token never reaches the log (`?access_token=`, or the token pasted
 * anywhere in a URL); `Authorization: bearer` (any case) is accepted; a server with admin routes
 * bound to anything but loopback warns that the token travels in clear text; `tabflow serve
 * --host 0.0.0.0 --port 0` prints the port it got and the addresses behind the wildcard.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { bearerChecker, createServer, StageFollower } from '../../src/serve/index.js';
import { adminExposureWarning, describeListen, listenInfo } from '../../src/serve/listen-address.js';
import { REDACTED, redactUrl } from '../../src/serve/redact-url.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { TARGET } from './model-fixture.js';
import { fakeLoader, fakePipeline, fakeRelease, pointStage } from './stage-fixture.js';

const TOKEN = 'exposure-test-token-0123456789abcdef';

function capture() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { lines, logger };
}

test('bearerChecker: the scheme is case-insensitive (RFC 7235), spaces after it are allowed', () => {
  const check = bearerChecker(TOKEN);
  for (const h of [`bearer ${TOKEN}`, `BEARER ${TOKEN}`, `bEaReR ${TOKEN}`, `Bearer  ${TOKEN}`]) {
    assert.equal(check(h), 'ok', h);
  }
  assert.equal(check(`bearer ${TOKEN}x`), 'wrong');
  assert.equal(check(`bearer${TOKEN}`), 'malformed');
  assert.equal(check(`Basic ${TOKEN}`), 'malformed');
});

test('redactUrl: credential-like query values and the admin token wherever it appears', () => {
  assert.equal(redactUrl('/predict?interval=true'), '/predict?interval=true');
  assert.equal(redactUrl('/x?access_token=abc&interval=1'), `/x?access_token=${REDACTED}&interval=1`);
  assert.equal(
    redactUrl('/x?api_key=1&apiKey=2&password=3&client_secret=4&Authorization=5&explain=yes'),
    `/x?api_key=${REDACTED}&apiKey=${REDACTED}&password=${REDACTED}&client_secret=${REDACTED}&Authorization=${REDACTED}&explain=yes`,
  );
  // Percent-encoded parameter names are decoded before the check.
  assert.equal(redactUrl('/x?access%5Ftoken=abc'), `/x?access%5Ftoken=${REDACTED}`);
  assert.equal(
    redactUrl(`/admin/${TOKEN}/reload?t=${TOKEN}`, [TOKEN]),
    `/admin/${REDACTED}/reload?t=${REDACTED}`,
  );
  assert.equal(redactUrl(`/x?q=${encodeURIComponent(`a ${TOKEN}`)}`, [`a ${TOKEN}`]), `/x?q=${REDACTED}`);
});

test('the admin token in ?access_token= or the path is never logged; lowercase bearer is accepted', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-exposure-'));
  pointStage(
    root,
    'production',
    fakeRelease(root, { runId: 'run-a', base: 0 }, { version: 1, stage: 'production' }),
  );
  const source = await StageFollower.open({ link: join(root, 'production'), load: fakeLoader(), pollMs: 0 });
  const { lines, logger } = capture();
  const app = await createServer({ source, admin: { token: TOKEN }, logger });
  const refused = await app.inject({ method: 'POST', url: `/admin/reload?access_token=${TOKEN}` });
  assert.equal(refused.statusCode, 401);
  const lost = await app.inject({ method: 'GET', url: `/metadata/${TOKEN}?api_key=k-123456` });
  assert.equal(lost.statusCode, 404);
  const lower = await app.inject({
    method: 'POST',
    url: '/admin/reload',
    headers: { authorization: `bearer ${TOKEN}` },
  });
  assert.equal(lower.statusCode, 200, lower.body);
  await app.close();
  const text = lines.join('');
  assert.ok(lines.some((l) => l.includes('admin request refused')));
  assert.ok(!text.includes(TOKEN), 'the token is in the log');
  assert.ok(!text.includes('k-123456'), 'the api key is in the log');
  assert.ok(text.includes(`/admin/reload?access_token=${REDACTED}`));
});

test('listenInfo: real port, wildcard expanded to the interfaces, exposure and its warning', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4' }],
    eth0: [
      { address: '10.1.2.3', family: 'IPv4' },
      { address: 'fe80::1', family: 'IPv6' },
    ],
  } as never;
  const at = (address: string, family = 'IPv4'): AddressInfo => ({ address, family, port: 41234 });
  const loop = listenInfo([at('127.0.0.1')], ifaces);
  assert.equal(loop.url, 'http://127.0.0.1:41234');
  assert.equal(loop.exposed, false);
  assert.equal(adminExposureWarning(loop, true), null);
  const both = listenInfo([at('127.0.0.1'), at('::1', 'IPv6')], ifaces);
  assert.equal(describeListen(both), 'http://127.0.0.1:41234, http://[::1]:41234');
  const any = listenInfo([at('0.0.0.0')], ifaces);
  assert.equal(any.exposed, true);
  assert.equal(any.url, 'http://127.0.0.1:41234');
  assert.equal(
    describeListen(any),
    '0.0.0.0:41234 (every interface: http://127.0.0.1:41234, http://10.1.2.3:41234)',
  );
  assert.match(adminExposureWarning(any, true) ?? '', /0\.0\.0\.0:41234 over plain HTTP.*clear text/);
  assert.equal(adminExposureWarning(any, false), null);
  assert.equal(listenInfo([at('10.1.2.3')], ifaces).exposed, true);
});

test('createServer with admin routes warns once it listens beyond loopback, not on 127.0.0.1', async () => {
  for (const [host, warns] of [
    ['0.0.0.0', true],
    ['127.0.0.1', false],
  ] as const) {
    const { lines, logger } = capture();
    const app = await createServer({ pipeline: fakePipeline('r', 0), admin: { token: TOKEN }, logger });
    await app.listen({ host, port: 0 });
    await app.close();
    const warned = lines.some((l) => /"level":40/.test(l) && /clear text/.test(l));
    assert.equal(warned, warns, host);
  }
  // Without admin routes there is nothing to warn about.
  const { lines, logger } = capture();
  const app = await createServer({ pipeline: fakePipeline('r', 0), logger });
  await app.listen({ host: '0.0.0.0', port: 0 });
  await app.close();
  assert.ok(!lines.some((l) => /clear text/.test(l)));
});

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
  return new Promise<string>((res, rej) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/Ctrl-C to stop/.test(stderr)) res(stderr);
    });
    child.on('exit', () => rej(new Error(`serve exited early:\n${stderr}`)));
  });
}

test('tabflow serve --host 0.0.0.0 --port 0 with an admin token: the port it got, the interfaces, a warning', {
  timeout: 60_000,
}, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'tabflow-exposure-cli-'));
  const args = ['train', '--data', join(DATA_DIR, 'concrete.csv'), '--target', TARGET, '--models', 'ridge'];
  const r = await tabflowInProcess([...args, '--out', 'models'], root);
  assert.equal(r.code, 0, r.stderr);
  const [runId] = readdirSync(join(root, 'models', 'runs'));
  const model = join(root, 'models', 'runs', runId);
  const stderr = await startServe(t, ['serve', '--model', model, '--host', '0.0.0.0', '--port', '0'], root);
  const m = /at 0\.0\.0\.0:(\d+) \(every interface: http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
  assert.ok(m, stderr);
  assert.notEqual(m[1], '0');
  assert.equal(m[1], m[2]);
  assert.match(
    stderr,
    /warning: admin routes are on and the server listens on 0\.0\.0\.0:\d+ over plain HTTP/,
  );
  assert.match(stderr, new RegExp(`docs http://127\\.0\\.0\\.1:${m[1]}/docs`));
  const health = await fetch(`http://127.0.0.1:${m[1]}/health`);
  assert.equal(health.status, 200);
});
