/**
 * Composition root for model families: the only place that names concrete model classes.
 * Each family module exports a `ModelFamily`; registering it here makes it a candidate in
 * `tabflow train` and loadable from model.json.
 */
import { decisionTree } from './decision-tree/family.js';
import { forestFamilies } from './forest/index.js';
import { gbdt } from './gbdt/family.js';
import { knnFamily } from './knn/knn.js';
import { linearFamilies } from './linear/index.js';
import { registerModel } from './registry.js';
import { svrFamily } from './svr/svr.js';

// Families register below, one line each.
for (const f of linearFamilies) registerModel(f);
for (const f of forestFamilies) registerModel(f);
registerModel(gbdt);
registerModel(decisionTree);
registerModel(svrFamily);
registerModel(knnFamily);
