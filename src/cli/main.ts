/**
 * The `tabflow` command: a thin shell over the library. Exit codes: 0 success, 2 usage, config
 * or data errors, 1 anything else. A TabflowError prints its message, never a stack trace.
 * Each command's module is imported when it runs: the HTTP server's stack alone takes ~0.4 s
 * to load, which a `train` or `predict` should not pay.
 */
import { Command, CommanderError } from 'commander';
import { TabflowError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { addAbCommand } from './ab-command.js';
import { addModelsCommand } from './models-command.js';
import { addModelsDirOption, modelsDirOf } from './models-dir.js';
import { addUiCommand } from './ui-command.js';

export async function main(argv: string[] = process.argv): Promise<number> {
  quietOnClosedPipes();
  const program = new Command('tabflow')
    .description('Tabular machine-learning workflow: train, evaluate, select and save regression models')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  const train = program
    .command('train')
    .description(
      'load → clean → split → preprocess (train only) → train candidates → evaluate → select → save',
    )
    .option('--data <file>', 'data file: .csv .tsv .zip .parquet .json .ndjson')
    .option('--target <column>', 'numeric column to predict')
    .option('--config <file>', 'config.yaml (see `tabflow init`)')
    .option('--models <list>', 'comma-separated candidates to train, e.g. ridge,gbdt')
    .option('--split-column <column>', 'column holding train/val/test per row (not used as a feature)')
    .option('--seed <n>', 'seed for the split and every model')
    .option('--promote', 'promote this run to <models dir>/production through the gate even if one exists')
    .option('--json', 'print results.json to stdout instead of the leaderboard')
    .option(
      '--env <name>',
      'apply environments.<name> of the config: dev, staging, production (or TABFLOW_ENV)',
    )
    .option('--name <model>', 'registered model name (default: registry.name of the config)')
    .option(
      '--tag <key=value>',
      'registry tag of the new version (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      '--allow-data-change',
      "register the run even if its target or input columns differ from the model's previous version",
    );
  addModelsDirOption(
    train,
    'models folder: runs, stages, registry (default: output.dir of --config, else models)',
    ['--out', '--dir'],
  ).action(async (opts) => {
    code = await (await import('./train-command.js')).trainCommand(opts);
  });
  program
    .command('init')
    .description('write a commented config.yaml with every option and its default')
    .option('--out <file>', 'where to write it', 'config.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (opts) => {
      code = (await import('./init-command.js')).initCommand(opts);
    });
  addModelsCommand(program, (c) => {
    code = c;
  });
  program
    .command('predict')
    .description('batch predictions of a file with a saved run: validated, in chunks, written atomically')
    .option('--model <dir>', 'run folder or models/production')
    .option('--data <file>', 'data file: .csv .tsv .zip .parquet .json .ndjson')
    .option('--out <file>', 'predictions file: .csv .json .ndjson .parquet', 'predictions.csv')
    .option('--interval', 'write the conformal interval: lower, upper, coverage (the default)')
    .option('--no-interval', 'leave the interval columns out')
    .option('--explain', 'add per-column attributions (attr_<column>) and base_value (slower)')
    .option(
      '--explain-threads <n>',
      'threads computing attributions (default: one per CPU core; 0: this one)',
    )
    .option('--chunk-rows <n>', 'rows per chunk (default 65536)')
    .option(
      '--policy <list>',
      'override checks, e.g. out_of_range=clip,unknown_category=reject (reject|warn|clip)',
    )
    .action(async (opts) => {
      code = await (await import('./predict-command.js')).predictCommand(opts);
    });
  const report = program
    .command('report')
    .description(
      'one run as an HTML page: leaderboard, predicted vs actual on TEST, residuals, coverage, importances',
    )
    .option('--model <dir>', 'run folder (default: --stage of --models-dir)')
    .option('--stage <stage>', 'stage to report on (default production)')
    .option('--out <file>', 'HTML file (default report-<run id>.html)');
  addModelsDirOption(report, 'models folder holding the stage (default: models)', ['--dir']).action(
    async (opts) => {
      code = await (await import('./report-command.js')).reportCommand(opts);
    },
  );
  const serve = program
    .command('serve')
    .description(
      'HTTP service for a stage or saved model: /predict, /invocations (MLflow), /docs, /metrics; ' +
        'follows promotions (hot reload); logs predictions with their version',
    )
    .option('--stage <stage>', 'serve this stage of --models-dir and follow it: dev, staging, production')
    .option('--model <dir>', 'run folder (served as is) or stage link (followed) instead of --stage')
    .option('--config <file>', 'config.yaml whose serve section sets the defaults below')
    .option(
      '--env <name>',
      'apply environments.<name> of the config: dev, staging, production (or TABFLOW_ENV)',
    )
    .option('--host <host>', 'address to bind (default: serve.host, 127.0.0.1)')
    .option('--port <n>', 'TCP port, 0 = any free port (default: serve.port, 8080)')
    .option('--log-db <file>', 'prediction log (default: <models dir>/predictions.sqlite)')
    .option('--no-log', 'do not record predictions')
    .option(
      '--log-durability <mode>',
      'buffered (rows written in batches; kill -9 loses < 128) or ack (answered once logged); default: log.durability',
    )
    .option(
      '--log-level <level>',
      'fatal, error, warn, info, debug, trace, silent (default: serve.log_level)',
    )
    .option(
      '--reload-poll-ms <ms>',
      'how often to check the stage for a new version; 0 = only on /admin/reload',
    )
    .option(
      '--body-limit <bytes>',
      'largest request body in bytes; larger ones get 413 (default: serve.body_limit, 1 MiB)',
    )
    .option('--workers <n>', 'server processes sharing the port (one per core at most)', '1')
    .option('--no-micro-batch', 'score each request alone instead of batching those arriving together')
    .option('--ui', 'also serve the web UI (runs, a run, compare) at /ui/');
  addModelsDirOption(serve, 'models folder holding the stages (default: models)', ['--dir']).action(
    async (opts) => {
      code = await (await import('./serve-command.js')).serveCommand({
        ...opts,
        modelsDir: modelsDirOf(opts),
      });
    },
  );
  const logs = program
    .command('logs')
    .description('summarise or export the prediction log')
    .option('--db <file>', 'prediction log (default: <models dir>/predictions.sqlite)')
    .option('--model <dir>', 'find the log next to this model folder instead')
    .option('--since <when>', 'only rows since a duration ago (30m, 1h, 2d) or an ISO date')
    .option('--until <when>', 'only rows before a duration ago or an ISO date')
    .option('--run <id>', 'only rows from this run id')
    .option('--model-version <n>', 'only rows served by this registered version (3 or v3)')
    .option('--limit <n>', 'latest rows to print', '20')
    .option('--export <file>', 'write the rows to .csv, .json, .ndjson or .parquet')
    .option('--json', 'print the summary and latest rows as JSON');
  addModelsDirOption(logs, 'models folder whose prediction log is read (default: models)', ['--dir']).action(
    async (opts) => {
      code = await (await import('./logs-command.js')).logsCommand(opts);
    },
  );
  const feedback = program
    .command('feedback')
    .description('record ground truth for served predictions from a file (request_id, actual[, row])')
    .option('--data <file>', 'labels file: .csv .tsv .zip .parquet .json .ndjson')
    .option('--db <file>', 'prediction log file (default: <models dir>/predictions.sqlite)')
    .option('--id-column <name>', 'column holding the request id', 'request_id')
    .option('--row-column <name>', 'column holding the row within a multi-row request', 'row')
    .option('--actual-column <name>', 'column holding the observed value', 'actual')
    .option('--json', 'print every verdict as JSON');
  addModelsDirOption(feedback, 'models folder whose prediction log gets the actuals (default: models)', [
    '--dir',
  ]).action(async (opts) => {
    code = await (await import('./feedback-command.js')).feedbackCommand(opts);
  });
  const monitor = program
    .command('monitor')
    .description(
      'drift of served inputs vs the training profile, and live accuracy from feedback; exit 3 on alarm',
    )
    .option('--stage <stage>', 'stage whose model is monitored', 'production')
    .option('--model <dir>', 'monitor this run or stage folder instead')
    .option('--db <file>', 'prediction log (default: <models dir>/predictions.sqlite)')
    .option('--since <when>', 'only predictions since a duration ago (30m, 24h, 7d) or an ISO date')
    .option('--until <when>', 'only predictions before a duration ago or an ISO date')
    .option('--window <n>', 'latest predictions (and actuals) judged (default: monitoring.window, 1000)')
    .option('--report <file>', 'also write an HTML report with plots')
    .option('--config <file>', "thresholds from this config (default: the monitored run's config)")
    .option('--env <name>', 'apply environments.<name> of --config (or TABFLOW_ENV)')
    .option('--json', 'print the whole result as JSON');
  addModelsDirOption(monitor, 'models folder holding the stage and the prediction log (default: models)', [
    '--dir',
  ]).action(async (opts) => {
    code = await (await import('./monitor-command.js')).monitorCommand(opts);
  });
  const retrain = program
    .command('retrain')
    .description(
      'retrain production on new data → gate on fresh held-out rows → A/B test, promote or register',
    )
    .option('--data <file>', 'new labelled rows (same columns as the training data)')
    .option('--from-feedback', 'add served inputs whose actuals came back as feedback')
    .option('--since <when>', 'only feedback since a duration ago (7d) or an ISO date')
    .option('--db <file>', 'prediction log (default: <models dir>/predictions.sqlite)')
    .option('--models <list>', "train these candidates instead of the production config's")
    .option('--then <action>', 'after the gate passes: ab, promote or none (default: retrain.on_gate_pass)')
    .option('--json', 'print the result as JSON');
  addModelsDirOption(retrain, 'models folder: production, registry, prediction log (default: models)', [
    '--dir',
  ]).action(async (opts) => {
    code = await (await import('./retrain-command.js')).retrainCommand(opts);
  });
  addAbCommand(program, (c) => {
    code = c;
  });
  addUiCommand(program, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    return reportError(e);
  }
}

let pipesGuarded = false;

/**
 * `tabflow models families | head -1`: once the reader of stdout (or stderr) goes away, further
 * writes fail with EPIPE, which Node raises as an unhandled 'error' event (a stack trace, exit 1).
 * Like a Unix tool killed by SIGPIPE, go quiet instead: later writes to that stream are dropped
 * and the command ends with its own exit code (a server or a batch job still finishes its work).
 */
function quietOnClosedPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      stream.write = (() => true) as typeof stream.write;
    });
  }
}

export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message; --help and --version exit 0.
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof TabflowError) {
    process.stderr.write(`\nerror: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(`\nunexpected error: ${err?.message ?? String(e)}\n`);
  if (process.env.TABFLOW_DEBUG) process.stderr.write(`${err?.stack}\n`);
  else process.stderr.write('(set TABFLOW_DEBUG=1 for a stack trace, and please report it)\n');
  return 1;
}
