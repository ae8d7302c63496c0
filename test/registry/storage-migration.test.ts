/**
 * Issue 13, step 5: a real models folder (three trained versions, stages, an alias, logged
 * predictions and feedback) migrated to a fresh PostgreSQL schema and checked record by record;
 * then the ways it must refuse or notice: a non-empty target, a target changed after the copy, a
 * source changed since, a corrupt blob, and a migration that stopped half-way and is resumed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  fetchManifest,
  InferencePipeline,
  type MigrationProgress,
  materialiseRun,
  migrateStorage,
  openArtifactStore,
  openStores,
  type PredictionStore,
  type RegistryStore,
  runRef,
  startServer,
} from '../../src/internal.js';
import { tabflowInProcess } from '../helpers/cli.js';
import { collect } from '../helpers/collect.js';
import { freshSchema, pgQuery, pgSkip } from '../helpers/pg-schema.js';
import { prediction } from '../log/prediction-store-conformance.js';
import { concreteRecords } from '../serve/model-fixture.js';
import { threeVersions } from './fixture.js';

const skip = await pgSkip();

const ROWS = 23;

/** The three-version folder with v2 in staging, an alias, 23 logged rows and 4 actuals. */
async function project(): Promise<string> {
  const root = await threeVersions();
  for (const args of [
    ['models', 'promote', '2', '--to', 'staging', '--force', '--reason', 'try it'],
    ['models', 'alias', 'champion', '1'],
  ]) {
    const r = await tabflowInProcess([...args, '--models-dir', root], root);
    assert.equal(r.code, 0, r.stderr);
  }
  const s = await openStores(
    { log: `sqlite:${join(root, 'predictions.sqlite')}` },
    { logAccess: 'feedback' },
  );
  try {
    await s.log.append(
      Array.from({ length: ROWS }, (_, i) =>
        prediction(i, i === 5 ? { status: 'rejected', prediction: null, lower: null, upper: null } : {}),
      ),
    );
    await s.log.addFeedback(
      [0, 1, 2, 7].map((i) => ({
        ts: 9e12 + i,
        request_id: `req-${i}`,
        row: 0,
        actual: 3.25 * i,
        source: 'api',
      })),
    );
  } finally {
    await s.close();
  }
  return root;
}

function source(root: string) {
  return {
    registry: `sqlite:${join(root, 'registry.sqlite')}`,
    log: `sqlite:${join(root, 'predictions.sqlite')}`,
    runs: { root },
  };
}

function target(t: TestContext) {
  const { schema, uri } = freshSchema(t);
  return { schema, to: { registry: uri, log: uri, artifacts: uri } };
}

async function withStores<T>(
  registry: string,
  log: string,
  fn: (r: RegistryStore, l: PredictionStore) => Promise<T>,
): Promise<T> {
  const s = await openStores({ registry, log }, { logAccess: 'read' });
  try {
    return await fn(s.registry, s.log);
  } finally {
    await s.close();
  }
}

/** Everything a store holds, ids of rows and events left out (a target numbers them itself). */
async function contents(registry: string, log: string) {
  return withStores(registry, log, async (r, l) => ({
    versions: await r.listVersions(),
    stages: await r.getStages(),
    aliases: await r.getAliases(),
    events: (await r.listEvents()).map(({ id: _, ...e }) => e),
    model: await r.getMeta('model_name'),
    predictions: (await collect(l.predictions())).map(({ id: _, ...p }) => p),
    feedback: (await collect(l.feedbackRows())).map(({ id: _, ...f }) => f),
  }));
}

const code = (c: string, message?: RegExp) => (e: Error & { code?: string }) => {
  assert.equal(e.code, c, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

describe('migrateStorage', { skip }, () => {
  it('copies a models folder to PostgreSQL: registry, log, feedback and runs, verified', async (t) => {
    const root = await project();
    const { to } = target(t);
    const progress: MigrationProgress[] = [];
    const report = await migrateStorage({
      from: source(root),
      to,
      batch: 7,
      onProgress: (p) => progress.push(p),
    });

    const want = await contents(source(root).registry, source(root).log);
    const got = await contents(to.registry, to.log);
    assert.equal(want.versions.length, 3);
    assert.deepEqual(
      want.stages.map((s) => [s.stage, s.version]),
      [
        ['dev', 3],
        ['production', 1],
        ['staging', 2],
      ],
    );
    assert.ok(want.events.length >= 4);
    assert.equal(want.predictions.length, ROWS);
    assert.equal(want.feedback.length, 4);
    assert.deepEqual(got, want, 'every record, in order, with the same version numbers');

    assert.equal(report.registryCopied, true);
    assert.deepEqual(report.predictions, { kept: 0, copied: ROWS });
    assert.deepEqual(report.feedback, { kept: 0, copied: 4 });
    assert.equal(report.artifacts?.runs, 3);
    assert.equal(report.verified.predictions.rows, ROWS);
    assert.equal(report.verified.registry.versions, 3);
    assert.equal(report.verified.artifacts?.runs, 3);
    assert.match(report.to.registry, /^postgres:\/\/.*schema=tabflow_test_/);
    // Rows in batches of 7: progress after each, up to the total.
    const rows = progress.filter((p) => p.step === 'predictions').map((p) => p.done);
    assert.deepEqual(rows, [0, 7, 14, 21, 23]);
    assert.ok(progress.every((p) => p.done <= p.total));

    // `tabflow models list` on a host with the URI and an empty folder shows the same.
    const host = join(mkdtempSync(join(tmpdir(), 'tabflow-migrated-host-')), 'models');
    const list = async (args: string[]) => {
      const r = await tabflowInProcess(['models', 'list', '--json', ...args], root);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as Record<string, unknown>[]).map(
        ({ version, stages, aliases, model_name }) => ({
          version,
          stages,
          aliases,
          model_name,
        }),
      );
    };
    assert.deepEqual(
      await list(['--storage', to.registry, '--models-dir', host]),
      await list(['--models-dir', root]),
    );

    // Each version's run materialises from the target artifact store and predicts as the original.
    const store = await openArtifactStore(to.artifacts);
    t.after(() => store.close());
    const records = concreteRecords(5);
    for (const v of want.versions) {
      const m = await materialiseRun(store, v.run_id, join(host, 'cache'), {
        metadataSha256: v.metadata_sha256,
      });
      const predict = (dir: string) =>
        InferencePipeline.load(dir)
          .predict(records)
          .map((r) => r.prediction);
      assert.deepEqual(predict(m.dir), predict(join(root, v.run_dir)), `v${v.version}`);
    }

    // A serving host with only the URIs serves the migrated production version from the store.
    const server = await startServer({
      stage: 'production',
      modelsDir: host,
      port: 0,
      logFile: false,
      signals: [],
      reloadPollMs: 0,
      artifacts: { artifacts: to.artifacts, cacheDir: join(host, 'serve-cache'), registry: to.registry },
    });
    t.after(() => server.close());
    assert.equal(server.model.version, 1);
    assert.equal(server.model.run_id, want.versions[0].run_id);

    // Run again: refused, naming what the target holds and the flag; --resume copies nothing more.
    await assert.rejects(
      migrateStorage({ from: source(root), to }),
      code(
        'target_not_empty',
        /holds 3 versions, \d+ registry events, 3 stages, 1 aliases, 23 prediction rows, 4 feedback rows.*--resume/,
      ),
    );
    const again = await migrateStorage({ from: source(root), to, resume: true });
    assert.equal(again.registryCopied, false);
    assert.deepEqual(again.predictions, { kept: ROWS, copied: 0 });
    assert.equal(again.artifacts?.created, 0, 'publishing a run again adds nothing');
  });

  it('notices a target changed after the copy, a source changed since, and a corrupt blob', async (t) => {
    const root = await project();
    const { schema, to } = target(t);
    await migrateStorage({ from: source(root), to });
    const verify = () => migrateStorage({ from: source(root), to, verifyOnly: true });
    assert.equal((await verify()).verified.predictions.rows, ROWS);

    // One number of one logged row changed in the target.
    await pgQuery(
      `UPDATE "${schema}".predictions SET prediction = prediction + 0.5 WHERE request_id = 'req-3'`,
    );
    await assert.rejects(
      verify(),
      code(
        'migration_mismatch',
        /predictions rows: source 23 \(sha256 \w+\), target 23 \(sha256 \w+\); first difference at row 4: source \{.*"prediction":13,.*target \{.*"prediction":13\.5,/,
      ),
    );
    await pgQuery(
      `UPDATE "${schema}".predictions SET prediction = prediction - 0.5 WHERE request_id = 'req-3'`,
    );
    await verify();

    // An event's reason and an alias changed in the target: both named, with every other problem.
    await pgQuery(
      `UPDATE "${schema}".events SET reason = 'edited' WHERE id = (SELECT max(id) FROM "${schema}".events)`,
    );
    await pgQuery(`DELETE FROM "${schema}".aliases`);
    await assert.rejects(
      verify(),
      code(
        'migration_mismatch',
        /registry aliases: source 1 .*first difference at #1: source \{"alias":"champion".*target \(none\)\n.*registry events: source .*first difference at #\d+: source \{.*"reason"/s,
      ),
    );
    await pgQuery(`DROP SCHEMA "${schema}" CASCADE`);

    // A fresh copy, then a row logged at the source after it (a server left running).
    const second = target(t);
    await migrateStorage({ from: source(root), to: second.to });
    const s = await openStores({ log: source(root).log });
    await s.log.append([prediction(99)]);
    await s.close();
    await assert.rejects(
      migrateStorage({ from: source(root), to: second.to, verifyOnly: true }),
      code('migration_mismatch', /predictions rows: source 24 .*target 23.*--resume/s),
    );
    // --resume copies the new row only.
    const resumed = await migrateStorage({ from: source(root), to: second.to, resume: true });
    assert.deepEqual(resumed.predictions, { kept: ROWS, copied: 1 });

    // A byte of a run's model.json changed in the target artifact store.
    const store = await openArtifactStore(second.to.artifacts);
    t.after(() => store.close());
    const [v1] = (await contents(source(root).registry, source(root).log)).versions;
    const manifest = await fetchManifest(store, (await store.getRef(runRef(v1.run_id)))!);
    await pgQuery(
      `UPDATE "${second.schema}".artifact_chunks c SET data = set_byte(data, 3, (get_byte(data, 3) + 1) % 256)
       FROM "${second.schema}".artifact_blobs b WHERE b.sha256 = $1 AND c.upload = b.upload AND c.idx = 0`,
      [manifest.files['model.json'].sha256],
    );
    await assert.rejects(
      migrateStorage({ from: source(root), to: second.to, verifyOnly: true }),
      code('migration_mismatch', new RegExp(`v1 \\(run ${v1.run_id}\\) in postgres:.*is corrupt`)),
    );
  });

  it('resumes a migration that stopped half-way through the log; refuses another project', async (t) => {
    const root = await project();
    const { to } = target(t);
    const stopAt = (n: number) => (p: MigrationProgress) => {
      if (p.step === 'predictions' && p.done >= n) throw new Error('killed');
    };
    await assert.rejects(
      migrateStorage({ from: source(root), to, batch: 5, onProgress: stopAt(10) }),
      /killed/,
    );
    const half = await contents(to.registry, to.log);
    assert.equal(half.versions.length, 3, 'the registry went in whole');
    assert.equal(half.predictions.length, 10);
    await assert.rejects(
      migrateStorage({ from: source(root), to }),
      code('target_not_empty', /10 prediction rows.*--resume/),
    );
    const done = await migrateStorage({ from: source(root), to, resume: true, batch: 5 });
    assert.deepEqual(done.predictions, { kept: 10, copied: ROWS - 10 });
    assert.deepEqual(done.feedback, { kept: 0, copied: 4 });
    assert.deepEqual(
      await contents(to.registry, to.log),
      await contents(source(root).registry, source(root).log),
    );

    // The same runs without this folder's promotion and alias: another registry, refused.
    const other = await threeVersions();
    await assert.rejects(
      migrateStorage({ from: source(other), to, resume: true }),
      code('target_not_empty', /--resume: the registry at postgres:.* is not the one at/),
    );
    // The same store as both sides.
    await assert.rejects(
      migrateStorage({ from: source(root), to: { ...source(root), artifacts: null } }),
      code('same_store'),
    );
    assert.ok(readdirSync(root).includes('registry.sqlite'));
  });

  it('moves a PostgreSQL project back to a models folder, its runs copied from the artifact store', async (t) => {
    const root = await project();
    const { to: pg } = target(t);
    await migrateStorage({ from: source(root), to: pg });
    const back = mkdtempSync(join(tmpdir(), 'tabflow-migrated-back-'));
    const to = {
      registry: `sqlite:${join(back, 'registry.sqlite')}`,
      log: `sqlite:${join(back, 'predictions.sqlite')}`,
      artifacts: `file:${join(back, 'artifacts')}`,
    };
    const from = { registry: pg.registry, log: pg.log, runs: { artifacts: pg.artifacts } };
    const r = await migrateStorage({ from, to });
    assert.equal(r.artifacts?.runs, 3);
    assert.equal(r.verified.artifacts?.runs, 3);
    assert.deepEqual(
      await contents(to.registry, to.log),
      await contents(source(root).registry, source(root).log),
    );
    // Without the store holding its runs, a store URI as source cannot publish them.
    const { to: other } = target(t);
    await assert.rejects(
      migrateStorage({ from: { ...from, runs: null }, to: other }),
      code('missing_option', /--from-artifacts/),
    );
  });

  it('carries the running A/B test of experiment.json into the registry, verifies it, and back', async (t) => {
    const root = await project();
    const ab = await tabflowInProcess(['ab', 'start', '2', '--weight', '0.25', '--models-dir', root], root);
    assert.equal(ab.code, 0, ab.stderr);
    const text = readFileSync(join(root, 'experiment.json'), 'utf8');
    const { schema, to } = target(t);
    const report = await migrateStorage({ from: source(root), to });
    assert.equal(report.experimentCopied, true);
    assert.equal(report.verified.registry.experiment, 1);
    assert.equal(
      await withStores(to.registry, to.log, (r) => r.getMeta('experiment')),
      text,
      'byte for byte',
    );
    // Every run went with its training data.
    assert.equal(report.artifacts?.data, 3);
    assert.deepEqual(report.artifacts?.withoutData, []);
    assert.equal(report.verified.artifacts?.data, 3);

    // A node with only the URIs serves the experiment from the registry.
    const host = mkdtempSync(join(tmpdir(), 'tabflow-migrated-ab-'));
    const server = await startServer({
      stage: 'production',
      modelsDir: join(host, 'models'),
      port: 0,
      logFile: false,
      signals: [],
      reloadPollMs: 0,
      artifacts: { artifacts: to.artifacts, cacheDir: join(host, 'cache'), registry: to.registry },
    });
    t.after(() => server.close());
    const running = server.experiments?.current()?.experiment;
    assert.equal(running?.id, JSON.parse(text).id);
    assert.deepEqual([running?.champion.version, running?.challenger.version, running?.weight], [1, 2, 0.25]);

    // The experiment changed in the target: verify names it; a resume writes a missing one again.
    const verify = () => migrateStorage({ from: source(root), to, verifyOnly: true });
    await pgQuery(
      `UPDATE "${schema}".registry_meta SET value = replace(value, '0.25', '0.5') WHERE key = 'experiment'`,
    );
    await assert.rejects(verify(), code('migration_mismatch', /registry experiment: source 1 .*target 1 /));
    await pgQuery(`UPDATE "${schema}".registry_meta SET value = '' WHERE key = 'experiment'`);
    await assert.rejects(verify(), code('migration_mismatch', /registry experiment: source 1 .*target 0 /));
    const resumed = await migrateStorage({ from: source(root), to, resume: true });
    assert.equal(resumed.experimentCopied, true);
    assert.equal(resumed.registryCopied, false);
    assert.equal((await verify()).verified.registry.experiment, 1);

    // Back to a models folder: into its experiment.json, where its servers read it.
    const back = mkdtempSync(join(tmpdir(), 'tabflow-migrated-ab-back-'));
    const r = await migrateStorage({
      from: { registry: to.registry, log: to.log, runs: { artifacts: to.artifacts }, experimentFile: null },
      to: {
        registry: `sqlite:${join(back, 'registry.sqlite')}`,
        log: `sqlite:${join(back, 'predictions.sqlite')}`,
        artifacts: null,
        experimentFile: join(back, 'experiment.json'),
      },
    });
    assert.equal(r.experimentCopied, true);
    assert.equal(readFileSync(join(back, 'experiment.json'), 'utf8'), text);
  });

  it('refuses an experiment whose arms the registry does not hold, before copying anything', async (t) => {
    const root = await project();
    const ab = await tabflowInProcess(['ab', 'start', '3', '--models-dir', root], root);
    assert.equal(ab.code, 0, ab.stderr);
    const e = JSON.parse(readFileSync(join(root, 'experiment.json'), 'utf8'));
    e.challenger.run_id = 'another-run';
    writeFileSync(join(root, 'experiment.json'), JSON.stringify(e));
    const { to } = target(t);
    await assert.rejects(
      migrateStorage({ from: source(root), to }),
      code(
        'bad_experiment',
        /experiment\.json has as challenger version 3 \(run "another-run"\), which the registry .* does not hold: nothing was copied\. Stop the experiment \(tabflow ab stop\)/,
      ),
    );
    assert.equal((await contents(to.registry, to.log)).versions.length, 0);
  });
});
