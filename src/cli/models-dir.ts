/**
 * One name for the models folder on every command: `--models-dir`. The names it had before
 * (`train --out`, `--dir` of report, monitor, models, ab, feedback, retrain) still work as hidden
 * aliases with the same behaviour, so scripts written against them keep running.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';

/** The folder flags a command may receive: the name, and the aliases it replaced. */
export interface ModelsDirFlags {
  modelsDir?: string;
  dir?: string;
  out?: string;
}

/** The default models folder, relative to the working directory. */
export const DEFAULT_MODELS_DIR = 'models';

/**
 * Add `--models-dir <dir>` with `help`, plus each of `aliases` (`'--dir'`, `'--out'`) hidden from
 * the help. No default is set here: callers fall back (config, then `models`) when none is given.
 */
export function addModelsDirOption(
  cmd: Command,
  help: string,
  aliases: readonly ('--dir' | '--out')[],
): Command {
  cmd.option('--models-dir <dir>', help);
  for (const a of aliases) cmd.addOption(new Option(`${a} <dir>`, 'alias of --models-dir').hideHelp());
  return cmd;
}

/**
 * The models folder the user named, from `--models-dir` or an alias; undefined when none was
 * given. Two of them naming different folders is a usage error rather than a silent pick.
 */
export function modelsDirOf(
  o: ModelsDirFlags,
  aliases: readonly ('dir' | 'out')[] = ['dir'],
): string | undefined {
  const given: [string, string][] = [];
  if (o.modelsDir !== undefined) given.push(['--models-dir', o.modelsDir]);
  for (const a of aliases) {
    const v = o[a];
    if (v !== undefined) given.push([`--${a}`, v]);
  }
  const distinct = new Set(given.map(([, v]) => v));
  if (distinct.size > 1) {
    throw new UsageError(
      'models_dir_conflict',
      `${given.map(([f, v]) => `${f} ${JSON.stringify(v)}`).join(' and ')} name different models folders: ` +
        'give one (--models-dir; --dir and train --out are its old names)',
    );
  }
  return given[0]?.[1];
}

/**
 * The models folder, absolute: the flag (or an alias), else `output.dir` of the command's config
 * file (already resolved against that file's folder by readConfigFile), else `models`.
 */
export function modelsRootOf(o: ModelsDirFlags, rawConfig?: Record<string, unknown> | null): string {
  const fromConfig = (rawConfig?.output as { dir?: unknown } | undefined)?.dir;
  return resolve(modelsDirOf(o) ?? (typeof fromConfig === 'string' ? fromConfig : DEFAULT_MODELS_DIR));
}
