/**
 * `tabflow models ...`: the model families (`families`, also `tabflow models` alone) and the
 * registry of a models root: list | show | diff | promote | rollback | history | alias.
 *
 * Exit codes: 0 done, 2 bad usage (unknown version, stage or alias, bad name, ...),
 * 3 promotion refused by the production gate (the version stays registered; nothing moved).
 */
import type { Command } from 'commander';
import { readConfigFile } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { UsageError } from '../core/errors.js';
import { describeParams } from '../core/params.js';
import '../models/index.js';
import { getFamily, modelKinds } from '../models/families.js';
import { type GateConfig, gateConfigOf } from '../promotion/gate.js';
import { promote } from '../promotion/promote.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { checkStage } from '../registry/names.js';
import { resolveRegistryConfig } from '../registry/registry-config.js';
import { REGISTRY_DB_FILE, registryUriOf, storeExists } from '../store/open-stores.js';
import { addModelsDirOption, type ModelsDirFlags, modelsDirOf, modelsRootOf } from './models-dir.js';
import {
  diffText,
  historyTable,
  promotionLines,
  rebuildLines,
  recoveryLine,
  versionDetails,
  versionsTable,
} from './models-format.js';
import { storeRunsFor } from './store-runs-option.js';

/** Exit code of a promotion the gate refused. */
export const EXIT_GATE_REFUSED = 3;

export function modelsCommand(): number {
  for (const k of modelKinds()) {
    const f = getFamily(k);
    process.stdout.write(`${k} — ${f.description} (categoricals: ${f.input})\n`);
    for (const line of describeParams(f.params)) process.stdout.write(`    ${line}\n`);
  }
  return 0;
}

interface Common extends ModelsDirFlags {
  env?: string;
  config?: string;
  json?: boolean;
}

/** The config file (with its environment block applied) when --config is given. */
function configOf(o: Common): Record<string, unknown> | null {
  const env = selectedEnvironment(o.env);
  return o.config ? applyEnvironment(readConfigFile(o.config), env) : null;
}

function rootOf(o: Common): string {
  return modelsRootOf(o, configOf(o));
}

/** Open an existing registry (reading commands never create one). */
async function openExisting(o: Common): Promise<ModelRegistry> {
  const root = rootOf(o);
  if (!(await storeExists('registry', registryUriOf(root)))) {
    throw new UsageError(
      'no_registry',
      `No model registry in ${root} (no ${REGISTRY_DB_FILE}): train a model there first ` +
        `(tabflow train --models-dir ${modelsDirOf(o) ?? 'models'}) or pass --models-dir`,
    );
  }
  return ModelRegistry.open(root);
}

async function withRegistry(o: Common, fn: (r: ModelRegistry) => number | Promise<number>): Promise<number> {
  const r = await openExisting(o);
  for (const f of r.reconciled) {
    process.stderr.write(
      f.error
        ? `warning: cannot repair stage ${f.stage}: ${f.error}\n`
        : f.followed
          ? `${f.stage} moved in the shared registry: its link here now points to ${f.now}\n`
          : `repaired ${f.stage}: its link pointed to ${f.was ?? 'nothing'}, now ${f.now ?? 'removed'}\n`,
    );
  }
  for (const n of r.recovered) process.stderr.write(`${recoveryLine(n)}\n`);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

function print(o: Common, json: unknown, text: () => string): number {
  process.stdout.write(o.json ? `${JSON.stringify(json, null, 2)}\n` : `${text()}\n`);
  return 0;
}

/** The `models` command and its subcommands; `setCode` receives each action's exit code. */
export function addModelsCommand(program: Command, setCode: (code: number) => void): void {
  const models = program
    .command('models')
    .description(
      'model families, and the registry: list | show | diff | promote | rollback | history | alias | rebuild',
    )
    .argument('[subcommand]')
    .action((sub?: string) => {
      if (sub !== undefined) {
        throw new UsageError(
          'unknown_command',
          `tabflow models ${JSON.stringify(sub)} is not a command; commands: ` +
            'families, list, show, diff, promote, rollback, history, alias, rebuild',
        );
      }
      setCode(modelsCommand());
    });
  models
    .command('families')
    .description('list the model families and their parameters')
    .action(() => setCode(modelsCommand()));
  addReadCommands(models, setCode);
  addMoveCommands(models, setCode);
}

/** The options every registry command takes: the models folder, --config, --env, --json. */
function common(c: Command): Command {
  return addModelsDirOption(
    c,
    'models folder holding registry.sqlite (default: output.dir of --config, else models)',
    ['--dir'],
  )
    .option('--config <file>', 'config.yaml: output.dir and the registry gate, with --env applied')
    .option(
      '--env <name>',
      'apply environments.<name> of --config: dev, staging, production (or TABFLOW_ENV)',
    )
    .option('--json', 'print JSON instead of tables');
}

/** list, show, diff and history: the registry read. */
function addReadCommands(models: Command, setCode: (code: number) => void): void {
  common(
    models.command('list').description('registered versions with their stages, aliases and test metrics'),
  ).action(async (o: Common) =>
    setCode(
      await withRegistry(o, async (r) => {
        const list = await r.list();
        return print(o, list, () => versionsTable(list));
      }),
    ),
  );
  common(
    models
      .command('show <ref>')
      .description('one version: run, model, metrics, hashes (ref: 7, v7, stage, alias)'),
  ).action(async (ref: string, o: Common) =>
    setCode(
      await withRegistry(o, async (r) => {
        const v = await r.get(ref);
        return print(o, v, () => versionDetails(v));
      }),
    ),
  );
  common(
    models
      .command('diff <a> <b>')
      .description('params, metrics, data and config differences of two versions'),
  ).action(async (a: string, b: string, o: Common) =>
    setCode(
      await withRegistry(o, async (r) => {
        const d = await r.diff(a, b);
        return print(o, d, () => diffText(d));
      }),
    ),
  );
  common(
    models
      .command('history')
      .description('every registration, promotion (passed, refused, forced), rollback and alias change')
      .option('--limit <n>', 'newest events to show')
      .option('--stage <stage>', 'only events of this stage'),
  ).action(async (o: Common & { limit?: string; stage?: string }) => {
    const limit = o.limit === undefined ? undefined : Number(o.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw new UsageError(
        'bad_limit',
        `--limit ${JSON.stringify(o.limit)} is not allowed: expected a positive integer`,
      );
    }
    const stage = o.stage === undefined ? undefined : checkStage(o.stage, '--stage');
    setCode(
      await withRegistry(o, async (r) => {
        const h = await r.history({ limit, stage });
        return print(o, h, () => historyTable(h));
      }),
    );
  });
}

/** promote, rollback, rebuild and alias: the registry changed. */
function addMoveCommands(models: Command, setCode: (code: number) => void): void {
  common(
    models
      .command('promote <ref>')
      .description('move a version into a stage; into production only through the gate (exit 3 when refused)')
      .requiredOption('--to <stage>', 'dev, staging or production')
      .option('--force', 'promote even if the gate refuses (the numbers are recorded)')
      .option('--reason <text>', 'why: recorded in the history')
      .option('--eval-data <file>', "score the gate on this file instead of the candidate's TEST rows"),
  ).action(
    async (ref: string, o: Common & { to: string; force?: boolean; reason?: string; evalData?: string }) => {
      const stage = checkStage(o.to, '--to');
      const gate = gateFromConfig(o);
      setCode(
        await withRegistry(o, async (r) => {
          // A host without the run folders (an operator's) reads them from storage.artifacts.
          const remote = await storeRunsFor(configOf(o), r, ref);
          try {
            const d = await promote(r, ref, stage, {
              force: o.force,
              reason: o.reason,
              evalData: o.evalData,
              gate,
              ...(remote ? { runs: remote.runs } : {}),
            });
            print(o, d, () => promotionLines(d, r.root).join('\n'));
            return d.applied ? 0 : EXIT_GATE_REFUSED;
          } finally {
            await remote?.close();
          }
        }),
      );
    },
  );
  common(
    models
      .command('rollback')
      .description('move a stage back to the version it held before the current one')
      .requiredOption('--stage <stage>', 'dev, staging or production')
      .option('--reason <text>', 'why: recorded in the history'),
  ).action(async (o: Common & { stage: string; reason?: string }) => {
    const stage = checkStage(o.stage, '--stage');
    setCode(
      await withRegistry(o, async (r) => {
        const d = await r.rollback(stage, { reason: o.reason });
        return print(o, d, () => promotionLines(d, r.root).join('\n'));
      }),
    );
  });
  common(
    models
      .command('rebuild')
      .description(
        'rebuild an emptied or unreadable registry.sqlite from the run folders and stage links (aliases and history are not restored)',
      ),
  ).action(async (o: Common) => {
    const r = await ModelRegistry.rebuild(rootOf(o));
    setCode(print(o, r, () => rebuildLines(r).join('\n')));
  });
  common(
    models
      .command('alias <name> [ref]')
      .description('point an alias (champion, challenger, ...) at a version, or --remove it')
      .option('--remove', 'remove the alias'),
  ).action(async (name: string, ref: string | undefined, o: Common & { remove?: boolean }) => {
    setCode(
      await withRegistry(o, async (r) => {
        if (o.remove) {
          await r.removeAlias(name);
          return print(o, { alias: name, removed: true }, () => `removed alias ${name}`);
        }
        if (ref === undefined) {
          throw new UsageError(
            'missing_ref',
            `tabflow models alias ${name} needs a version ref (7, v7, a stage) or --remove`,
          );
        }
        const v = await r.setAlias(name, ref);
        return print(o, { alias: name, version: v.version }, () => `${name} → v${v.version}`);
      }),
    );
  });
}

function gateFromConfig(o: Common): GateConfig | undefined {
  const cfg = configOf(o);
  return cfg ? gateConfigOf(resolveRegistryConfig(cfg.registry)) : undefined;
}
