/**
 * The layer rules of src/ (ARCHITECTURE.md draws them), checked by `npm test`:
 *   npm run arch   (dependency-cruiser 17, which reads TypeScript 6 and runs on Node 20 and 24)
 * Each rule names a folder and the folders it may import; anything else fails the suite.
 */
const layer = (name, folder, allowed, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: [`^src/(${[folder, ...allowed].join('|')})/`, '^src/version\\.ts$'] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-is-the-product',
      comment: 'src/ never imports the tests, the benchmarks or the examples.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
    layer('core-is-the-foundation', 'core', [], 'errors, matrices, codecs, params, rng: imports nothing of tabflow'),
    layer('data', 'data', ['core'], 'loading files into frames'),
    layer('metrics', 'metrics', ['core'], 'regression metrics'),
    layer('store', 'store', ['core'], 'storage behind async interfaces, one folder per backend, chosen by URI'),
    layer('log', 'log', ['core', 'store'], 'the prediction log and feedback over a PredictionStore'),
    layer('clean', 'clean', ['core', 'data'], 'dedupe, types, validation (nothing learned)'),
    layer('split', 'split', ['core', 'data'], 'train/val/test'),
    layer('monitor', 'monitor', ['core', 'data'], 'reference profiles and drift'),
    layer('models', 'models', ['core', 'metrics'], 'model families: fit, predict, serialise'),
    layer('preprocess', 'preprocess', ['core', 'data', 'models'], 'fitted on TRAIN only'),
    layer('explain', 'explain', ['core', 'metrics', 'models'], 'attributions from a model structure'),
    layer('artifacts', 'artifacts', ['core', 'data', 'metrics', 'models', 'preprocess'], 'the run-folder format: write, open, verify'),
    layer('inference', 'inference', ['core', 'data', 'clean', 'preprocess', 'models', 'explain', 'artifacts'], 'load a run, validate, predict'),
    layer('registry', 'registry', ['core', 'metrics', 'artifacts', 'store'], 'versions and stages over a RegistryStore: no training or inference'),
    layer('promotion', 'promotion', ['core', 'data', 'clean', 'split', 'metrics', 'log', 'inference', 'artifacts', 'registry', 'store'], 'the gate and promote()'),
    layer('ui', 'ui', ['core', 'artifacts', 'inference', 'log', 'monitor', 'loop', 'registry', 'store', 'promotion', 'experiment', 'report'], 'the web UI: pages and their JSON API over a models folder'),
    {
      name: 'ui-is-a-shell',
      comment: 'The web UI reads the library; only the CLI, the server and the entry points mount it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(ui/|cli/|serve/|index\\.ts|internal\\.ts)' },
      to: { path: '^src/ui/' },
    },
    layer('experiment', 'experiment', ['core', 'log', 'monitor', 'artifacts', 'registry', 'store', 'promotion'], 'A/B tests'),
    layer('train', 'train', ['core', 'data', 'clean', 'split', 'metrics', 'models', 'preprocess', 'explain', 'inference', 'monitor', 'artifacts', 'registry', 'promotion'], 'the training pipeline; takes its TrainingConfig slice, never the whole config'),
    layer('loop', 'loop', ['core', 'data', 'log', 'monitor', 'artifacts', 'registry', 'promotion', 'experiment', 'train'], 'monitoring and retrain; reads the sections it needs of a run config'),
    layer('report', 'report', ['core', 'metrics', 'monitor', 'inference', 'artifacts', 'promotion', 'loop'], 'HTML reports of a run folder and of monitoring'),
    layer('serve', 'serve', ['core', 'data', 'log', 'monitor', 'inference', 'artifacts', 'registry', 'store', 'promotion', 'experiment', 'loop', 'ui'], 'the HTTP shell over the library'),
    layer('config', 'config', ['core', 'data', 'clean', 'split', 'preprocess', 'models', 'inference', 'log', 'artifacts', 'registry', 'experiment', 'train', 'loop', 'serve'], 'composes the sections each stage defines; only the CLI and the entry points import it'),
    layer('testing', 'testing', ['core', 'metrics', 'models'], 'tabflow/testing: the model conformance suite'),
    {
      name: 'sqlite-driver-in-its-folder',
      comment: 'Only the SQLite backend (src/store/sqlite/) talks to better-sqlite3.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/sqlite/' },
      to: { path: '(^|/)node_modules/(@types/)?better-sqlite3/' },
    },
    {
      name: 'query-layer-in-the-store',
      comment: 'kysely is the store\'s query layer: only the backends and their shared queries use it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/store/(sql|sqlite)/' },
      to: { path: '(^|/)node_modules/kysely/' },
    },
    {
      name: 'backends-behind-the-factory',
      comment: 'A backend is chosen by URI in src/store/open-stores.ts; only it and the entry points name one.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/store/(open-stores|sqlite/.*|sql/.*)\\.ts$', '^src/(index|internal)\\.ts$'] },
      to: { path: '^src/store/(sqlite|sql)/' },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Only the package entry points import the CLI.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli/|index\\.ts|internal\\.ts)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'serve-is-a-shell',
      comment: 'The server is a shell over the library: only the CLI, the entry points and config (its section) import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(serve/|cli/|config/|index\\.ts|internal\\.ts)' },
      to: { path: '^src/serve/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  },
};
