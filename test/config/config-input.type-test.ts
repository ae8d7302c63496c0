/**
 * Compile-time checks of `resolveConfig`'s typed input (compiled by `tsc -p tsconfig.test.json`,
 * never run): each `@ts-expect-error` line must fail to type-check, so a typo in a key, an enum
 * value or a model name is caught by the compiler. Imports the public API, as users do.
 */
import { resolveConfig, resolveConfigUnknown, type TabflowConfigInput } from '../../src/index.js';

export function typedConfigs(): unknown[] {
  const ok: TabflowConfigInput = {
    data: { path: 'diamonds.csv', target: 'price', format: 'csv', delimiter: null },
    cleaning: { drop_duplicates: false, types: { carat: 'numeric' }, drop_columns: ['id'] },
    split: { strategy: 'random', train: 0.7, val: 0.1, test: 0.2, seed: 1 },
    preprocessing: { scaling: 'standard', outliers: 'iqr' },
    models: [
      'ridge',
      'gbdt',
      { model: 'ridge', name: 'ridge_strong', params: { alpha: 10 } },
      { name: 'lasso', params: { alpha: 0.01, max_iter: 5000 } },
      { model: 'gbdt', params: { loss: 'huber', early_stopping: 'auto' }, tuning: { trials: 5 } },
      { model: 'random_forest', params: { max_features: 'sqrt' } },
      { model: 'random_forest', params: { max_features: 0.5 } },
    ],
    training: { seed: 0, threads: null },
    selection: { metric: 'rmse' },
    output: { dir: 'models', promote: 'always' },
    inference: { on_out_of_range: 'clip' },
    registry: { name: 'prices' },
    serve: { port: 8080, log_level: 'warn' },
    monitoring: {},
    experiment: { metric: 'mae' },
    retrain: {},
    environments: { production: { data: { path: '/srv/full.csv' }, serve: { log_level: 'warn' } } },
  };
  return [
    resolveConfig(ok),
    resolveConfig(),
    // A file or a request body: shape unknown at compile time, checked at run time.
    resolveConfigUnknown(JSON.parse('{}') as unknown),
    // @ts-expect-error misspelt key
    resolveConfig({ data: { targt: 'price' } }),
    // @ts-expect-error unknown model family
    resolveConfig({ models: ['ridgee'] }),
    // @ts-expect-error unknown model family in a mapping
    resolveConfig({ models: [{ model: 'xgboost' }] }),
    // @ts-expect-error a parameter of another family (alpha is ridge's, not gbdt's)
    resolveConfig({ models: [{ model: 'gbdt', params: { alpha: 1 } }] }),
    // @ts-expect-error enum value outside its list
    resolveConfig({ output: { promote: 'sometimes' } }),
    // @ts-expect-error wrong type: a number where a string is expected
    resolveConfig({ data: { target: 3 } }),
    // @ts-expect-error unknown section
    resolveConfig({ trainng: { seed: 1 } }),
    // @ts-expect-error unknown environment
    resolveConfig({ environments: { prod: {} } }),
    // @ts-expect-error a column type outside numeric | categorical | boolean | datetime
    resolveConfig({ cleaning: { types: { carat: 'float' } } }),
    // @ts-expect-error the typed entry point does not take unknown values: use resolveConfigUnknown
    resolveConfig(JSON.parse('{}') as unknown),
  ];
}
