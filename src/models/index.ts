/**
 * Composition root for model families: the only place that names concrete model classes.
 * Each family module exports a `ModelFamily`; registering it here makes it a candidate in
 * `tabflow train` and loadable from model.json.
 */
import { decisionTree } from './decision-tree/family.js';
import { ensembleFamily } from './ensemble/family.js';
import { registerFamily } from './families.js';
import { forestFamilies } from './forest/index.js';
import { gbdt } from './gbdt/family.js';
import { knnFamily } from './knn/knn.js';
import { linearFamilies } from './linear/index.js';
import { svrFamily } from './svr/svr.js';

// Registration order is the default candidate order (the seed's list: linear first, then trees).
for (const f of linearFamilies) registerFamily(f);
registerFamily(decisionTree);
for (const f of forestFamilies) registerFamily(f);
registerFamily(gbdt);
registerFamily(svrFamily);
registerFamily(knnFamily);
// Composite: combines the families above; not a default candidate (see ModelFamily.composite).
registerFamily(ensembleFamily);
