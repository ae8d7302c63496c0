/**
 * The definitions (flags, help) of the commands that train and use a run: train, init, predict
 * and report. Each action imports its command's module only when it runs (see main.ts).
 */
import type { Command } from 'commander';
import { addModelsDirOption } from './models-dir.js';

/** Receives the exit code of the command that ran. */
export type SetCode = (code: number) => void;

/** `tabflow train`: the training pipeline on a data file, registered as the next version. */
export function addTrainCommand(program: Command, setCode: SetCode): void {
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
    )
    .option(
      '--queue <uri>',
      'run the fit jobs on `tabflow worker` processes through this Redis, e.g. redis://127.0.0.1:6379/0',
    )
    .option('--queue-name <name>', 'the queue the workers listen on (default: tabflow-fit)');
  addModelsDirOption(
    train,
    'models folder: runs, stages, registry (default: output.dir of --config, else models)',
    ['--out', '--dir'],
  ).action(async (opts) => {
    setCode(await (await import('./train-command.js')).trainCommand(opts));
  });
}

/** `tabflow init`: a commented config.yaml with every option and its default. */
export function addInitCommand(program: Command, setCode: SetCode): void {
  program
    .command('init')
    .description('write a commented config.yaml with every option and its default')
    .option('--out <file>', 'where to write it', 'config.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (opts) => {
      setCode((await import('./init-command.js')).initCommand(opts));
    });
}

/** `tabflow predict`: batch predictions of a file with a saved run. */
export function addPredictCommand(program: Command, setCode: SetCode): void {
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
      setCode(await (await import('./predict-command.js')).predictCommand(opts));
    });
}

/** `tabflow report`: one run as an HTML page. */
export function addReportCommand(program: Command, setCode: SetCode): void {
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
      setCode(await (await import('./report-command.js')).reportCommand(opts));
    },
  );
}

/** `tabflow worker`: runs the fit jobs of distributed trainings (`tabflow train --queue`). */
export function addWorkerCommand(program: Command, setCode: SetCode): void {
  program
    .command('worker')
    .description('take fit jobs from a Redis queue (tabflow train --queue) until stopped (Ctrl-C / SIGTERM)')
    .requiredOption('--queue <uri>', 'the Redis of the queue, e.g. redis://127.0.0.1:6379/0')
    .option('--queue-name <name>', 'the queue to listen on (default: tabflow-fit)')
    .option('--concurrency <n>', 'jobs at once in this process (one model thread each)', '1')
    .option(
      '--lock-seconds <s>',
      "a job's lock: a worker silent this long is taken for dead and its job queued again",
      '30',
    )
    .action(async (opts) => {
      setCode(await (await import('./worker-command.js')).workerCommand(opts));
    });
}
