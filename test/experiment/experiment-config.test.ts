import assert from 'node:assert/strict';
import { test } from 'node:test';
import YAML from 'yaml';
import { resolveConfig, resolveConfigUnknown } from '../../src/config/config.js';
import { configTemplate } from '../../src/config/template.js';
import { ConfigError } from '../../src/core/errors.js';
import { resolveExperimentConfig } from '../../src/experiment/experiment-config.js';

test('experiment section: defaults, every bad value named, in the config and its template', () => {
  assert.deepEqual(resolveExperimentConfig({}), {
    min_samples: 100,
    max_samples: 1000,
    alpha: 0.05,
    metric: 'mae',
    resamples: 2000,
    seed: 0,
    weight: 0.1,
  });
  assert.throws(
    () => resolveExperimentConfig({ min_samples: 200, max_samples: 50 }),
    (e: ConfigError) =>
      e instanceof ConfigError && /max_samples = 50 .* ≥ min_samples \(200\)/.test(e.message),
  );
  assert.throws(
    () => resolveConfigUnknown({ experiment: { alpha: 0, metric: 'r2', weight: 1 } }),
    (e: ConfigError) =>
      e instanceof ConfigError &&
      ['experiment.alpha', 'experiment.metric', 'experiment.weight'].every((p) =>
        e.issues.some((i) => i.path === p),
      ),
  );
  assert.equal(resolveConfig({ experiment: { max_samples: null } }).experiment.max_samples, null);
  const template = YAML.parse(configTemplate());
  assert.deepEqual(resolveConfig(template).experiment, resolveExperimentConfig({}));
});
