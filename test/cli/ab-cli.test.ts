/**
 * `tabflow ab` end to end on concrete.csv, with an in-process server answering traffic and
 * feedback posted from the true targets:
 *  - production ridge (v1) vs challenger gbdt (v2), split 50/50 sticky by customer: status stays
 *    insufficient_data, conclude refuses before the horizon, then the challenger is significantly
 *    better and conclude promotes it through the gate; the history records start, promote, conclude;
 *  - production gbdt (v1) vs challenger ridge (v2) in shadow mode: the paired test finds the
 *    champion better and conclude keeps it (exit 3);
 *  - bad input: no registry, no production version, the champion as challenger, a second start,
 *    a bad weight, stop without an experiment.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { experimentStatus, startExperiment, stopExperiment } from '../../src/experiment/ab-service.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { abServer, concreteRows, replayTraffic, trainVersions } from '../experiment/ab-fixture.js';
import { tabflowAsync, tabflowInProcess } from '../helpers/cli.js';

const rows = concreteRows();
let better: string;
let worse: string;
let cfg: string;

before(async () => {
  better = await trainVersions(['ridge', 'gbdt'], 'tabflow-ab-better-');
  worse = await trainVersions(['gbdt', 'ridge'], 'tabflow-ab-worse-');
  cfg = join(mkdtempSync(join(tmpdir(), 'tabflow-ab-cfg-')), 'config.yaml');
  writeFileSync(cfg, 'experiment:\n  min_samples: 30\n  max_samples: 60\n  alpha: 0.05\n');
});

/** `tabflow ab ...` in `root`, in-process (the same main() as bin/tabflow.js). */
function ab(args: string[], root: string) {
  return tabflowInProcess(['ab', ...args, '--dir', root, '--config', cfg], root);
}

function json(r: { code: number; stdout: string; stderr: string }) {
  assert.ok(r.stdout.trim().startsWith('{'), `${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('tabflow ab', { timeout: 120_000 }, () => {
  it('promotes a significantly better challenger through the gate, and records why', async () => {
    // This one as a child process, as a user runs it.
    const start = await tabflowAsync(
      ['ab', 'start', '2', '--weight', '0.5', '--key', 'customer_id', '--dir', better, '--config', cfg],
      better,
    );
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stdout, /challenger v2 vs champion v1 on 50% of rows, sticky by customer_id/);
    const again = await ab(['start', '2'], better);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is running .* stop or conclude it first/);

    const { app, source, experiments } = await abServer(better);
    assert.ok(experiments.current());
    assert.equal(await replayTraffic(app, 0, 20), 20);
    const early = json(await ab(['status', '--json'], better));
    assert.equal(early.verdict, 'insufficient_data');
    assert.equal(early.ready, false);
    const tooEarly = await ab(['conclude'], better);
    assert.equal(tooEarly.code, 2);
    assert.match(tooEarly.stderr, /not ready to conclude.*--force/s);

    assert.equal(await replayTraffic(app, 20, 300), 280);
    const s = json(await ab(['status', '--json'], better));
    assert.equal(s.champion.n + s.challenger.n, 300);
    assert.ok(s.challenger.n > 100 && s.champion.n > 100, `${s.champion.n} / ${s.challenger.n}`);
    assert.equal(s.champion.rows_logged, s.champion.n);
    assert.ok(s.challenger.mae < s.champion.mae, `gbdt ${s.challenger.mae} vs ridge ${s.champion.mae}`);
    assert.equal(s.verdict, 'challenger_better');
    assert.equal(s.comparison.t_test.name, 'welch');
    assert.ok(s.comparison.t_test.p_value < 0.05);
    assert.equal(s.ready, true);
    const text = await ab(['status'], better);
    assert.match(text.stdout, /CHALLENGER_BETTER/);
    assert.match(text.stdout, /ready to conclude/);

    const done = await ab(['conclude'], better);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /PROMOTED v2/);
    assert.equal(existsSync(join(better, 'experiment.json')), false);
    const reg = await ModelRegistry.open(better);
    assert.equal((await reg.stageVersion('production'))?.version, 2);
    const events = (await reg.history()).filter((e) => e.type.startsWith('ab_') || e.type === 'promote');
    await reg.close();
    const types = events.map((e) => `${e.type}:${e.decision ?? ''}`);
    assert.deepEqual(types.slice(-3), ['ab_start:', 'promote:passed', 'ab_conclude:promoted']);
    const promote = events[events.length - 2];
    assert.match(promote.reason ?? '', /^A\/B ab-.*challenger v2 MAE .* vs champion v1 MAE .*p = /);
    const conclude = events[events.length - 1];
    assert.equal((conclude.details as { verdict: string }).verdict, 'challenger_better');
    assert.equal((conclude.details as { challenger: { n: number } }).challenger.n, s.challenger.n);

    // The server follows: production is v2, the experiment is gone.
    assert.equal((await source.reload()).model.version, 2);
    assert.equal((await experiments.reload()).status, 'unloaded');
    const r = JSON.parse(
      (await app.inject({ method: 'POST', url: '/predict', payload: rows[0].record })).body,
    );
    assert.equal(r.model.version, 2);
    assert.equal(r.experiment, undefined);
    await app.close();
  });

  it('keeps the champion when the shadow challenger is worse (paired test), exit 3', async () => {
    const start = await ab(['start', 'v2', '--shadow'], worse);
    assert.equal(start.code, 0, start.stderr);
    const { app } = await abServer(worse);
    assert.equal(await replayTraffic(app, 400, 480), 80);
    await app.close();
    const s = json(await ab(['status', '--json'], worse));
    assert.equal(s.design, 'shadow');
    assert.equal(s.challenger.rows_logged, 80, 'a shadow row for every answered row');
    assert.deepEqual([s.champion.n, s.challenger.n], [80, 80]);
    assert.equal(s.comparison.t_test.name, 'paired');
    assert.equal(s.verdict, 'champion_better');
    const done = await ab(['conclude', '--json'], worse);
    assert.equal(done.code, 3, done.stderr);
    const out = json(done);
    assert.equal(out.outcome, 'kept_champion');
    assert.equal(out.promotion, null);
    assert.match(out.reason, /champion better: champion v1 kept/);
    const reg = await ModelRegistry.open(worse);
    assert.equal((await reg.stageVersion('production'))?.version, 1);
    const last = (await reg.history()).at(-1);
    await reg.close();
    assert.equal(last?.type, 'ab_conclude');
    assert.equal(last?.decision, 'kept_champion');
  });

  it('bad input gets a clear error: no champion, the champion as challenger, bad weight, nothing to stop; stop records', async () => {
    // The library calls behind the CLI (in-process: one child process per case would be slow).
    const refused = (root: string, o: Parameters<typeof startExperiment>[1], msg: RegExp) =>
      assert.rejects(
        () => startExperiment(root, o),
        (e: Error) => e instanceof UsageError && msg.test(e.message),
      );
    const empty = mkdtempSync(join(tmpdir(), 'tabflow-ab-empty-'));
    await refused(empty, { challenger: 1 }, /No model registry .* no production version/s);
    assert.equal(existsSync(join(empty, 'registry.sqlite')), false, 'no registry created as a side effect');
    await refused(worse, { challenger: 1 }, /Version 1 is the production version/);
    await refused(worse, { challenger: 2, weight: 2 }, /--weight 2 is not allowed/);
    await refused(worse, { challenger: 2, key: 'customer id' }, /--key "customer id" is not allowed/);
    await refused(worse, { challenger: 9 }, /Version 9 does not exist/);
    await assert.rejects(async () => stopExperiment(worse), /No experiment is running/);
    await assert.rejects(async () => experimentStatus(worse), /No experiment is running/);

    // Through the CLI: a registry whose versions never reached production.
    const noProd = mkdtempSync(join(tmpdir(), 'tabflow-ab-noprod-'));
    const reg = await ModelRegistry.open(noProd);
    await reg.register((await (await ModelRegistry.open(worse)).get(1)).run_path, { name: 'default' });
    await reg.close();
    const noChampion = await ab(['start', '1'], noProd);
    assert.equal(noChampion.code, 2);
    assert.match(noChampion.stderr, /No production version .* Promote one first/s);

    // A stop is recorded with the numbers so far (none here: insufficient data).
    assert.equal((await ab(['start', '2', '--weight', '0.2'], worse)).code, 0);
    const stopped = await ab(['stop', '--reason', 'wrong challenger'], worse);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(existsSync(join(worse, 'experiment.json')), false);
    const r = await ModelRegistry.open(worse);
    const last = (await r.history()).at(-1);
    await r.close();
    assert.deepEqual(
      [last?.type, last?.decision, last?.reason],
      ['ab_stop', 'insufficient_data', 'wrong challenger'],
    );
    assert.equal((last?.details as { challenger: { n: number } } | undefined)?.challenger.n, 0);
  });
});
