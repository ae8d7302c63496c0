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
import {
  addFeedbackCommand,
  addLogsCommand,
  addMonitorCommand,
  addRetrainCommand,
  addServeCommand,
} from './operate-commands.js';
import {
  addInitCommand,
  addPredictCommand,
  addReportCommand,
  addTrainCommand,
  addWorkerCommand,
  type SetCode,
} from './run-commands.js';
import { addStorageCommand } from './storage-command.js';
import { addStorageOption } from './storage-option.js';
import { addUiCommand } from './ui-command.js';

export async function main(argv: string[] = process.argv): Promise<number> {
  quietOnClosedPipes();
  const program = new Command('tabflow')
    .description('Tabular machine-learning workflow: train, evaluate, select and save regression models')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let code = 0;
  const setCode: SetCode = (c) => {
    code = c;
  };
  // Registered in the order `tabflow --help` lists them.
  addStorageOption(program);
  addTrainCommand(program, setCode);
  addWorkerCommand(program, setCode);
  addInitCommand(program, setCode);
  addModelsCommand(program, setCode);
  addPredictCommand(program, setCode);
  addReportCommand(program, setCode);
  addServeCommand(program, setCode);
  addLogsCommand(program, setCode);
  addFeedbackCommand(program, setCode);
  addMonitorCommand(program, setCode);
  addRetrainCommand(program, setCode);
  addAbCommand(program, setCode);
  addStorageCommand(program, setCode);
  addUiCommand(program, setCode);
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
