/**
 * Checks run before a training run loads its data, so a run that could not be registered fails
 * in a second instead of after the training: the model name and the tags, and (when the models
 * folder has a registry) that the folder is not another model's. Opening the registry here also
 * refuses a lost registry and cleans the leftovers of a killed save.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { ModelRegistry } from './model-registry.js';
import { checkModelName, checkTags } from './names.js';
import { REGISTRY_DB_FILE } from './sqlite-store.js';

export function checkRegistrable(root: string, name: string, tags: Record<string, string>): void {
  checkModelName(name, 'model name (--name, registry.name)');
  checkTags(tags, 'tag (--tag)');
  if (!existsSync(join(root, REGISTRY_DB_FILE))) return;
  const reg = ModelRegistry.open(root);
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
    reg.close();
  }
}
