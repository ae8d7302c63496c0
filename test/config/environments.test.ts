import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { configToYaml, resolveConfig, resolveConfigUnknown } from '../../src/config/config.js';
import { applyEnvironment, selectedEnvironment } from '../../src/config/environments.js';
import { configTemplate } from '../../src/config/template.js';
import { ConfigError } from '../../src/core/errors.js';
import '../../src/models/index.js';

const RAW = {
  data: { path: 'data/sample.csv', target: 'price' },
  inference: { on_out_of_range: 'warn' },
  registry: { gate_min_improvement_rel: 0 },
  serve: { log_level: 'info', port: 8080 },
  models: ['ridge', 'gbdt'],
  environments: {
    dev: { serve: { log_level: 'debug' } },
    production: {
      data: { path: '/srv/data/full.csv' },
      inference: { on_out_of_range: 'reject' },
      registry: { gate_min_improvement_rel: 0.01 },
      serve: { log_level: 'warn' },
      models: ['gbdt'],
    },
  },
};

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
    return e.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('per-environment config', () => {
  it('merges the chosen environment over the base: mappings key by key, lists replaced', () => {
    const cfg = resolveConfigUnknown(RAW, { env: 'production' });
    assert.equal(cfg.environment, 'production');
    assert.equal(cfg.data.path, '/srv/data/full.csv');
    assert.equal(cfg.data.target, 'price', 'keys the environment does not set stay from the base');
    assert.equal(cfg.inference.on_out_of_range, 'reject');
    assert.equal(cfg.registry.gate_min_improvement_rel, 0.01);
    assert.equal(cfg.serve.log_level, 'warn');
    assert.equal(cfg.serve.port, 8080);
    assert.deepEqual(
      cfg.models.map((m) => m.name),
      ['gbdt'],
    );
  });

  it('uses the base config as written when no environment is chosen', () => {
    const cfg = resolveConfigUnknown(RAW, { env: '' });
    assert.equal(cfg.environment, null);
    assert.equal(cfg.data.path, 'data/sample.csv');
    assert.equal(cfg.serve.log_level, 'info');
    assert.deepEqual(
      cfg.models.map((m) => m.name),
      ['ridge', 'gbdt'],
    );
  });

  it('reads TABFLOW_ENV when no flag is given, and the flag wins over it', () => {
    assert.equal(selectedEnvironment(undefined, { TABFLOW_ENV: 'dev' }), 'dev');
    assert.equal(selectedEnvironment('staging', { TABFLOW_ENV: 'dev' }), 'staging');
    assert.equal(selectedEnvironment(undefined, {}), null);
    const cfg = resolveConfig(applyEnvironment(RAW, selectedEnvironment(undefined, { TABFLOW_ENV: 'dev' })));
    assert.equal(cfg.serve.log_level, 'debug');
    assert.equal(cfg.environment, 'dev');
  });

  it('rejects unknown environments with the allowed names', () => {
    const flag = issuesOf(() => selectedEnvironment('prod', {}));
    assert.match(flag[0], /--env = "prod" is not an environment; allowed: dev, staging, production/);
    const envVar = issuesOf(() => selectedEnvironment(undefined, { TABFLOW_ENV: 'qa' }));
    assert.match(envVar[0], /TABFLOW_ENV = "qa"/);
    const block = issuesOf(() => resolveConfigUnknown({ environments: { prod: {} } }));
    assert.match(block[0], /environments\.prod: "prod" is not an environment/);
    const bad = issuesOf(() => resolveConfigUnknown({ environments: { dev: [1] } }));
    assert.match(bad[0], /environments\.dev must be a mapping/);
  });

  it('validates the merged result, naming the key an environment got wrong', () => {
    const issues = issuesOf(() =>
      resolveConfigUnknown(
        { environments: { staging: { serve: { log_level: 'loud' } } } },
        { env: 'staging' },
      ),
    );
    assert.equal(issues.length, 1);
    assert.match(issues[0], /serve\.log_level/);
    assert.match(issues[0], /loud/);
  });

  it('a saved run config (environment already applied) resolves to the same config', () => {
    const cfg = resolveConfigUnknown(RAW, { env: 'production' });
    const again = resolveConfig(YAML.parse(configToYaml(cfg)));
    assert.deepEqual(again, cfg);
  });

  it('tabflow init documents the registry, serve and environments sections, and its output resolves', () => {
    const text = configTemplate();
    for (const s of ['registry:', 'serve:', '# environments:', 'gate_metric', 'reload_poll_ms']) {
      assert.ok(text.includes(s), `template lacks ${s}`);
    }
    const cfg = resolveConfig(YAML.parse(text));
    assert.equal(cfg.registry.name, 'default');
    assert.equal(cfg.registry.gate_metric, 'rmse');
    assert.equal(cfg.serve.host, '127.0.0.1');
  });
});
