/**
 * One name for the models folder: `--models-dir` on every command that uses one, the old names
 * (`train --out`, `--dir`) as hidden aliases with the same behaviour; and paths written in a
 * config file resolve against the file's folder, flags against the working directory.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildConfig } from '../../src/cli/train-command.js';
import { readConfigFile } from '../../src/config/config.js';
import { tabflowAsync, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const tmp = mkdtempSync(join(tmpdir(), 'tabflow-models-dir-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const noStack = (s: string) => assert.ok(!/\n\s+at .+:\d+:\d+/.test(s), `stack trace printed:\n${s}`);

/** proj/config.yaml naming proj/concrete.csv and proj/out-models by relative paths. */
function project(): string {
  const proj = join(tmp, 'proj');
  mkdirSync(proj, { recursive: true });
  copyFileSync(join(DATA_DIR, 'concrete.csv'), join(proj, 'concrete.csv'));
  writeFileSync(
    join(proj, 'config.yaml'),
    [
      'data: {path: concrete.csv, target: compressive_strength}',
      'models: [ridge]',
      'output: {dir: out-models}',
      'environments:',
      '  dev: {data: {path: dev/sample.csv}}',
      '',
    ].join('\n'),
  );
  return proj;
}

const COMMANDS = [
  ['train'],
  ['report'],
  ['serve'],
  ['monitor'],
  ['feedback'],
  ['logs'],
  ['retrain'],
  ['models', 'list'],
  ['models', 'promote'],
  ['ab', 'status'],
  ['ab', 'start'],
];

describe('--models-dir everywhere, config paths against the config file', () => {
  const proj = project();
  const models = join(proj, 'out-models');

  it('train --config from another folder reads data.path and writes output.dir next to the config file', async () => {
    const r = await tabflowAsync(['train', '--config', join('proj', 'config.yaml')], tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(models, 'production', 'model.json')), r.stdout);
    assert.ok(!existsSync(join(tmp, 'out-models')), 'output.dir resolved against the cwd');
  });

  it('readConfigFile: relative paths (also under environments) become absolute against its folder', () => {
    const raw = readConfigFile(join(proj, 'config.yaml')) as Record<string, Record<string, unknown>>;
    assert.equal(raw.data.path, join(proj, 'concrete.csv'));
    assert.equal(raw.output.dir, join(proj, 'out-models'));
    const dev = (raw.environments as Record<string, Record<string, Record<string, unknown>>>).dev;
    assert.equal(dev.data.path, join(proj, 'dev', 'sample.csv'));
    const abs = join(tmp, 'abs.yaml');
    writeFileSync(abs, `data: {path: ${join(DATA_DIR, 'concrete.csv')}}\n`);
    assert.equal(
      (readConfigFile(abs) as { data: { path: string } }).data.path,
      join(DATA_DIR, 'concrete.csv'),
    );
  });

  it('a flag stays relative to the cwd and wins over the config: --data, --models-dir, and the --out alias', () => {
    const cfg = join(proj, 'config.yaml');
    const a = buildConfig({ config: cfg, data: 'here.csv', modelsDir: 'm' });
    assert.equal(a.data.path, 'here.csv');
    assert.equal(a.output.dir, 'm');
    assert.equal(buildConfig({ config: cfg, out: 'm2' }).output.dir, 'm2');
    assert.equal(buildConfig({ config: cfg, dir: 'm3' }).output.dir, 'm3');
    assert.equal(buildConfig({ config: cfg }).output.dir, models);
  });

  it('--models-dir and its --dir alias reach the same folder: models list, report, feedback, ab status', async () => {
    for (const flag of ['--models-dir', '--dir']) {
      const list = await tabflowInProcess(['models', 'list', '--json', flag, models]);
      assert.equal(list.code, 0, list.stderr);
      assert.equal((JSON.parse(list.stdout) as unknown[]).length, 1);
      const out = join(tmp, `report${flag}.html`);
      const rep = await tabflowInProcess(['report', flag, models, '--out', out]);
      assert.equal(rep.code, 0, rep.stderr);
      assert.ok(existsSync(out));
      // No experiment yet: the message names the folder the flag pointed at.
      const ab = await tabflowInProcess(['ab', 'status', flag, models]);
      assert.equal(ab.code, 2, ab.stderr);
      assert.ok(ab.stderr.includes(`No experiment is running in ${models}`), ab.stderr);
    }
    const labels = join(tmp, 'labels.csv');
    writeFileSync(labels, 'request_id,actual\nnope,1\n');
    const fb = await tabflowInProcess(['feedback', '--data', labels, '--models-dir', models, '--json']);
    assert.equal(fb.code, 2, fb.stderr); // nothing accepted: no prediction has that id
    assert.equal(JSON.parse(fb.stdout).file, join(models, 'predictions.sqlite'));
    const missing = join(tmp, 'no-models');
    const logs = await tabflowInProcess(['logs', '--models-dir', missing]);
    assert.equal(logs.code, 2, logs.stderr);
    assert.ok(
      logs.stderr.includes(`No prediction log at ${join(missing, 'predictions.sqlite')}`),
      logs.stderr,
    );
  });

  it('a config output.dir is the models folder of `models` and `ab` too', async () => {
    const r = await tabflowInProcess(['models', 'list', '--json', '--config', join(proj, 'config.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 1);
  });

  it('two names for different folders is a usage error (exit 2), before any work', async () => {
    for (const args of [
      ['train', '--data', 'x.csv', '--target', 'y', '--out', 'a', '--models-dir', 'b'],
      ['models', 'list', '--dir', 'a', '--models-dir', 'b'],
      ['monitor', '--dir', 'a', '--models-dir', 'b'],
      ['report', '--dir', 'a', '--models-dir', 'b'],
    ]) {
      const r = await tabflowInProcess(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /--models-dir "b" and --(dir|out) "a" name different models folders/);
      noStack(r.stderr);
    }
  });

  it('every command that takes a models folder shows --models-dir in its help, not --dir or --out', async () => {
    for (const cmd of COMMANDS) {
      const r = await tabflowInProcess([...cmd, '--help']);
      assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /--models-dir <dir>/, cmd.join(' '));
      assert.doesNotMatch(r.stdout, /--dir\b/, cmd.join(' '));
      if (cmd[0] === 'train') assert.doesNotMatch(r.stdout, /--out\b/);
    }
  });
});
