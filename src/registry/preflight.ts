/**
 * Checks run before a training run fits anything, so a run that could not (or should not) be
 * registered fails in seconds instead of after the training: before the data is loaded, the
 * model name, the tags and whether the folder is another model's (opening the registry also
 * refuses a lost registry and cleans a killed save's leftovers); once it is loaded, whether the
 * target and input columns are those of the model's previous version.
 */
import { UsageError } from '../core/errors.js';
import { registryUriOf, storeExists } from '../store/open-stores.js';
import { ModelRegistry } from './model-registry.js';
import { checkModelName, checkTags } from './names.js';
import type { VersionRecord } from './records.js';

/**
 * The name and tags a run would be registered under, and whether `root` holds another model
 * (opening its registry, when it has one, also cleans a killed save's leftovers).
 */
export async function checkRegistrable(
  root: string,
  name: string,
  tags: Record<string, string>,
): Promise<void> {
  checkModelName(name, 'model name (--name, registry.name)');
  checkTags(tags, 'tag (--tag)');
  if (!(await storeExists('registry', registryUriOf(root)))) return;
  const reg = await ModelRegistry.open(root);
  try {
    const held = reg.modelName;
    if (held !== null && held !== name) {
      throw new UsageError(
        'other_model',
        `${root} holds the registered model "${held}"; registering "${name}" there is not allowed: ` +
          `one models folder holds one model, so use another --models-dir (or --name ${held})`,
      );
    }
  } finally {
    await reg.close();
  }
}

/** What a new run trains on, known once its data is loaded, cleaned and split. */
export interface RunDataset {
  target: string;
  /** Input columns (the features the preprocessor will see). */
  features: readonly string[];
  dataFile: string;
  rows: number;
}

/**
 * A new version of a model must predict the same target from the same input columns as the
 * version before it; otherwise (concrete trained into a folder of diamonds models) it is refused
 * before training, unless `allow` (--allow-data-change, registry.allow_data_change).
 */
export async function checkSameDataset(root: string, run: RunDataset, allow: boolean): Promise<void> {
  if (allow || !(await storeExists('registry', registryUriOf(root)))) return;
  const reg = await ModelRegistry.open(root);
  let prev: VersionRecord | undefined;
  try {
    prev = (await reg.list()).at(-1);
  } finally {
    await reg.close();
  }
  if (!prev?.target || !prev.features) return;
  const before = new Set(prev.features);
  const now = new Set(run.features);
  const added = run.features.filter((f) => !before.has(f));
  const missing = prev.features.filter((f) => !now.has(f));
  const sameTarget = prev.target === run.target;
  if (sameTarget && !added.length && !missing.length) return;
  const what = [
    ...(sameTarget ? [] : [`the target is "${run.target}", v${prev.version} predicts "${prev.target}"`]),
    ...(added.length ? [`new columns ${listed(added)}`] : []),
    ...(missing.length ? [`missing columns ${listed(missing)}`] : []),
  ];
  throw new UsageError(
    'other_dataset',
    `${root} holds model "${prev.name}" v${prev.version}, trained on ${prev.data_file ?? 'its data'}` +
      `${prev.data_rows === undefined ? '' : ` (${prev.data_rows.toLocaleString('en')} rows)`} to predict ` +
      `"${prev.target}" from ${prev.features.length} columns; this run (${run.dataFile}, ` +
      `${run.rows.toLocaleString('en')} rows) differs: ${what.join('; ')}. Nothing was trained. ` +
      `A different dataset is another model: train it with --name <other> (registry.name) and its own ` +
      `--models-dir (output.dir), one model per folder; if the change ` +
      'is on purpose, pass --allow-data-change (registry.allow_data_change: true)',
  );
}

/** Up to 8 names, then how many more. */
function listed(names: string[]): string {
  const shown = names.slice(0, 8).map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}…` : n));
  return `${shown.join(', ')}${names.length > 8 ? ` and ${names.length - 8} more` : ''}`;
}
