/**
 * The definitions (flags, help) of the commands that operate a served model: serve, logs,
 * feedback, monitor and retrain. Each action imports its command's module only when it runs.
 */
import type { Command } from 'commander';
import { addModelsDirOption, modelsDirOf } from './models-dir.js';
import type { SetCode } from './run-commands.js';

/** `tabflow serve`: the HTTP service for a stage or a saved model. */
export function addServeCommand(program: Command, setCode: SetCode): void {
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
    .option('--ui', 'also serve the web UI (runs, a run, compare, models, production) at /ui/');
  addModelsDirOption(serve, 'models folder holding the stages (default: models)', ['--dir']).action(
    async (opts) => {
      setCode(
        await (await import('./serve-command.js')).serveCommand({
          ...opts,
          modelsDir: modelsDirOf(opts),
        }),
      );
    },
  );
}

/** `tabflow logs`: summarise or export the prediction log. */
export function addLogsCommand(program: Command, setCode: SetCode): void {
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
      setCode(await (await import('./logs-command.js')).logsCommand(opts));
    },
  );
}

/** `tabflow feedback`: record ground truth for served predictions from a file. */
export function addFeedbackCommand(program: Command, setCode: SetCode): void {
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
    setCode(await (await import('./feedback-command.js')).feedbackCommand(opts));
  });
}

/** `tabflow monitor`: drift of served inputs and live accuracy; exit 3 on alarm. */
export function addMonitorCommand(program: Command, setCode: SetCode): void {
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
    setCode(await (await import('./monitor-command.js')).monitorCommand(opts));
  });
}

/** `tabflow retrain`: retrain production on new data, gate, then A/B test, promote or register. */
export function addRetrainCommand(program: Command, setCode: SetCode): void {
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
    setCode(await (await import('./retrain-command.js')).retrainCommand(opts));
  });
}
