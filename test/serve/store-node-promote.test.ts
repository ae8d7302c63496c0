/**
 * POST /admin/promote on a node that serves from the artifact store, with no models folder and no
 * copy of the training data: `tabflow train` published both runs with their data file; the
 * node's gate fetches both runs and the file into its cache and rebuilds the held-out rows from
 * them. Its decision is the one `tabflow models promote` made on the training host — same rows
 * by source (TEST of both runs and feedback from the shared log), same numbers — and the node,
 * another node (through the registry's notifications alone) and then the training host's
 * folder follow the move. An operator's host promotes and rolls back with the CLI the same way. A run published before runs carried
 * their data is refused with what is missing and how to fix it; `tabflow storage publish` on the
 * training host fixes it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { readRegistryStamp } from '../../src/registry/index.js';
import { type RunningServer, startServer } from '../../src/serve/start-server.js';
import { useStorage } from '../../src/store/storage-setting.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { freshSchema, pgQuery, pgSkip } from '../helpers/pg-schema.js';
import { TARGET } from './model-fixture.js';

const skip = await pgSkip();
const TOKEN = 'store-node-admin-token-0123456789';
/** What the gate decided and on which rows: must be equal wherever it ran. */
const GATE_KEYS = [
  'decision',
  'passed',
  'metric',
  'greater_is_better',
  'candidate',
  'incumbent',
  'improvement_abs',
  'improvement_rel',
  'thresholds',
  'rows',
  'eval',
  'same_split',
  'version',
  'from_version',
] as const;

/**
 * A training host (its own folder, the data file copied in and named relatively, as a user
 * would) with v1 ridge in production and v2 gbdt in dev, both published to PostgreSQL with the
 * registry and the log.
 */
async function trainingHost(uri: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tabflow-train-host-'));
  copyFileSync(join(DATA_DIR, 'concrete.csv'), join(dir, 'concrete.csv'));
  writeFileSync(
    join(dir, 'train.yaml'),
    `storage:\n  uri: ${JSON.stringify(uri)}\n  artifacts: ${JSON.stringify(uri)}\n`,
  );
  const cli = async (args: string[]) => {
    const r = await tabflowInProcess([...args, '--config', 'train.yaml', '--models-dir', 'models'], dir);
    assert.equal(r.code, 0, `tabflow ${args.join(' ')}:\n${r.stderr}${r.stdout}`);
    return r;
  };
  for (const family of ['ridge', 'gbdt']) {
    const r = await cli(['train', '--data', 'concrete.csv', '--target', TARGET, '--models', family]);
    assert.match(r.stdout, /published run \S+ to postgres:\/\/.*\n {2}with its training data concrete\.csv/);
  }
  return { dir, cli };
}

/** A node: an empty folder, the shared stores' URIs, a cache; the admin routes on. */
async function storeNode(t: TestContext, uri: string): Promise<{ server: RunningServer; cache: string }> {
  const host = mkdtempSync(join(tmpdir(), 'tabflow-store-node-'));
  const cache = join(host, 'cache');
  // What `tabflow serve --config node.yaml` does with `storage.uri` in node.yaml.
  useStorage({ uri });
  const server = await startServer({
    stage: 'production',
    modelsDir: join(host, 'models'),
    port: 0,
    signals: [],
    reloadPollMs: 0,
    log: { durability: 'ack' },
    adminToken: TOKEN,
    artifacts: { artifacts: uri, cacheDir: cache },
  });
  t.after(async () => {
    await server.close();
    useStorage({});
  });
  assert.equal(existsSync(join(host, 'models')), false, 'the node has no models folder');
  return { server, cache };
}

async function post(url: string, path: string, body: unknown, token?: string) {
  const r = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    body: (await r.json()) as Record<string, unknown> & { decision?: Record<string, unknown> },
  };
}

/**
 * Labelled traffic through the node into the shared log: concrete rows with their age moved by a
 * day (rows neither model trained on, so the gate can use them), and their true strength.
 */
async function labelledTraffic(url: string, n: number): Promise<number> {
  const lines = readFileSync(join(DATA_DIR, 'concrete.csv'), 'utf8').trim().split('\n');
  const names = lines[0].split(',').map((s) => s.replace(/"/g, ''));
  const rows = lines
    .slice(1, n + 1)
    .map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j], Number(v)])));
  const records = rows.map(({ [TARGET]: _, ...r }) => ({ ...r, age: (r.age as number) + 1 }));
  const p = await post(url, '/predict', records);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const items = rows.map((r, i) => ({ request_id: p.body.request_id, row: i, actual: r[TARGET] }));
  const f = await post(url, '/feedback', items);
  assert.equal(f.status, 200, JSON.stringify(f.body));
  return items.length;
}

/** Resolves once `cond` holds, checked every 10 ms; rejects after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pick = (d: Record<string, unknown>) => Object.fromEntries(GATE_KEYS.map((k) => [k, d[k]]));

test('a store node promotes through the gate on the training data from the store, deciding as the training host does', {
  skip,
  timeout: 300_000,
}, async (t) => {
  const { uri } = freshSchema(t);
  const host = await trainingHost(uri);
  const { server, cache } = await storeNode(t, uri);
  // A second node that never polls: only the registry's notifications move it.
  const { server: other } = await storeNode(t, uri);
  assert.equal(server.model.version, 1);
  assert.equal(await labelledTraffic(server.url, 60), 60);

  // On the training host, with the models folder and the data file: the CLI's decision.
  const cliPromote = await host.cli(['models', 'promote', '2', '--to', 'production', '--json']);
  const onHost = JSON.parse(cliPromote.stdout) as Record<string, unknown>;
  assert.equal(onHost.decision, 'passed', cliPromote.stdout);
  await host.cli(['models', 'rollback', '--stage', 'production']);

  // The node cannot see the training host at all; the same promotion through its admin API.
  renameSync(host.dir, `${host.dir}-unreachable`);
  assert.equal((await server.source.reload()).model.version, 1);
  await until(() => other.source.current().version === 1, 10_000, 'the other node back on v1');
  const res = await post(server.url, '/admin/promote', { version: 2, stage: 'production' }, TOKEN);
  const answered = Date.now();
  assert.equal(res.status, 200, JSON.stringify(res.body));
  // The other node hears of it through the registry (it never polls).
  await until(() => other.source.current().version === 2, 10_000, 'the other node on v2');
  t.diagnostic(`the other node served v2 ${Date.now() - answered} ms after the admin API answered`);
  const onNode = res.body.decision as Record<string, unknown>;
  assert.deepEqual(pick(onNode), pick(onHost), 'the same rows and the same numbers');
  const sources = (onNode.rows as { sources: { source: string; used: number; duplicates: number }[] })
    .sources;
  assert.deepEqual(
    sources.map((s) => s.source),
    ['test-of-v2', 'test-of-v1', 'feedback'],
  );
  // Both runs share one split (same file, same seed): v1's TEST rows are v2's, counted once.
  assert.deepEqual(
    sources.map((s) => [s.used, s.duplicates]),
    [
      [202, 0],
      [0, 202],
      [60, 0],
    ],
  );
  assert.match(String(onNode.actor), /^admin-api /);
  // The node serves v2 at once; what it fetched to judge is in its cache, nothing else.
  assert.equal((res.body.reload as { model: { version: number } }).model.version, 2);
  assert.equal(server.source.current().version, 2);
  assert.deepEqual(readdirSync(join(cache, 'runs')).length, 2);
  assert.deepEqual(
    readdirSync(join(cache, 'data')).map((n) => n.replace(/^[0-9a-f]{64}-/, '')),
    ['concrete.csv'],
  );
  renameSync(`${host.dir}-unreachable`, host.dir);

  // The training host's folder follows the move made on the node when it next opens the registry.
  const listed = await host.cli(['models', 'list', '--json']);
  assert.match(
    listed.stderr,
    /production moved in the shared registry: its link here now points to production-v2-/,
  );
  assert.equal(readRegistryStamp(realpathSync(join(host.dir, 'models', 'production')))?.version, 2);
  const history = JSON.parse(
    (await host.cli(['models', 'history', '--stage', 'production', '--json'])).stdout,
  ) as {
    type: string;
    version: number;
    decision: string | null;
    actor: string;
  }[];
  assert.deepEqual(
    history
      .filter((e) => e.type === 'promote' || e.type === 'rollback')
      .map((e) => [e.type, e.version, e.decision, e.actor.startsWith('admin-api')]),
    [
      ['promote', 1, 'no_incumbent', false],
      ['promote', 2, 'passed', false],
      ['rollback', 1, 'rollback', false],
      ['promote', 2, 'passed', true],
    ],
  );
});

test('a run published before runs carried their data: the node says what is missing and how to fix it; storage publish fixes it', {
  skip,
  timeout: 300_000,
}, async (t) => {
  const { schema, uri } = freshSchema(t);
  const host = await trainingHost(uri);
  // The store as an older tabflow left it: the runs, and no training data (no refs, no blobs).
  const refs = await pgQuery(
    `DELETE FROM "${schema}".artifact_refs WHERE name LIKE 'data/%' RETURNING sha256`,
  );
  assert.equal(refs.rowCount, 2);
  const dataSha = createHash('sha256')
    .update(readFileSync(join(DATA_DIR, 'concrete.csv')))
    .digest('hex');
  const blobs = [dataSha, ...refs.rows.map((r: { sha256: string }) => r.sha256)];
  await pgQuery(
    `DELETE FROM "${schema}".artifact_chunks WHERE upload IN
       (SELECT upload FROM "${schema}".artifact_blobs WHERE sha256 = ANY($1))`,
    [blobs],
  );
  await pgQuery(`DELETE FROM "${schema}".artifact_blobs WHERE sha256 = ANY($1)`, [blobs]);
  const { server } = await storeNode(t, uri);

  const refused = await post(server.url, '/admin/promote', { version: 2, stage: 'production' }, TOKEN);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.error, 'gate_data_unpublished');
  // Run ids by version from the registry (two runs trained in the same second sort at random).
  const versions = JSON.parse((await host.cli(['models', 'list', '--json'])).stdout) as {
    version: number;
    run_id: string;
  }[];
  const runId = (v: number) => versions.find((r) => r.version === v)?.run_id;
  assert.match(
    String(refused.body.message),
    new RegExp(
      `rebuilds v2's split: The training data of run ${runId(2)} \\(concrete\\.csv, sha256 [0-9a-f]{12}…\\) is not in the ` +
        'artifact store postgres://.*published before tabflow published training data with its runs\\. Publish it from the ' +
        'training host, where the file is \\(tabflow storage publish --models-dir <models folder> --artifacts <this store>\\), ' +
        'or promote from there',
    ),
  );
  assert.doesNotMatch(String(refused.body.message), /\n\s+at /, 'no stack trace');
  assert.equal(server.source.current().version, 1, 'nothing moved');

  // On the training host: the runs again, which adds only their data.
  const published = await host.cli(['storage', 'publish']);
  assert.match(
    published.stdout,
    /^v1: published run \S+ to postgres:\/\/\S+ \(manifest [0-9a-f]{64}, 0 new blobs\)\n {2}with its training data concrete\.csv \(sha256 [0-9a-f]{12}…, 40450 bytes, 2 new blobs\)/m,
  );
  assert.match(
    published.stdout,
    /^v2: published run .*0 new blobs\)\n {2}with its training data concrete\.csv .*1 new blobs\)/m,
  );
  const passed = await post(server.url, '/admin/promote', { version: 2, stage: 'production' }, TOKEN);
  assert.equal(passed.status, 200, JSON.stringify(passed.body));
  assert.equal(passed.body.decision?.decision, 'passed');
  assert.equal(server.source.current().version, 2);

  // An operator's host: no models folder, the URIs and a cache in its config. The CLI gates there
  // as the node does (v1 back is refused: the numbers swapped), and rolls back; the node follows.
  const op = mkdtempSync(join(tmpdir(), 'tabflow-operator-'));
  writeFileSync(
    join(op, 'op.yaml'),
    `storage:\n  uri: ${JSON.stringify(uri)}\n  artifacts: ${JSON.stringify(uri)}\n  artifact_cache: cache\n`,
  );
  const opCli = (args: string[]) =>
    tabflowInProcess([...args, '--config', 'op.yaml', '--models-dir', 'models', '--json'], op);
  const back = await opCli(['models', 'promote', '1', '--to', 'production']);
  assert.equal(back.code, 3, back.stderr);
  const refusedBack = JSON.parse(back.stdout) as Record<string, number | string>;
  const onNode = passed.body.decision as Record<string, number>;
  assert.equal(refusedBack.decision, 'refused');
  assert.ok(Math.abs((refusedBack.candidate as number) - onNode.incumbent) < 1e-9 * onNode.incumbent);
  assert.ok(Math.abs((refusedBack.incumbent as number) - onNode.candidate) < 1e-9 * onNode.candidate);
  const rolled = await opCli(['models', 'rollback', '--stage', 'production']);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.equal((await server.source.reload()).model.version, 1);
  assert.deepEqual(readdirSync(join(op, 'models')), [], 'nothing written in its folder');
});
