/**
 * The definition (flags, help) of `tabflow storage`: `storage migrate` copies a project's
 * registry, prediction log and runs into another storage and verifies the copy; `storage publish`
 * (re)publishes registered runs, with their training data, to an artifact store. The actions'
 * modules are imported when they run.
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { addModelsDirOption } from './models-dir.js';
import type { SetCode } from './run-commands.js';

/** `tabflow storage migrate`: embedded files → shared stores (or any store → another). */
export function addStorageCommand(program: Command, setCode: SetCode): void {
  const storage = program
    .command('storage')
    .description(
      "move a project's registry, prediction log and runs between storages (migrate); publish runs (publish)",
    )
    .argument('[subcommand]')
    .action((sub?: string) => {
      throw new UsageError(
        'unknown_command',
        sub === undefined
          ? 'tabflow storage needs a command: migrate, publish'
          : `tabflow storage ${JSON.stringify(sub)} is not a command; commands: migrate, publish`,
      );
    });
  storage
    .command('migrate')
    .description(
      'copy the registry (versions, stages, aliases, events), the prediction log and feedback, and every ' +
        "registered version's run into an empty target, then verify counts and sha256 checksums",
    )
    .requiredOption(
      '--from <dir-or-uri>',
      'the source: a models folder (registry.sqlite, predictions.sqlite, runs/) or a store URI (postgres://…)',
    )
    .requiredOption(
      '--to <uri-or-dir>',
      'the target: postgres://user@host:5432/db?schema=tabflow (registry and log), or a models folder',
    )
    .option(
      '--artifacts <uri>',
      'artifact store the runs are published to (default: the --to URI, whose schema the artifact tables can share; ' +
        'none for a folder target)',
    )
    .option('--from-artifacts <uri>', 'artifact store holding the runs of a --from store URI')
    .option(
      '--resume',
      'continue a migration of this source that stopped half-way (the target holds part of it)',
    )
    .option('--verify-only', 'copy nothing: compare the target with the source')
    .option('--json', 'print the report as JSON')
    .action(async (opts) => {
      setCode(await (await import('./storage-migrate-command.js')).storageMigrateCommand(opts));
    });
  addModelsDirOption(
    storage
      .command('publish [refs...]')
      .description(
        'publish registered runs (all, or the versions named: 7, v7, a stage, an alias) with their training data ' +
          'to the artifact store, so hosts without the models folder can serve them and promote them through the gate; ' +
          'runs the store holds already only get what they lack',
      ),
    'models folder holding the run folders (default: output.dir of --config, else models)',
    ['--dir'],
  )
    .option('--artifacts <uri>', 'the artifact store (default: storage.artifacts of --config)')
    .option('--config <file>', 'config.yaml: storage.artifacts, output.dir (with --env applied)')
    .option('--env <name>', 'apply environments.<name> of --config (or TABFLOW_ENV)')
    .option('--json', 'print what was published as JSON')
    .action(async (refs: string[], opts) => {
      setCode(await (await import('./storage-publish-command.js')).storagePublishCommand(refs, opts));
    });
}
