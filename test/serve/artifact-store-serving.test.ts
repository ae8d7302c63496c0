/**
 * Issue 13, step 2 end to end: `tabflow train` with `storage.artifacts` on PostgreSQL publishes
 * the run; "another host" — a temp folder with no access to the training host's models folder,
 * an empty cache — materialises it and predicts exactly what the original folder predicts, and
 * `startServer` serves the registry's production stage from the store, following a promotion.
 * A byte changed in the store or in the cache is refused with the file, expected and actual hash.
 */
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InferencePipeline } from '../../src/inference/index.js';
import { materialiseRun, runRef } from '../../src/registry/run-publication.js';
import { startServer } from '../../src/serve/start-server.js';
import { fetchManifest, openArtifactStore } from '../../src/store/artifacts/index.js';
import { registryUriOf } from '../../src/store/open-stores.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';
import { freshSchema, pgQuery, pgSkip } from '../helpers/pg-schema.js';
import { concreteRecords, TARGET } from './model-fixture.js';

const skip = await pgSkip();
const DATA = join(DATA_DIR, 'concrete.csv');
const RUN_FILES = [
  'config.yaml',
  'metadata.json',
  'metadata.json.sha256',
  'model.json',
  'preprocessor.json',
  'profile.json',
  'results.json',
];

/** A fresh training host: a temp folder and the models folder inside it. */
function trainingHost(): { trainHost: string; models: string } {
  const trainHost = mkdtempSync(join(tmpdir(), 'tabflow-train-host-'));
  return { trainHost, models: join(trainHost, 'models') };
}

/** `tabflow train` into `models` with storage.artifacts = `uri`; the run id it published. */
async function trainPublished(dir: string, models: string, uri: string, extra: string[] = []) {
  const config = join(dir, 'tabflow.yaml');
  writeFileSync(config, `storage:\n  artifacts: ${JSON.stringify(uri)}\n`);
  const args = ['train', '--config', config, '--data', DATA, '--target', TARGET, '--out', models];
  const r = await tabflowInProcess([...args, '--models', 'ridge', ...extra], dir);
  assert.equal(r.code, 0, r.stderr);
  const m = /published run (\S+) to (postgres:\/\/\S+) \(manifest ([0-9a-f]{64}), (\d+) new blobs\)/.exec(
    r.stdout,
  );
  assert.ok(m, r.stdout);
  return { runId: m[1], manifest: m[3], created: Number(m[4]) };
}

const predictionsOf = (p: InferencePipeline, records: Record<string, number>[]) =>
  p.predict(records).map((r) => r.prediction);

test('a run published to PostgreSQL is materialised on another host and predicts the same', {
  skip,
}, async (t) => {
  const { schema, uri } = freshSchema(t);
  const { trainHost, models } = trainingHost();
  const run = await trainPublished(trainHost, models, uri);
  assert.equal(run.created, RUN_FILES.length + 1, 'every file and the manifest are new blobs');
  const records = concreteRecords(25);
  const want = predictionsOf(InferencePipeline.load(join(models, 'runs', run.runId)), records);
  // The other host cannot see the training host's folder at all.
  renameSync(models, `${models}-unreachable`);

  const host = mkdtempSync(join(tmpdir(), 'tabflow-other-host-'));
  const store = await openArtifactStore(uri);
  t.after(() => store.close());
  assert.equal(await store.getRef(runRef(run.runId)), run.manifest);
  const m = await materialiseRun(store, run.runId, join(host, 'cache'));
  assert.deepEqual(readdirSync(m.dir).sort(), RUN_FILES);
  assert.equal(m.written, RUN_FILES.length);
  assert.deepEqual(predictionsOf(InferencePipeline.load(m.dir), records), want);
  assert.equal((await materialiseRun(store, run.runId, join(host, 'cache'))).written, 0, 'cache reused');

  // A byte of model.json changed in the store: a fresh cache refuses it, naming the hashes.
  const manifest = await fetchManifest(store, run.manifest);
  const model = manifest.files['model.json'].sha256;
  await pgQuery(
    `UPDATE "${schema}".artifact_chunks c SET data = set_byte(data, 10, (get_byte(data, 10) + 1) % 256)
     FROM "${schema}".artifact_blobs b WHERE b.sha256 = $1 AND c.upload = b.upload AND c.idx = 0`,
    [model],
  );
  await assert.rejects(
    materialiseRun(store, run.runId, join(host, 'fresh-cache')),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'blob_corrupt');
      assert.match(
        e.message,
        new RegExp(
          `blob ${model} in postgres://.* is corrupt: its bytes hash to sha256 [0-9a-f]{64}, expected ${model}`,
        ),
      );
      return true;
    },
  );
  assert.deepEqual(readdirSync(join(host, 'fresh-cache', 'runs')), [], 'nothing half-written is left');

  // A byte changed in the cached folder: refused, naming the file.
  writeFileSync(join(m.dir, 'preprocessor.json'), '{}');
  await assert.rejects(
    materialiseRun(store, run.runId, join(host, 'cache')),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'blob_corrupt');
      assert.match(
        e.message,
        /preprocessor\.json is corrupt: its sha256 is [0-9a-f]{64}, the manifest of .* records [0-9a-f]{64}/,
      );
      return true;
    },
  );
});

test('serve follows the registry stage from the PostgreSQL store through a local cache', {
  skip,
  timeout: 300_000,
}, async (t) => {
  const { uri } = freshSchema(t);
  const { trainHost, models } = trainingHost();
  const v1 = await trainPublished(trainHost, models, uri);
  const records = concreteRecords(10);
  const want1 = predictionsOf(InferencePipeline.load(join(models, 'runs', v1.runId)), records);

  // The serving host: a copy of the registry's records and an empty cache, nothing else.
  const host = mkdtempSync(join(tmpdir(), 'tabflow-serving-host-'));
  mkdirSync(join(host, 'models'));
  for (const f of readdirSync(models).filter((n) => n.startsWith('registry.sqlite'))) {
    cpSync(join(models, f), join(host, 'models', f));
  }
  const cacheDir = join(host, 'cache');
  const server = await startServer({
    stage: 'production',
    modelsDir: join(host, 'models'),
    port: 0,
    logFile: false,
    signals: [],
    reloadPollMs: 0,
    artifacts: { artifacts: uri, cacheDir },
  });
  t.after(() => server.close());
  assert.equal(server.model.version, 1);
  assert.equal(server.model.run_id, v1.runId);
  assert.match(String(server.source.follows), /^postgres:\/\/.*\(stage production of sqlite:/);
  const body = await predict(server.url, records);
  assert.deepEqual(
    body.predictions.map((p) => p.prediction),
    want1,
  );
  assert.deepEqual(readdirSync(join(cacheDir, 'releases')), [
    `production-v1-${v1.runId}-${readStampSha(cacheDir)}`,
  ]);

  // A second version promoted on the training host; this server reads that registry now.
  const v2 = await trainPublished(trainHost, models, uri, ['--models', 'gbdt']);
  const r = await tabflowInProcess(
    ['models', 'promote', '2', '--to', 'production', '--force', '--models-dir', models],
    trainHost,
  );
  assert.equal(r.code, 0, r.stderr);
  const server2 = await startServer({
    stage: 'production',
    port: 0,
    logFile: false,
    signals: [],
    reloadPollMs: 0,
    modelsDir: join(host, 'models'),
    artifacts: { artifacts: uri, cacheDir, registry: registryUriOf(models) },
  });
  t.after(() => server2.close());
  assert.equal(server2.model.version, 2);
  assert.equal(server2.model.run_id, v2.runId);
  const want2 = predictionsOf(InferencePipeline.load(join(models, 'runs', v2.runId)), records);
  assert.deepEqual(
    (await predict(server2.url, records)).predictions.map((p) => p.prediction),
    want2,
  );
  // Rolled back on the training host: the server swaps back to v1 from its cache on reload.
  const back = await tabflowInProcess(
    ['models', 'rollback', '--stage', 'production', '--models-dir', models],
    trainHost,
  );
  assert.equal(back.code, 0, back.stderr);
  const reloaded = await server2.source.reload();
  assert.equal(reloaded.status, 'loaded', reloaded.error);
  assert.equal(server2.source.current().version, 1);
  assert.deepEqual(
    (await predict(server2.url, records)).predictions.map((p) => p.prediction),
    want1,
  );

  // v2's cached release damaged, then v2 promoted again: the reload refuses it, v1 keeps serving.
  const [cachedV2] = readdirSync(join(cacheDir, 'releases')).filter((n) => n.startsWith('production-v2-'));
  writeFileSync(join(cacheDir, 'releases', cachedV2, 'model.json'), '{"kind":"evil"}');
  const again = await tabflowInProcess(
    ['models', 'promote', '2', '--to', 'production', '--force', '--models-dir', models],
    trainHost,
  );
  assert.equal(again.code, 0, again.stderr);
  const refused = await server2.source.reload();
  assert.equal(refused.status, 'failed');
  assert.match(
    String(refused.error),
    /model\.json is corrupt: its sha256 is [0-9a-f]{64}, the manifest of .* records/,
  );
  assert.equal(server2.source.current().version, 1);
  assert.deepEqual(
    (await predict(server2.url, records)).predictions.map((p) => p.prediction),
    want1,
  );
});

test("tabflow retrain publishes its challenger to the production run's artifact store", {
  skip,
  timeout: 300_000,
}, async (t) => {
  const { uri } = freshSchema(t);
  const { trainHost, models } = trainingHost();
  const v1 = await trainPublished(trainHost, models, uri);
  // New labelled rows: the last 200 of concrete (same columns).
  const lines = readFileSync(DATA, 'utf8').trim().split('\n');
  writeFileSync(join(trainHost, 'new.csv'), `${[lines[0], ...lines.slice(-200)].join('\n')}\n`);
  const r = await tabflowInProcess(
    ['retrain', '--data', 'new.csv', '--then', 'none', '--models-dir', models, '--json'],
    trainHost,
  );
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { challenger: { run_id: string }; published?: { runId: string } };
  assert.notEqual(out.challenger.run_id, v1.runId);
  assert.equal(out.published?.runId, out.challenger.run_id);
  // Another host materialises the challenger from the store alone.
  const store = await openArtifactStore(uri);
  t.after(() => store.close());
  const m = await materialiseRun(store, out.challenger.run_id, join(trainHost, 'other-host-cache'));
  assert.equal(InferencePipeline.load(m.dir).runId, out.challenger.run_id);
});

function readStampSha(cacheDir: string): string {
  const [name] = readdirSync(join(cacheDir, 'releases'));
  return name.slice(-12);
}

async function predict(url: string, records: Record<string, number>[]) {
  const r = await fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  assert.equal(r.status, 200);
  return (await r.json()) as { predictions: { prediction: number }[] };
}
