/**
 * Leftovers of a killed `tabflow train` and registrations that cannot succeed:
 *   - a bad --name / --tag / registry.name, or a models folder of another model, fail before the
 *     data is loaded (not after the training);
 *   - a save killed while writing the run folder leaves `runs/.tmp-*`, removed by the next open;
 *   - a save killed between writing and registering leaves a complete run, registered by the next
 *     open with the tags it was trained with; a damaged one is moved to quarantine/, not deleted.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelRegistry, resolveConfig, TrainingPipeline, UsageError } from '../../src/index.js';
import { runScript, tabflowInProcess as tabflow } from '../helpers/cli.js';
import { CONCRETE, TARGET } from './fixture.js';

const CLI = fileURLToPath(new URL('../helpers/tabflow-cli.ts', import.meta.url));
const noStack = (s: string) => assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+/);
const train = ['train', '--data', CONCRETE, '--target', TARGET, '--models', 'ridge'];

/** `tabflow train` killed at a fault step: a child process (the other commands run in-process). */
async function killedTrain(cwd: string, step: string, extra: string[] = []) {
  const r = await runScript(CLI, [...train, ...extra], { cwd, env: { CI: 'true', TABFLOW_FAULT_AT: step } });
  assert.equal(r.signal, 'SIGKILL', `should die at ${step}: ${r.code}\n${r.stderr}`);
}

describe('names and tags are checked before training', () => {
  it('--name, --tag and registry.name: exit 2 naming the flag or key, nothing loaded or written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tabflow-names-'));
    writeFileSync(
      join(cwd, 'c.yaml'),
      `data: {path: ${CONCRETE}, target: ${TARGET}}\nregistry: {name: ../evil}\n`,
    );
    const cases: [string[], RegExp][] = [
      [[...train, '--name', '../../evil'], /--name "\.\.\/\.\.\/evil" is not allowed: use 1-64 letters/],
      [[...train, '--tag', '../x=1'], /--tag "\.\.\/x" = "1" is not allowed: keys are 1-64 letters/],
      [[...train, '--tag', `note=${'x'.repeat(300)}`], /values are strings of at most 256 characters/],
      [['train', '--config', 'c.yaml'], /registry\.name "\.\.\/evil" is not allowed/],
    ];
    for (const [args, message] of cases) {
      const r = await tabflow(args, cwd);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stdout + r.stderr, /rows × \d+ columns/, 'the data was not loaded');
      noStack(r.stderr);
    }
    assert.equal(existsSync(join(cwd, 'models')), false);
  });

  it('the library refuses bad tags and another model folder before reading the data', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'tabflow-names-')), 'models');
    const cfg = (name: string, path = CONCRETE) =>
      resolveConfig({
        data: { path, target: TARGET },
        models: ['ridge'],
        output: { dir: root },
        registry: { name },
      });
    const refused = (code: string) => (e: unknown) => e instanceof UsageError && e.code === code;
    await assert.rejects(
      new TrainingPipeline(cfg('a', 'no-such.csv'), { tags: { '../x': '1' } }).run(),
      refused('bad_tag'),
    );
    await new TrainingPipeline(cfg('a')).run();
    await assert.rejects(new TrainingPipeline(cfg('b', 'no-such.csv')).run(), (e: unknown) => {
      assert.ok(refused('other_model')(e), String(e));
      assert.match((e as Error).message, /holds the registered model "a".*--name a/);
      return true;
    });
  });
});

describe('leftovers of a killed save', () => {
  it('run-partial: runs/.tmp-* is removed on the next open (under the write lock), and reported', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tabflow-leftover-'));
    await killedTrain(cwd, 'run-partial');
    const runs = join(cwd, 'models', 'runs');
    const tmp = readdirSync(runs).filter((n) => n.startsWith('.tmp-'));
    assert.equal(tmp.length, 1);
    const list = await tabflow(['models', 'list'], cwd);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stderr,
      /removed models\/runs\/\.tmp-\S+: a run folder a killed save left half-written/,
    );
    assert.deepEqual(readdirSync(runs), []);
    assert.match(list.stdout, /no versions registered yet/);
  });

  it('run-saved: the complete run is registered on the next open with its tags; the next train is v2', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tabflow-leftover-'));
    await killedTrain(cwd, 'run-saved', ['--tag', 'team=pricing']);
    const root = join(cwd, 'models');
    const [runId] = readdirSync(join(root, 'runs'));
    const r = await ModelRegistry.open(root);
    try {
      assert.deepEqual(
        r.recovered.map((n) => [n.action, n.version]),
        [['registered', 1]],
      );
      const v = await r.get(1);
      assert.equal(v.run_id, runId);
      assert.deepEqual(v.tags, { team: 'pricing' });
      assert.match(JSON.stringify((await r.history()).at(-1)?.details), /died before registering it/);
    } finally {
      await r.close();
    }
    const next = await tabflow(train, cwd);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /registered default v2/);
  });

  it('a damaged unregistered run is moved to quarantine/ with the reason, never registered or deleted', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tabflow-leftover-'));
    await killedTrain(cwd, 'run-saved');
    const root = join(cwd, 'models');
    const [runId] = readdirSync(join(root, 'runs'));
    writeFileSync(join(root, 'runs', runId, 'model.json'), '{"kind":"ridge"}');
    const list = await tabflow(['models', 'list'], cwd);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stderr,
      new RegExp(
        `warning: moved models/runs/${runId} to models/quarantine/${runId}-\\S+: .*model\\.json does not belong to run`,
      ),
    );
    assert.deepEqual(readdirSync(join(root, 'runs')), []);
    assert.ok(existsSync(join(root, 'quarantine', readdirSync(join(root, 'quarantine'))[0], 'model.json')));
  });
});
