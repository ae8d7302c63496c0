import assert from 'node:assert/strict';
import {
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  describeGate,
  type GateResult,
  InferencePipeline,
  loadArtifacts,
  ModelRegistry,
  promote,
  readRegistryStamp,
  rmse,
  UsageError,
} from '../../src/internal.js';
import { pruneReleases } from '../../src/registry/release-folders.js';
import { publishProduction } from '../helpers/legacy-production.js';
import { CONCRETE, TARGET, threeVersions, tmpEntries, trainInto } from './fixture.js';

const testRows = async (r: ModelRegistry, v: number) =>
  (loadArtifacts((await r.get(v)).run_path).metadata.split as { counts: { test: number } }).counts.test;

describe('ModelRegistry: register, stages, aliases, history, diff', () => {
  it('every trained run is a numbered version with its checksums, metrics and hashes', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      const list = await r.list();
      assert.deepEqual(
        list.map((v) => [v.version, v.model_kind, v.stages]),
        [
          [1, 'ridge', ['production']],
          [2, 'gbdt', []],
          [3, 'lasso', ['dev']],
        ],
      );
      const v2 = await r.get('v2');
      const a = loadArtifacts(v2.run_path);
      assert.equal(v2.run_id, a.metadata.run_id);
      assert.equal(v2.data_sha256, a.metadata.data.sha256);
      assert.equal(v2.metrics.test.rmse, a.metadata.selected_model.metrics!.test!.rmse);
      assert.equal(v2.metadata_sha256.length, 64);
      assert.equal(v2.artifacts['model.json'].sha256, a.metadata.artifacts['model.json'].sha256);
      // The stage folders hold the right complete runs, stamped with their version.
      for (const [stage, v] of [
        ['production', 1],
        ['dev', 3],
      ] as const) {
        const dir = r.stageDir(stage);
        assert.equal(loadArtifacts(dir).metadata.run_id, (await r.get(v)).run_id);
        const stamp = readRegistryStamp(dir)!;
        assert.deepEqual([stamp.version, stamp.stage, stamp.name], [v, stage, 'default']);
        assert.equal((await r.get(stage)).version, v);
      }
      assert.equal(await r.stageVersion('staging'), null);
      // Registering the same run again returns its version; another model name is refused.
      assert.equal((await r.register(v2.run_path, { name: 'default' })).version, 2);
      await assert.rejects(
        async () => r.register(v2.run_path, { name: 'other' }),
        /holds the registered model "default"; registering "other"/,
      );
      assert.equal((await r.list()).length, 3);
    } finally {
      await r.close();
    }
  });

  it('the gate passes a better candidate, refuses a worse one with the numbers, and --force overrides', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      const up = await promote(r, 2, 'production', { reason: 'gbdt is better' });
      assert.equal(up.decision, 'passed');
      assert.equal(up.applied, true);
      assert.equal(up.from_version, 1);
      assert.equal(up.metric, 'rmse');
      assert.equal(up.eval, 'test-of-v2');
      assert.equal(up.same_split, true);
      assert.equal(up.rows!.used, await testRows(r, 2));
      // The gate scores the candidate's TEST rows: v2's own test RMSE, recorded at training.
      assert.ok(Math.abs(up.candidate! - (await r.get(2)).metrics.test.rmse) < 1e-9);
      assert.ok(up.candidate! < up.incumbent! * 0.7, `gbdt ${up.candidate} vs ridge ${up.incumbent}`);
      assert.ok(up.improvement_abs! > 0 && up.improvement_rel! > 0.3);
      assert.equal(loadArtifacts(r.stageDir('production')).metadata.run_id, (await r.get(2)).run_id);

      const down = await promote(r, 1, 'production');
      assert.equal(down.decision, 'refused');
      assert.equal(down.applied, false);
      assert.ok(down.candidate! > down.incumbent!);
      assert.ok(down.improvement_abs! < 0);
      assert.equal((await r.stageVersion('production'))!.version, 2, 'a refusal moves nothing');

      const forced = await promote(r, 1, 'production', { force: true, reason: 'incident 42' });
      assert.equal(forced.decision, 'forced');
      assert.equal(forced.applied, true);
      assert.ok(forced.candidate! > forced.incumbent!, 'forced decisions keep the numbers they overrode');
      assert.equal((await r.stageVersion('production'))!.version, 1);

      // A relative threshold the candidate cannot meet refuses even a better model.
      const strict = await promote(r, 2, 'production', {
        gate: { metric: 'r2', min_improvement_abs: 0, min_improvement_rel: 5 },
      });
      assert.equal(strict.decision, 'refused');
      assert.equal(strict.metric, 'r2');
      assert.ok(strict.improvement_abs! > 0, 'r2: higher is better, and gbdt is higher');

      const events = (await r.history({ stage: 'production' })).filter((e) => e.type === 'promote');
      assert.deepEqual(
        events.map((e) => e.decision),
        ['no_incumbent', 'passed', 'refused', 'forced', 'refused'],
      );
      assert.equal(events[3].reason, 'incident 42');
      assert.equal(typeof events[2].details!.candidate, 'number');
    } finally {
      await r.close();
    }
  });

  it('the gate scores a file given with evalData; rows without a target are left out of both', async () => {
    const root = await threeVersions();
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const t = header.findIndex((h) => h.replace(/"/g, '') === TARGET);
    const rows = lines.slice(1, 301).map((l, i) => {
      if (i !== 7) return l;
      const cells = l.split(',');
      cells[t] = '';
      return cells.join(',');
    });
    const file = join(dirname(root), 'eval.csv');
    writeFileSync(file, `${[lines[0], ...rows].join('\n')}\n`);
    const r = await ModelRegistry.open(root);
    try {
      const d = await promote(r, 'v2', 'production', { evalData: file });
      assert.equal(d.eval, `file:${file}`);
      assert.deepEqual(d.rows, { used: 299, excluded: 1 });
      assert.equal(d.same_split, null);
      // Recompute the candidate's score by hand on the same 299 rows.
      const p = InferencePipeline.load((await r.get(2)).run_path);
      const recs = rows
        .filter((_, i) => i !== 7)
        .map((l) => Object.fromEntries(header.map((h, j) => [h.replace(/"/g, ''), Number(l.split(',')[j])])));
      const y = Float64Array.from(recs, (x) => x[TARGET]);
      const pred = Float64Array.from(p.predict(recs), (x) => x.prediction!);
      assert.ok(Math.abs(d.candidate! - rmse(y, pred)) < 1e-9);
    } finally {
      await r.close();
    }
  });

  it('rollback walks back through the versions the stage held, then says there is none', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      await promote(r, 2, 'production');
      await promote(r, 3, 'production', { force: true });
      assert.equal((await r.stageVersion('production'))!.version, 3);
      const back = await r.rollback('production', { reason: 'latency' });
      assert.deepEqual([back.decision, back.from_version, back.version], ['rollback', 3, 2]);
      assert.equal(loadArtifacts(r.stageDir('production')).metadata.run_id, (await r.get(2)).run_id);
      assert.equal((await r.rollback('production')).version, 1);
      await assert.rejects(async () => r.rollback('production'), /no previous version/);
      await assert.rejects(async () => r.rollback('staging'), /No version is in stage staging/);
      // Releases nobody points to are pruned once old, but the newest few.
      const rel = join(root, '.releases');
      const all = readdirSync(rel);
      assert.equal(all.length, 8, '4 from training + 4 moves');
      const old = (Date.now() - 3_600_000) / 1000;
      for (const n of all) utimesSync(join(rel, n), old, old);
      const live = new Set(
        [readlinkSync(join(root, 'production')), readlinkSync(join(root, 'dev'))].map((l) => l.split('/')[1]),
      );
      assert.equal(pruneReleases(root, live).length, 1);
      assert.equal(readdirSync(rel).length, 2 + 5);
      for (const n of live) assert.ok(existsSync(join(rel, n)));
    } finally {
      await r.close();
    }
  });

  it('aliases resolve like versions; stage-like or version-like aliases are refused', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      await r.setAlias('champion', 'production');
      await r.setAlias('challenger', 'v2');
      assert.equal((await r.get('champion')).version, 1);
      assert.deepEqual((await r.get(2)).aliases, ['challenger']);
      await r.setAlias('champion', 2);
      assert.deepEqual((await r.get(2)).aliases.sort(), ['challenger', 'champion']);
      for (const bad of ['production', 'v4', '12', '../x', 'a/b', '.hidden']) {
        await assert.rejects(async () => r.setAlias(bad, 1), UsageError, bad);
      }
      await r.removeAlias('challenger');
      await assert.rejects(
        async () => r.get('challenger'),
        /neither a version, a stage nor an alias \(aliases: champion\)/,
      );
      await assert.rejects(async () => r.removeAlias('challenger'), /not set/);
      const h = await r.history();
      assert.deepEqual(
        h.slice(-4).map((e) => e.type),
        ['alias', 'alias', 'alias', 'unalias'],
      );
      assert.equal((await r.history({ limit: 2 })).length, 2);
      assert.equal((await r.history({ limit: 2 }))[1].id, h[h.length - 1].id);
    } finally {
      await r.close();
    }
  });

  it('diff shows parameter, metric and config differences', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      const d = await r.diff(1, 'v2');
      assert.equal(d.a.model_kind, 'ridge');
      assert.equal(d.b.model_kind, 'gbdt');
      assert.equal(d.data.same, true);
      const rm = d.metrics.find((m) => m.split === 'test' && m.metric === 'rmse')!;
      assert.equal(rm.delta, (await r.get(2)).metrics.test.rmse - (await r.get(1)).metrics.test.rmse);
      assert.ok(d.params.some((p) => p.key === 'alpha' && p.a === 1 && p.b === null));
      assert.ok(d.config.some((c) => c.key === 'models'));
      assert.equal((await r.diff(2, 2)).config.length, 0);
    } finally {
      await r.close();
    }
  });
});

describe('ModelRegistry: safety', () => {
  it('names and refs that could leave the models root are refused, and nothing is written outside it', async () => {
    const root = await threeVersions();
    const parent = dirname(root);
    const before = readdirSync(parent).sort();
    const r = await ModelRegistry.open(root);
    try {
      const run = (await r.get(1)).run_path;
      for (const name of ['../evil', '..', '.', 'a/b', 'a\\b', '/etc', '', 'x'.repeat(65), '.hidden']) {
        await assert.rejects(
          async () => r.register(run, { name }),
          /model name .* is not allowed/,
          JSON.stringify(name),
        );
      }
      for (const ref of ['../1', '/1', 'v0', '-1', 'a/b', '..', 'v1/../../x']) {
        await assert.rejects(async () => r.get(ref), UsageError, ref);
      }
      await assert.rejects(promote(r, '../../etc', 'production'), /not allowed/);
      await assert.rejects(
        promote(r, 1, '../x' as never),
        /is not a stage; allowed: dev, staging, production/,
      );
      await assert.rejects(async () => r.get(9), /Version 9 does not exist: versions are 1 to 3/);
    } finally {
      await r.close();
    }
    assert.deepEqual(readdirSync(parent).sort(), before);
  });

  it('a run changed after registration is refused on promotion, naming the file', async () => {
    const root = await threeVersions();
    const r = await ModelRegistry.open(root);
    try {
      const run = (await r.get(2)).run_path;
      const meta = readFileSync(join(run, 'metadata.json'), 'utf8');
      writeFileSync(join(run, 'metadata.json'), meta.replace('"seed": 42', '"seed": 43'));
      await assert.rejects(promote(r, 2, 'staging'), /metadata\.json has changed since it was registered/);
      writeFileSync(join(run, 'metadata.json'), meta);
      writeFileSync(join(run, 'results.json'), readFileSync(join((await r.get(1)).run_path, 'results.json')));
      await assert.rejects(promote(r, 2, 'staging'), /results\.json does not belong to run/);
      assert.equal(await r.stageVersion('staging'), null);
    } finally {
      await r.close();
    }
  });

  it('loadArtifacts refuses a release whose registry.json names another run', async () => {
    const root = await threeVersions();
    const prod = realpathSync(join(root, 'production'));
    const dev = realpathSync(join(root, 'dev'));
    writeFileSync(join(prod, 'registry.json'), readFileSync(join(dev, 'registry.json')));
    assert.throws(
      () => loadArtifacts(join(root, 'production')),
      // Its metadata_sha256 gives the swap away first; a stamp without one, by its run id.
      /registry\.json (names run .* but metadata\.json|\(metadata_sha256\) records)/,
    );
  });

  it('open repairs a stage link that disagrees with the database, and removes leftovers', async () => {
    const root = await threeVersions();
    const wrong = readlinkSync(join(root, 'dev'));
    unlinkSync(join(root, 'production'));
    symlinkSync(wrong, join(root, 'production'));
    writeFileSync(join(root, '.releases', '.tmp-junk-1'), 'x');
    const r = await ModelRegistry.open(root);
    try {
      assert.deepEqual(
        r.reconciled.map((f) => f.stage),
        ['production'],
      );
      assert.equal(loadArtifacts(r.stageDir('production')).metadata.run_id, (await r.get(1)).run_id);
      assert.deepEqual(tmpEntries(root), []);
      assert.equal((await r.history()).at(-1)!.type, 'reconcile');
    } finally {
      await r.close();
    }
    // A clean root needs no repair.
    const again = await ModelRegistry.open(root);
    assert.deepEqual(again.reconciled, []);
    await again.close();
  });

  it('a models folder from before schema 2 (rows naming releases) opens as it was: no repair, nothing recorded', async () => {
    const root = await threeVersions();
    // As tabflow wrote it before: the stage rows name the releases the links point to.
    const db = new Database(join(root, 'registry.sqlite'));
    db.exec("ALTER TABLE stages ADD COLUMN release TEXT NOT NULL DEFAULT ''");
    for (const stage of ['dev', 'production']) {
      const release = readlinkSync(join(root, stage)).replace('.releases/', '');
      db.prepare('UPDATE stages SET release = ? WHERE stage = ?').run(release, stage);
    }
    db.prepare("UPDATE registry_meta SET value = '1' WHERE key = 'schema_version'").run();
    const events = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    db.close();
    const links = ['dev', 'production'].map((st) => readlinkSync(join(root, st)));
    const r = await ModelRegistry.open(root);
    try {
      assert.deepEqual(r.reconciled, []);
      assert.equal((await r.history()).length, events);
      assert.equal((await r.stageVersion('production'))!.version, 1);
      assert.equal((await r.stageVersion('dev'))!.version, 3);
      assert.equal(await r.store.getMeta('schema_version'), '2');
      // The gate reads production from this host's release.
      assert.equal(r.versionFolder('production', await r.get(1)), realpathSync(join(root, 'production')));
    } finally {
      await r.close();
    }
    assert.deepEqual(
      ['dev', 'production'].map((st) => readlinkSync(join(root, st))),
      links,
    );
  });

  it('open rebuilds a deleted release from the run folder, and still opens when it cannot', async () => {
    const root = await threeVersions();
    rmSync(realpathSync(join(root, 'production')), { recursive: true });
    const r = await ModelRegistry.open(root);
    try {
      assert.equal(r.reconciled.length, 1);
      assert.equal(loadArtifacts(r.stageDir('production')).metadata.run_id, (await r.get(1)).run_id);
      assert.equal(readRegistryStamp(r.stageDir('production'))!.version, 1);
    } finally {
      await r.close();
    }
    // Release and run folder both gone: the registry opens (list, history still work) and says why.
    const dev = realpathSync(join(root, 'dev'));
    const r3 = await ModelRegistry.open(root);
    const run3 = (await r3.get(3)).run_path;
    await r3.close();
    rmSync(dev, { recursive: true });
    rmSync(run3, { recursive: true });
    const broken = await ModelRegistry.open(root);
    try {
      assert.equal(broken.reconciled.length, 1);
      assert.match(broken.reconciled[0].error!, /is incomplete: metadata\.json is missing/);
      assert.equal((await broken.list()).length, 3);
    } finally {
      await broken.close();
    }
  });
});

describe('tabflow train registration', () => {
  it('stage_on_train none and promote never register without moving any stage', async () => {
    const root = await threeVersions();
    const run = await trainInto(root, ['ridge'], {
      registry: { stage_on_train: 'none' },
      output: { promote: 'never' },
    });
    assert.equal(run.version, 4);
    assert.deepEqual(run.stages, []);
    assert.equal(run.promoted, false);
    const r = await ModelRegistry.open(root);
    try {
      assert.equal((await r.stageVersion('dev'))!.version, 3);
      // Another split seed: rows production trained or was tuned on are left out of the comparison.
      const other = await trainInto(root, ['ridge'], { split: { seed: 7 }, output: { promote: 'never' } });
      const d = await promote(r, other.version, 'production', { force: true });
      assert.equal(d.same_split, false);
      const seen = d.rows?.seen_by_incumbent ?? 0;
      // About 80% of the other split's TEST rows were in production's TRAIN or VAL rows.
      assert.ok(seen > 0.6 * (seen + d.rows!.used + d.rows!.excluded), JSON.stringify(d.rows));
      assert.match(
        describeGate(d as GateResult),
        new RegExp(`${seen} rows production trained or was tuned on left out`),
      );
    } finally {
      await r.close();
    }
  });

  it('a production folder published before the registry is kept by if_none and replaced by always', async () => {
    const src = await threeVersions();
    const legacy = join(dirname(src), 'legacy');
    const runDir = join(src, 'runs', readdirSync(join(src, 'runs'))[0]);
    const files = Object.fromEntries(readdirSync(runDir).map((f) => [f, readFileSync(join(runDir, f))]));
    publishProduction(legacy, 'old-run', files);
    const oldId = loadArtifacts(join(legacy, 'production')).metadata.run_id;
    const first = await trainInto(legacy, ['ridge']);
    assert.equal(first.promoted, false);
    assert.equal(loadArtifacts(join(legacy, 'production')).metadata.run_id, oldId);
    const second = await trainInto(legacy, ['ridge'], { output: { promote: 'always' } });
    assert.equal(second.promotion!.decision, 'no_incumbent');
    assert.equal(loadArtifacts(join(legacy, 'production')).metadata.run_id, second.runId);
    // The old release is moved aside, not deleted.
    assert.ok(readdirSync(join(legacy, '.releases')).some((n) => n.startsWith('old-run-')));
  });

  it('promote always goes through the gate: a worse run stays registered, unpromoted', async () => {
    const root = await threeVersions();
    const r0 = await ModelRegistry.open(root);
    await promote(r0, 2, 'production');
    await r0.close();
    const run = await trainInto(root, ['ridge'], { output: { promote: 'always' } });
    assert.equal(run.promoted, false);
    assert.equal(run.promotion!.decision, 'refused');
    assert.equal(run.version, 4);
    assert.equal(existsSync(run.runDir), true);
    const r = await ModelRegistry.open(root);
    assert.equal(loadArtifacts(join(root, 'production')).metadata.run_id, (await r.get(2)).run_id);
    assert.equal((await r.get(4)).run_id, run.runId);
    await r.close();
  });
});
