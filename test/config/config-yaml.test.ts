/**
 * Hostile or odd YAML in a config file: a "billion laughs" alias bomb and tags tabflow does not
 * read are refused as config errors (exit 2) that name the file, never as "unexpected error" and
 * never by reading a `!!js/function` as a plain string.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfigFile, resolveConfigUnknown } from '../../src/config/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { tabflowInProcess } from '../helpers/cli.js';
import '../../src/models/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tabflow-config-yaml-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** Nine levels of nine aliases each: 9^9 ≈ 387 million strings once expanded. */
function billionLaughs(): string {
  const lines = ['lol: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let k = 1; k <= 8; k++)
    lines.push(
      `l${k}: &l${k} [${Array(9)
        .fill(`*l${k - 1}`)
        .join(', ')}]`,
    );
  lines.push('data:', '  path: data.csv', '  target: y');
  return `${lines.join('\n')}\n`;
}

function configIssue(path: string): { code: string; message: string } {
  try {
    readConfigFile(path);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e.issues[0];
  }
  return assert.fail(`${path} was accepted`);
}

describe('config YAML', () => {
  it('a billion-laughs config exits 2 naming the file, quickly and without a stack trace', async () => {
    const path = write('bomb.yaml', billionLaughs());
    const t0 = performance.now();
    const r = await tabflowInProcess(['train', '--config', path]);
    const seconds = (performance.now() - t0) / 1000;
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bomb\.yaml/);
    assert.match(r.stderr, /aliases/);
    assert.match(r.stderr, /billion laughs/);
    assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
    assert.ok(seconds < 5, `took ${seconds.toFixed(1)} s`);
    assert.equal(configIssue(path).code, 'yaml_aliases');
  });

  it('a few aliases, as people use them to share values, still work', () => {
    const path = write(
      'aliases.yaml',
      'data: {path: &file d.csv, target: &y price}\nsplit: {strategy: random, seed: &s 7}\ntraining: {seed: *s}\n',
    );
    const cfg = resolveConfigUnknown(readConfigFile(path));
    assert.equal(cfg.training.seed, 7);
    assert.equal(cfg.split.seed, 7);
    assert.equal(cfg.data.target, 'price');
  });

  for (const [tag, yaml, line] of [
    ['!!js/function', 'data:\n  target: y\n  path: !!js/function "function () { return 1 }"\n', 3],
    ['!custom', 'data:\n  path: !custom data.csv\n', 2],
    ['!!timestamp', '%YAML 1.1\n---\ndata:\n  path: !!timestamp 2020-01-01\n', 4],
    ['!!binary', 'data:\n  zip_entry: !!binary aGVsbG8=\n', 2],
    ['!!set', 'cleaning:\n  drop_columns: !!set {a, b}\n', 2],
  ] as const) {
    it(`the tag ${tag} is refused, naming the file, the tag and the line`, async () => {
      const path = write(`tag-${line}-${tag.replace(/\W/g, '')}.yaml`, yaml);
      const issue = configIssue(path);
      assert.equal(issue.code, 'yaml_tag');
      assert.ok(issue.message.includes(path), issue.message);
      assert.ok(issue.message.includes(`YAML tag ${tag} at line ${line}`), issue.message);
      const r = await tabflowInProcess(['train', '--config', path]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`YAML tag ${tag}`), r.stderr);
    });
  }

  it('the core tags are still read', () => {
    const path = write(
      'core.yaml',
      'data:\n  target: !!str 2024\n  path: !!str data.csv\ntraining: {seed: !!int "5"}\n',
    );
    const cfg = resolveConfigUnknown(readConfigFile(path));
    assert.equal(cfg.data.target, '2024');
    assert.equal(cfg.training.seed, 5);
  });

  it('nesting deep enough to overflow the parser is a config error naming the file', () => {
    const path = write('deep.yaml', `data: ${'['.repeat(20_000)}`);
    const issue = configIssue(path);
    assert.equal(issue.code, 'yaml_syntax');
    assert.ok(issue.message.includes(path), issue.message);
  });
});
