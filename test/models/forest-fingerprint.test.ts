/**
 * Forest fits are pinned byte for byte: sha256 of the serialised model for fixed data and seed.
 * The hashes were computed on the code before the fit was sped up (commit e121291) and must not
 * change with any optimisation — same splits, same sums in the same order, same random draws —
 * whatever the thread count. Data: Friedman #1 with missing values, a low-cardinality numeric
 * feature (many ties, 2-row nodes) and a categorical feature, so every split path is exercised;
 * the decision tree (same small-node path) is pinned too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stringifyArtifact } from '../../src/core/codec.js';
import { matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import '../../src/models/index.js';
import { createModel } from '../../src/models/families.js';
import type { FeatureInfo } from '../../src/models/regressor.js';
import { friedman1 } from '../helpers/datasets.js';

const N_CAT = 6;

/** Friedman #1 plus a 6-level categorical and a 5-value numeric column; ~5 % missing in x1. */
function data(n: number) {
  const f = friedman1(n, 8, 1, 3);
  const rng = new Rng(17);
  const p = f.X.cols + 2;
  const X = new Float64Array(n * p);
  const y = Float64Array.from(f.y);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f.X.cols; j++) X[i * p + j] = f.X.data[i * f.X.cols + j];
    if (rng.next() < 0.05) X[i * p + 1] = Number.NaN;
    const c = rng.int(N_CAT);
    X[i * p + f.X.cols] = c;
    X[i * p + f.X.cols + 1] = rng.int(5);
    y[i] += c % 2 === 0 ? 2 : -1;
  }
  const features: FeatureInfo[] = Array.from({ length: p }, (_, j) =>
    j === f.X.cols
      ? { name: 'c', kind: 'categorical', nCategories: N_CAT, source: 'c' }
      : { name: `x${j}`, kind: 'numeric', source: `x${j}` },
  );
  return { X: matrix(n, p, X), y, features };
}

async function fingerprint(kind: string, params: Record<string, unknown>, threads: number): Promise<string> {
  const d = data(1200);
  const m = await createModel(kind, params).fit(d.X, d.y, { features: d.features, seed: 5, threads });
  return createHash('sha256').update(stringifyArtifact(m.toJSON())).digest('hex');
}

const PINNED: Record<string, string> = {
  random_forest: 'eb2d8dba3d70a973d6436070418a587b0323695fd51ae699b72e2fbdfc83fb9e',
  random_forest_mf: '75077e9f35a817b190ab1afdd1b2be1c09256ca436c5afcf6e48ba8eff16a03c',
  extra_trees: '3db14e91e0278307d4f2466117766072615f104d7d91cf4b5a56e8c47df0c598',
};

const CASES: [string, string, Record<string, unknown>][] = [
  ['random_forest', 'random_forest', { n_estimators: 16 }],
  ['random_forest_mf', 'random_forest', { n_estimators: 16, max_features: 0.5, min_samples_leaf: 2 }],
  ['extra_trees', 'extra_trees', { n_estimators: 16 }],
];

describe('forest fingerprints', () => {
  for (const [name, kind, params] of CASES) {
    it(`${name}: the same model bytes as before, on 1 and 2 threads`, async () => {
      for (const threads of [1, 2]) {
        const h = await fingerprint(kind, { ...params, n_jobs: threads }, threads);
        assert.equal(h, PINNED[name], `${name} on ${threads} thread(s)`);
      }
    });
  }

  // The decision tree grows on the same small-node path (sparseRows) and kernel.
  it('tree: the same model bytes as before, with js and wasm kernels', async () => {
    const before = process.env.TABFLOW_KERNELS;
    try {
      for (const mode of ['js', 'wasm']) {
        process.env.TABFLOW_KERNELS = mode;
        const d = data(1200);
        const m = await createModel('tree', {}).fit(d.X, d.y, { features: d.features, seed: 5, threads: 1 });
        const h = createHash('sha256').update(stringifyArtifact(m.toJSON())).digest('hex');
        assert.equal(h, 'b4bc0dbfbe6a25f4aacb611860383220be4701d465fb48801e1c79b49e645923', `tree, ${mode}`);
      }
    } finally {
      if (before === undefined) delete process.env.TABFLOW_KERNELS;
      else process.env.TABFLOW_KERNELS = before;
    }
  });

  // In this thread (workers keep the mode they started with): the WebAssembly small-node kernel
  // (sparse-kernel.ts) and the TypeScript loops give the same bytes.
  for (const mode of ['js', 'wasm']) {
    it(`the same model bytes with TABFLOW_KERNELS=${mode}`, async () => {
      const before = process.env.TABFLOW_KERNELS;
      process.env.TABFLOW_KERNELS = mode;
      try {
        for (const [name, kind, params] of CASES) {
          const h = await fingerprint(kind, { ...params, n_jobs: 1 }, 1);
          assert.equal(h, PINNED[name], `${name} with ${mode} kernels`);
        }
      } finally {
        if (before === undefined) delete process.env.TABFLOW_KERNELS;
        else process.env.TABFLOW_KERNELS = before;
      }
    });
  }
});
