/**
 * `--storage <uri>`: where every command's registry and prediction log live, on any command
 * (before or after its name). It wins over the `storage` section of the command's --config
 * (with --env applied), which wins over TABFLOW_STORAGE_URI; with none of them both stores are the
 * SQLite files of the models folder. Set once, before the command runs, as the process's storage
 * setting (src/store/storage-setting.ts), so every store the command opens agrees.
 */
import type { Command } from 'commander';
import { readConfigFile } from '../config/config.js';
import { applyEnvironment, selectedEnvironment } from '../config/environments.js';
import { resolveStorageConfig, type StorageConfig } from '../store/storage-config.js';
import { useStorage } from '../store/storage-setting.js';

/** The options the storage setting is read from. */
interface StorageFlags {
  storage?: string;
  config?: string;
  env?: string;
}

/** Add `--storage` to the program and apply it (with --config's section) before each command. */
export function addStorageOption(program: Command): void {
  program.option(
    '--storage <uri>',
    'registry and prediction log in one store, e.g. postgres://host:5432/db?schema=tabflow ' +
      '(default: storage.* of --config, else TABFLOW_STORAGE_URI, else SQLite files in the models folder)',
  );
  program.hook('preAction', (_program, action) => {
    applyStorage(action.optsWithGlobals() as StorageFlags);
  });
}

/** Set the process's storage from the flags; a bad URI is an error naming the flag or key. */
export function applyStorage(o: StorageFlags): void {
  const section = o.config ? storageSection(o) : null;
  if (o.storage !== undefined) {
    useStorage({ uri: o.storage }, { uri: '--storage' });
    return;
  }
  useStorage(section ?? {});
}

function storageSection(o: StorageFlags): StorageConfig {
  const raw = applyEnvironment(readConfigFile(o.config as string), selectedEnvironment(o.env));
  return resolveStorageConfig((raw as { storage?: unknown }).storage);
}
