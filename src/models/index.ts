/**
 * Composition root for model families: the only place that names concrete model classes.
 * Each family module exports a `ModelFamily`; registering it here makes it a candidate in
 * `tabflow train` and loadable from model.json.
 */
import { linearFamilies } from './linear/index.js';
import { registerModel } from './registry.js';

// Families register below, one line each.
for (const f of linearFamilies) registerModel(f);
