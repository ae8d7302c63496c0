/**
 * Builds a run of consecutive trees of a forest — the unit of work a worker thread receives. Tree
 * t draws everything (bootstrap, feature subsets, random thresholds) from its own seed, and the
 * out-of-bag sums and importances are added tree by tree in index order, so a run's result
 * depends only on the model seed and the run's bounds, never on the thread it ran on.
 */
import { Rng } from '../../core/random.js';
import type { BinMapper } from '../tree/binning.js';
import { accumulateGain, leafOf, type TreeArrays } from '../tree/predictor.js';
import { bootstrapCounts, inBagRowsInto, treeSeed } from './sampling.js';
import type { SharedTrainData } from './shared-data.js';
import { createWorkspace, type Workspace } from './workspace.js';

/** Everything a run needs besides the data; plain values (posted to workers). */
export interface TreeSpec {
  readonly seed: number;
  readonly bootstrap: boolean;
  /** Rows drawn per bootstrap sample. */
  readonly nDraws: number;
  /** Candidate features per node. */
  readonly maxFeatures: number;
  readonly minSamplesLeaf: number;
  readonly maxDepth: number;
  readonly splitter: 'best' | 'random';
  readonly oob: boolean;
  /** Nodes up to this many rows find splits from rows, not histograms (see tree/sparse-split.ts). */
  readonly sparseRows: number;
}

export interface RunTask {
  readonly kind: 'trees';
  /** Names the fit (unique in the process): runs of the same fit on a thread share one grower. */
  readonly fit: string;
  readonly data: SharedTrainData;
  readonly mapper: BinMapper;
  readonly spec: TreeSpec;
  readonly first: number;
  readonly count: number;
}

export interface RunResult {
  readonly trees: TreeArrays[];
  /** Sum of each tree's normalised gain per feature. */
  readonly importance: Float64Array;
  /** Per training row: sum of out-of-bag predictions and how many trees left it out. */
  readonly oobSum: Float64Array | null;
  readonly oobCount: Uint32Array | null;
}

/** How long a thread keeps the last fit's grower for its next run before releasing it. */
const KEEP_MS = 200;

/** The workspace of this thread's last run and the fit it belongs to. */
let kept: { fit: string; ws: Workspace } | null = null;
let release: ReturnType<typeof setTimeout> | null = null;

/**
 * A workspace over the task's data: the last run's when it belongs to the same fit. Its buffers
 * are O(rows) and a fit has dozens of runs per thread; reusing them is what growing consecutive
 * trees in one run already does. Released shortly after the fit's last run, so nothing big
 * outlives the fit in a pooled worker.
 */
async function workspaceFor(task: RunTask): Promise<Workspace> {
  if (release) clearTimeout(release);
  release = null;
  if (kept === null || kept.fit !== task.fit)
    kept = { fit: task.fit, ws: await createWorkspace(task.mapper, task.data.binned) };
  return kept.ws;
}

function releaseLater(): void {
  release = setTimeout(() => {
    kept = null;
    release = null;
  }, KEEP_MS);
  release.unref();
}

export async function buildTrees(task: RunTask): Promise<RunResult> {
  const ws = await workspaceFor(task);
  try {
    return buildRun(task, ws);
  } finally {
    releaseLater();
  }
}

function buildRun(task: RunTask, ws: Workspace): RunResult {
  const { data, spec } = task;
  const n = data.binned.nRows;
  const p = data.binned.nFeatures;
  const y = data.y;
  const { grower, grad, rows } = ws;
  const hess = spec.bootstrap ? ws.hess : null;
  if (!spec.bootstrap) for (let i = 0; i < n; i++) grad[i] = -y[i];
  const importance = new Float64Array(p);
  const gain = new Float64Array(p);
  const oobSum = spec.oob ? new Float64Array(n) : null;
  const oobCount = spec.oob ? new Uint32Array(n) : null;
  const trees: TreeArrays[] = [];
  const opts = {
    maxLeaves: Number.POSITIVE_INFINITY,
    maxDepth: spec.maxDepth,
    minSamplesLeaf: spec.minSamplesLeaf,
    minHessian: 0,
    minGain: 0,
    l2: 0,
    maxFeatures: spec.maxFeatures,
    splitter: spec.splitter,
    sparseRows: spec.sparseRows,
  };
  for (let t = task.first; t < task.first + task.count; t++) {
    const rng = new Rng(treeSeed(spec.seed, t));
    let m = n;
    let counts: Uint32Array | null = null;
    if (hess) {
      counts = bootstrapCounts(n, spec.nDraws, rng);
      m = inBagRowsInto(counts, rows);
      for (let i = 0; i < n; i++) {
        grad[i] = -counts[i] * y[i];
        hess[i] = counts[i];
      }
    } else for (let i = 0; i < n; i++) rows[i] = i;
    const { tree } = grower.grow(grad, hess, 1, rows, m, { ...opts, rng });
    trees.push(tree);
    gain.fill(0);
    accumulateGain(tree, gain);
    let s = 0;
    for (let j = 0; j < p; j++) s += gain[j];
    if (s > 0) for (let j = 0; j < p; j++) importance[j] += gain[j] / s;
    if (oobSum && oobCount && counts && data.X) {
      const { cols, data: X } = data.X;
      for (let i = 0; i < n; i++) {
        if (counts[i] !== 0) continue;
        oobSum[i] += tree.value[leafOf(tree, X, i * cols)];
        oobCount[i]++;
      }
    }
  }
  return { trees, importance, oobSum, oobCount };
}
