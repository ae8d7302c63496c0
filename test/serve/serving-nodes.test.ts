/**
 * Issue 13 end to end on this machine, every part its own process as on separate hosts: two
 * `tabflow worker` processes train over Redis; two `tabflow serve` nodes share the PostgreSQL
 * registry, prediction log and artifact store (each with its own cache, no models folder), under
 * continuous traffic. A promotion and a rollback made with the CLI on the training host reach both
 * nodes through the registry's notifications — their poll is a minute, so only a notification
 * explains a switch within seconds — with no failed request; and `tabflow logs` on the training
 * host sees every row both nodes answered (log.durability: ack).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TmpDir } from '../data/tmp-files.js';
import { tabflowAsync } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { freshSchema, pgSkip } from '../helpers/pg-schema.js';
import { dropQueue, redisSkip, TEST_REDIS } from '../helpers/redis.js';
import { concreteRecords, TARGET } from './model-fixture.js';

const skip = (await pgSkip()) || (await redisSkip());
const tmp = new TmpDir();
const entry = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const children: ChildProcess[] = [];
const QUEUE = `nodes-${process.pid}`;

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await dropQueue(QUEUE).catch(() => {});
  tmp.remove();
});

/** A new folder under the test's temp folder: one "host". */
function sub(name: string): string {
  const dir = tmp.path(name);
  mkdirSync(dir);
  return dir;
}

/** A tabflow process, resolved with it and its output so far once `ready` matches that output. */
function startTabflow(args: string[], cwd: string, ready: RegExp) {
  const c = spawn(process.execPath, ['--import', tsx, entry, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', TABFLOW_ENV: '' },
  });
  children.push(c);
  let out = '';
  return new Promise<{ child: ChildProcess; out: () => string; match: RegExpExecArray }>(
    (resolve, reject) => {
      const seen = (d: Buffer) => {
        out += d;
        const m = ready.exec(out);
        if (m) resolve({ child: c, out: () => out, match: m });
      };
      c.stdout!.on('data', seen);
      c.stderr!.on('data', seen);
      c.on('exit', (code) => reject(new Error(`tabflow ${args[0]} exited (${code}) before ready:\n${out}`)));
    },
  );
}

/** Requests sent round-robin to the nodes by `lanes` concurrent loops until stopped. */
function traffic(nodes: string[], lanes: number) {
  const records = concreteRecords(20);
  const answered: { node: number; version: number; sent: number; at: number; rows: number }[] = [];
  const failed: string[] = [];
  let running = true;
  let n = 0;
  const lane = async () => {
    while (running) {
      const i = n++;
      const node = i % nodes.length;
      const sent = Date.now();
      try {
        const res = await fetch(`${nodes[node]}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(records.slice(i % 18, (i % 18) + 2)),
          signal: AbortSignal.timeout(20_000),
        });
        const body = (await res.json()) as { model?: { version: number } };
        if (res.status !== 200) failed.push(`${res.status} ${JSON.stringify(body)}`);
        else answered.push({ node, version: body.model!.version, sent, at: Date.now(), rows: 2 });
      } catch (e) {
        failed.push((e as Error).message);
      }
    }
  };
  const loops = Array.from({ length: lanes }, lane);
  return {
    answered,
    failed,
    /** When every node first answered with `version` at or after `since` (ms), else null per node. */
    firstAnswer(version: number, since: number) {
      return nodes.map(
        (_, node) =>
          answered.find((a) => a.node === node && a.version === version && a.at >= since)?.at ?? null,
      );
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Resolves once `cond` holds, checked every 20 ms; rejects after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('two serving nodes on PostgreSQL follow a promotion and a rollback made on another host, without a failed request', {
  skip,
  timeout: 600_000,
}, async (t) => {
  const { uri } = freshSchema(t);
  const trainHost = sub('train-host');
  const models = join(trainHost, 'models');
  const storage = (cache?: string) =>
    [
      'storage:',
      `  uri: ${JSON.stringify(uri)}`,
      `  artifacts: ${JSON.stringify(uri)}`,
      ...(cache ? [`  artifact_cache: ${JSON.stringify(cache)}`] : []),
    ].join('\n');
  writeFileSync(join(trainHost, 'train.yaml'), `${storage()}\n`);
  await Promise.all(
    [0, 1].map(() =>
      startTabflow(['worker', '--queue', TEST_REDIS, '--queue-name', QUEUE], trainHost, /Ctrl-C to stop/),
    ),
  );

  const trainFamily = async (family: string) => {
    const r = await tabflowAsync(
      [
        'train',
        '--config',
        'train.yaml',
        '--data',
        join(DATA_DIR, 'concrete.csv'),
        '--target',
        TARGET,
        '--out',
        models,
        '--models',
        family,
        '--queue',
        TEST_REDIS,
        '--queue-name',
        QUEUE,
      ],
      trainHost,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /published run \S+ to postgres:\/\//);
    return r;
  };
  await trainFamily('ridge'); // v1, into production (the stage was empty)

  // Two nodes: no models folder, each its own cache; a one-minute poll.
  const nodes = await Promise.all(
    ['node-a', 'node-b'].map(async (name) => {
      const host = sub(name);
      const cache = join(host, 'cache');
      mkdirSync(cache);
      writeFileSync(
        join(host, 'node.yaml'),
        `${storage(cache)}\nserve:\n  reload_poll_ms: 60000\nlog:\n  durability: ack\n`,
      );
      const node = await startTabflow(
        ['serve', '--config', 'node.yaml', '--stage', 'production', '--port', '0'],
        host,
        /at (http:\/\/127\.0\.0\.1:\d+)[\s\S]*Ctrl-C to stop/,
      );
      assert.match(node.out(), /v1 \(ridge/);
      return { ...node, url: node.match[1] };
    }),
  );
  const load = traffic(
    nodes.map((n) => n.url),
    4,
  );
  await until(() => load.answered.length >= 40, 60_000, 'traffic on both nodes');

  await trainFamily('gbdt'); // v2, registered only
  const promoted = await tabflowAsync(
    [
      'models',
      'promote',
      '2',
      '--to',
      'production',
      '--force',
      '--config',
      'train.yaml',
      '--models-dir',
      models,
    ],
    trainHost,
  );
  assert.equal(promoted.code, 0, promoted.stderr);
  const promotedAt = Date.now();
  await until(() => load.firstAnswer(2, promotedAt).every((at) => at !== null), 30_000, 'both nodes on v2');
  const lagV2 = load.firstAnswer(2, promotedAt).map((at) => at! - promotedAt);

  const settledOn = (version: number, since: number) => {
    const at = load.firstAnswer(version, since);
    return [0, 1].every(
      (node) => load.answered.filter((a) => a.node === node && a.sent > at[node]!).length >= 10,
    );
  };
  await until(() => settledOn(2, promotedAt), 60_000, 'traffic on v2');
  const rollbackSent = Date.now();
  const rolledBack = await tabflowAsync(
    ['models', 'rollback', '--stage', 'production', '--config', 'train.yaml', '--models-dir', models],
    trainHost,
  );
  assert.equal(rolledBack.code, 0, rolledBack.stderr);
  const backAt = Date.now();
  // v1's release is in both caches already: the way back needs no download.
  await until(() => load.firstAnswer(1, backAt).every((at) => at !== null), 30_000, 'both nodes back on v1');
  const lagV1 = load.firstAnswer(1, backAt).map((at) => at! - backAt);
  await until(() => settledOn(1, backAt), 60_000, 'traffic after the rollback');
  await load.stop();

  t.diagnostic(`switch lag per node: promotion ${lagV2.join(', ')} ms; rollback ${lagV1.join(', ')} ms`);
  assert.deepEqual(load.failed, [], 'no request failed while the nodes switched');
  for (const lag of [...lagV2, ...lagV1]) {
    assert.ok(lag < 15_000, `a node switched after ${lag} ms: it was not told (its poll is 60 s)`);
  }
  // Once a node has answered with a version, requests sent to it after that get that version
  // (until the next move): no node flips back and forth.
  const v2At = load.firstAnswer(2, promotedAt);
  const v1At = load.firstAnswer(1, backAt);
  for (const node of [0, 1]) {
    const mine = load.answered.filter((a) => a.node === node);
    const onV2 = mine.filter((a) => a.sent > v2At[node]! && a.at < rollbackSent);
    const onV1 = mine.filter((a) => a.sent > v1At[node]!);
    assert.ok(onV2.length > 0 && onV1.length > 0, `node ${node} was measured on both versions`);
    assert.deepEqual(
      new Set(onV2.map((a) => a.version)),
      new Set([2]),
      `node ${node} after its switch to v2`,
    );
    assert.deepEqual(new Set(onV1.map((a) => a.version)), new Set([1]), `node ${node} after its switch back`);
  }

  // Every answered row is in the shared log, from both nodes, as seen from the training host.
  const logs = await tabflowAsync(['logs', '--storage', uri, '--models-dir', models, '--json'], trainHost);
  assert.equal(logs.code, 0, logs.stderr);
  const summary = JSON.parse(logs.stdout) as {
    rows: number;
    by_run: { model_version: number; rows: number }[];
  };
  const answeredRows = load.answered.reduce((s, a) => s + a.rows, 0);
  assert.equal(summary.rows, answeredRows, 'ack: every answered row is logged, none twice');
  const byVersion = new Map<number, number>();
  for (const r of summary.by_run)
    byVersion.set(r.model_version, (byVersion.get(r.model_version) ?? 0) + r.rows);
  const want = new Map<number, number>();
  for (const a of load.answered) want.set(a.version, (want.get(a.version) ?? 0) + a.rows);
  assert.deepEqual(byVersion, want);

  // An operator's host with nothing but the URI lists the registry, without repairing anything.
  const operator = sub('operator-host');
  const listed = await tabflowAsync(
    ['models', 'list', '--storage', uri, '--models-dir', join(operator, 'models'), '--json'],
    operator,
  );
  assert.equal(listed.code, 0, listed.stderr);
  assert.doesNotMatch(listed.stderr, /repair/, 'the runs live on the training host');
  const versions = JSON.parse(listed.stdout) as { version: number; stages: string[] }[];
  assert.deepEqual(
    versions.map((v) => [v.version, v.stages]),
    [
      [1, ['production']],
      [2, ['dev']],
    ],
  );

  // An A/B test started on the training host: both nodes load the challenger from the store at
  // once and put each customer on the same arm; `ab status` there counts both nodes' rows.
  const customers = concreteRecords(20).map((r, i) => ({ ...r, customer_id: `c${i}` }));
  const armsOn = async (url: string) => {
    const res = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customers),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { predictions: { model: { version: number } }[] };
    return body.predictions.map((p) => p.model.version).join('');
  };
  const ab = (args: string[]) =>
    tabflowAsync(['ab', ...args, '--storage', uri, '--models-dir', models, '--json'], trainHost);
  const start = await ab(['start', '2', '--weight', '0.5', '--key', 'customer_id']);
  assert.equal(start.code, 0, start.stderr);
  const startedAt = Date.now();
  const seen: string[][] = [[], []];
  const split = (arms: string) => arms.includes('1') && arms.includes('2');
  while (!seen.every((s) => s.some(split))) {
    assert.ok(
      Date.now() - startedAt < 15_000,
      `the nodes did not start the experiment: ${JSON.stringify(seen)}`,
    );
    for (const [i, n] of nodes.entries()) seen[i].push(await armsOn(n.url));
  }
  for (let k = 0; k < 5; k++) for (const [i, n] of nodes.entries()) seen[i].push(await armsOn(n.url));
  const during = seen.map((s) => s.filter(split));
  assert.equal(new Set([...during[0], ...during[1]]).size, 1, 'every customer on the same arm on both nodes');
  const status = await ab(['status']);
  assert.equal(status.code, 0, status.stderr);
  const st = JSON.parse(status.stdout) as {
    champion: { rows_logged: number };
    challenger: { rows_logged: number };
  };
  const pattern = during[0][0];
  const perRequest = { champion: pattern.split('1').length - 1, challenger: pattern.split('2').length - 1 };
  const requests = during[0].length + during[1].length;
  assert.deepEqual(
    { champion: st.champion.rows_logged, challenger: st.challenger.rows_logged },
    { champion: perRequest.champion * requests, challenger: perRequest.challenger * requests },
  );
  // Stopped on the training host: both nodes go back to the champion alone.
  const stop = await ab(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  const stoppedAt = Date.now();
  for (const n of nodes) {
    while ((await armsOn(n.url)) !== '1'.repeat(customers.length)) {
      assert.ok(Date.now() - stoppedAt < 15_000, 'a node kept the stopped experiment');
    }
  }
});
