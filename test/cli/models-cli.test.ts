import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { loadArtifacts, ModelRegistry } from '../../src/index.js';
import { tabflowInProcess as tabflow, tabflowAsync } from '../helpers/cli.js';
import { CONCRETE, TARGET, threeVersions } from '../registry/fixture.js';

const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

describe('tabflow models', () => {
  it('families: `models families` and plain `models` list the model families', async () => {
    // As child processes, as a user runs them; the tests below run the same main() in-process.
    const [a, b] = await Promise.all([
      tabflowAsync(['models', 'families'], '.'),
      tabflowAsync(['models'], '.'),
    ]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^linear — ordinary least squares/m);
      assert.match(r.stdout, /^gbdt — /m);
    }
  });

  it('list, promote through the gate (passed, refused = exit 3, forced), rollback, alias, show, diff, history', async () => {
    const root = await threeVersions();
    const cwd = dirname(root); // --dir defaults to ./models
    const list = await tabflow(['models', 'list', '--json'], cwd);
    assert.equal(list.code, 0, list.stderr);
    const versions = JSON.parse(list.stdout) as { version: number; stages: string[] }[];
    assert.deepEqual(
      versions.map((v) => [v.version, v.stages]),
      [
        [1, ['production']],
        [2, []],
        [3, ['dev']],
      ],
    );

    const up = await tabflow(['models', 'promote', '2', '--to', 'production'], cwd);
    assert.equal(up.code, 0, up.stderr);
    assert.match(
      up.stdout,
      /promoted v2 to production \(was v1\): gate passed — rmse on \d+ rows of test-of-v2/,
    );

    const refused = await tabflow(['models', 'promote', 'v1', '--to', 'production'], cwd);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(
      refused.stdout,
      /NOT promoted: v1 was refused by the production gate — rmse on \d+ rows of test-of-v1: candidate [\d.]+ vs production [\d.]+/,
    );
    assert.match(refused.stdout, /production keeps v2/);

    const forced = await tabflow(
      ['models', 'promote', '1', '--to', 'production', '--force', '--reason', 'incident 7', '--json'],
      cwd,
    );
    assert.equal(forced.code, 0, forced.stderr);
    const d = JSON.parse(forced.stdout);
    assert.equal(d.decision, 'forced');
    assert.ok(d.candidate > d.incumbent);
    assert.equal(loadArtifacts(join(root, 'production')).metadata.selected_model.kind, 'ridge');

    const back = await tabflow(['models', 'rollback', '--stage', 'production', '--dir', root], '/');
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /rolled back production from v1 to v2/);
    assert.equal(loadArtifacts(join(root, 'production')).metadata.selected_model.kind, 'gbdt');

    const alias = await tabflow(['models', 'alias', 'champion', 'production'], cwd);
    assert.equal(alias.code, 0, alias.stderr);
    assert.match(alias.stdout, /champion → v2/);
    const show = await tabflow(['models', 'show', 'champion', '--json'], cwd);
    const diff = await tabflow(['models', 'diff', '1', 'v2'], cwd);
    const history = await tabflow(
      ['models', 'history', '--json', '--limit', '4', '--stage', 'production'],
      cwd,
    );
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual([JSON.parse(show.stdout).version, JSON.parse(show.stdout).aliases], [2, ['champion']]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /v1 ridge .*→ {2}v2 gbdt/);
    assert.match(diff.stdout, /│ test +│ rmse +│ [\d.]+ +│ [\d.]+ +│ -[\d.]+ +│/);
    assert.match(diff.stdout, /│ alpha +│ 1 +│ null +│/);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      (JSON.parse(history.stdout) as { type: string; decision: string }[]).map((e) => e.decision),
      ['passed', 'refused', 'forced', 'rollback'],
    );
  });

  it('the gate on --eval-data, and a worse `train --promote` stays registered with the numbers, exit 0', async () => {
    const root = await threeVersions();
    const cwd = dirname(root);
    const lines = readFileSync(CONCRETE, 'utf8').trim().split('\n');
    writeFileSync(join(cwd, 'eval.csv'), `${lines.slice(0, 201).join('\n')}\n`);
    const ev = await tabflow(
      ['models', 'promote', '2', '--to', 'production', '--eval-data', 'eval.csv'],
      cwd,
    );
    assert.equal(ev.code, 0, ev.stderr);
    assert.match(ev.stdout, /gate passed — rmse on 200 rows of file:eval\.csv/);

    const train = await tabflow(
      ['train', '--data', CONCRETE, '--target', TARGET, '--models', 'ridge', '--promote'],
      cwd,
    );
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout, /registered default v4 \(stage dev\) in models/);
    assert.match(train.stdout, /NOT promoted: v4 was refused by the production gate — rmse on \d+ rows/);
    const r = await ModelRegistry.open(root);
    assert.equal((await r.stageVersion('production'))!.version, 2);
    assert.equal((await r.stageVersion('dev'))!.version, 4);
    await r.close();
  });

  it('bad refs, stages, names and a missing registry exit 2 with a clear message and no stack trace; --env gate', async () => {
    const root = await threeVersions();
    const cwd = dirname(root);
    const cases: [string[], RegExp][] = [
      [['models', 'show', '../x'], /version ref "\.\.\/x" is not allowed/],
      [['models', 'show', '9'], /Version 9 does not exist: versions are 1 to 3/],
      [['models', 'show', 'nobody'], /"nobody" is neither a version, a stage nor an alias/],
      [
        ['models', 'promote', '1', '--to', 'prod'],
        /--to "prod" is not a stage; allowed: dev, staging, production/,
      ],
      [['models', 'rollback', '--stage', 'staging'], /No version is in stage staging/],
      [['models', 'alias', 'v9', '1'], /alias "v9" is not allowed/],
      [['models', 'list', '--dir', 'nowhere'], /No model registry in .*nowhere/],
      [['models', 'promote', '3', '--to', 'dev'], /Version 3 is already in dev/],
      [['models', 'lst'], /tabflow models "lst" is not a command; commands: families, list/],
    ];
    // Alongside: the gate thresholds of an environment block (--config + --env) refuse v2.
    writeFileSync(
      join(cwd, 'c.yaml'),
      'environments:\n  production:\n    registry: {gate_min_improvement_rel: 0.9}\n',
    );
    for (const [args, message] of cases) {
      const r = await tabflow(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, message);
      noStack(r.stderr);
    }
    const s = await tabflow(
      ['models', 'promote', '2', '--to', 'production', '--config', 'c.yaml', '--env', 'production'],
      cwd,
    );
    assert.equal(s.code, 3, s.stderr);
    assert.match(s.stdout, /improvement [\d.]+ \([\d.]+%\), required ≥ 0 and ≥ 90\.00%/);
  });
});
