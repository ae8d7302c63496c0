import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { tabflow, tabflowInProcess } from '../helpers/cli.js';
import { DATA_DIR } from '../helpers/datasets.js';

const CONFIG = `
data: {path: ${JSON.stringify(join(DATA_DIR, 'ames.csv'))}, target: compressive_strength}
models: [ridge]
training: {seed: 1}
environments:
  staging:
    data: {path: ${JSON.stringify(join(DATA_DIR, 'concrete.csv'))}}
    training: {seed: 7}
    models: [lasso]
`;

function runConfig(dir: string): Record<string, unknown> {
  const root = join(dir, 'models', 'runs');
  const [run] = readdirSync(root);
  return YAML.parse(readFileSync(join(root, run, 'config.yaml'), 'utf8'));
}

// The TABFLOW_ENV run is a child process, as a user runs it; the other commands run the same
// main() in-process.
describe('tabflow train --env', () => {
  it('applies the environment block, flags win over it, and the run records which environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-env-'));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const r = await tabflowInProcess(
      ['train', '--config', 'config.yaml', '--env', 'staging', '--seed', '3'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const cfg = runConfig(dir) as {
      environment: string;
      data: { path: string };
      training: { seed: number };
      models: { name: string }[];
    };
    assert.equal(cfg.environment, 'staging');
    assert.match(cfg.data.path, /concrete\.csv$/, 'the staging data path replaced the base one');
    assert.equal(cfg.training.seed, 3, '--seed beats the environment block');
    assert.deepEqual(
      cfg.models.map((m) => m.name),
      ['lasso'],
    );
  });

  it('TABFLOW_ENV selects the environment when --env is absent; a bad name exits 2 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-env-'));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    process.env.TABFLOW_ENV = 'staging';
    try {
      const r = tabflow(['train', '--config', 'config.yaml'], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((runConfig(dir) as { environment: string }).environment, 'staging');
      const bad = await tabflowInProcess(['train', '--config', 'config.yaml', '--env', 'prod'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--env = "prod" is not an environment; allowed: dev, staging, production/);
    } finally {
      delete process.env.TABFLOW_ENV;
    }
  });

  it('--tag labels the registered version; a malformed tag exits 2 before training', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabflow-env-'));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const r = await tabflowInProcess(
      ['train', '--config', 'config.yaml', '--env', 'staging', '--tag', 'team=pricing', '--tag', 'ticket=42'],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const show = await tabflowInProcess(['models', 'show', '1', '--json'], dir);
    assert.deepEqual((JSON.parse(show.stdout) as { tags: unknown }).tags, { team: 'pricing', ticket: '42' });
    const bad = await tabflowInProcess(
      ['train', '--config', 'config.yaml', '--env', 'staging', '--tag', 'oops'],
      dir,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--tag "oops" is not allowed: expected key=value/);
    assert.doesNotMatch(bad.stderr, /✓ train/);
  });
});
