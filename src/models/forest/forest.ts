/**
 * `random_forest` and `extra_trees`: bagged regression trees grown on the shared histogram core
 * (gradients −w·y and hessians w turn its gain into a weighted variance reduction and its leaf
 * values into weighted means). The data is binned once here; runs of trees are built on worker
 * threads that read the bins through shared memory, and combined in tree order.
 */

import type { Matrix } from '../../core/matrix.js';
import { r2 } from '../../metrics/regression.js';
import { checkFitInput, type FitContext, type FittedRegressor, type Regressor } from '../regressor.js';
import { binMatrix, fitBinMapper } from '../tree/binning.js';
import { normalize, type TreeArrays } from '../tree/predictor.js';
import { buildTrees, type RunResult, type RunTask, type TreeSpec } from './build-trees.js';
import { FittedForest } from './fitted-forest.js';
import { checkForestParams, type ForestParams, resolveMaxFeatures, resolveMaxSamples } from './params.js';
import { cpuCount, getPool, runOrdered } from './pool.js';
import { shareTrainData } from './shared-data.js';

/**
 * Trees per task: small tables get few large tasks (posting a task costs ~0.1 ms), large tables
 * small tasks (even load across threads). A function of the data and forest size only — never of
 * the thread count — so the out-of-bag sums are added in the same grouping on any machine.
 */
export function runSize(nEstimators: number, nRows: number): number {
  return Math.max(1, Math.min(Math.ceil(nEstimators / 8), Math.ceil(50_000 / nRows)));
}

/**
 * Below this many rows a node's split is found from its rows: a histogram costs about 4 passes
 * over all bins, the sparse path a few operations per row and feature.
 */
export function sparseRowsFor(totalBins: number, nFeatures: number): number {
  return Math.max(8, Math.round(totalBins / Math.max(1, nFeatures)));
}

let fits = 0;

/** A name for one fit, unique in this process (worker threads reuse a grower within a fit). */
function nextFitId(): string {
  return `${process.pid}:${++fits}`;
}

export class ForestRegressor implements Regressor {
  readonly kind: string;
  readonly params: ForestParams;
  private readonly splitter: 'best' | 'random';

  constructor(kind: string, params: ForestParams, splitter: 'best' | 'random') {
    checkForestParams(kind, params);
    this.kind = kind;
    this.params = params;
    this.splitter = splitter;
  }

  async fit(X: Matrix, y: Float64Array, ctx: FitContext): Promise<FittedRegressor> {
    checkFitInput(this.kind, X, y);
    const p = this.params;
    const n = X.rows;
    const size = runSize(p.n_estimators, n);
    const nRuns = Math.ceil(p.n_estimators / size);
    const jobs = Math.max(1, Math.min(p.n_jobs ?? cpuCount(), ctx.threads ?? cpuCount(), nRuns));
    // Workers start in the background (first fit of a process) while this thread bins the data.
    const pool = jobs > 1 ? getPool() : null;
    const mapper = fitBinMapper(X, ctx.features?.length === X.cols ? ctx.features : null, {
      maxBins: p.max_bins,
      seed: ctx.seed,
    });
    const binned = binMatrix(mapper, X);
    const spec: TreeSpec = {
      seed: ctx.seed,
      bootstrap: p.bootstrap,
      nDraws: resolveMaxSamples(p.max_samples, n),
      maxFeatures: resolveMaxFeatures(p.max_features, X.cols),
      minSamplesLeaf: p.min_samples_leaf,
      maxDepth: p.max_depth ?? Number.POSITIVE_INFINITY,
      splitter: this.splitter,
      oob: p.oob_score && p.bootstrap,
      sparseRows: sparseRowsFor(mapper.offsets[X.cols], X.cols),
    };
    const data = pool
      ? shareTrainData(binned, y, spec.oob ? X : null)
      : { binned, y, X: spec.oob ? X : null };
    const fit = nextFitId();
    const task = (i: number): RunTask => ({
      kind: 'trees',
      fit,
      data,
      mapper,
      spec,
      first: i * size,
      count: Math.min(size, p.n_estimators - i * size),
    });
    let done = 0;
    const progress = (r: RunResult): RunResult => {
      ctx.onProgress?.(++done / nRuns);
      return r;
    };
    let results: RunResult[];
    if (pool === null) {
      results = await runOrdered(
        nRuns,
        1,
        async (i) => {
          // Yield between runs so an abort signal or a progress bar gets a turn.
          await new Promise((r) => setImmediate(r));
          return progress(await buildTrees(task(i)));
        },
        ctx.signal,
      );
    } else {
      results = await runOrdered(
        nRuns,
        jobs,
        async (i) => progress((await pool.run(task(i), { signal: ctx.signal ?? null })) as RunResult),
        ctx.signal,
      );
    }
    return new FittedForest(this.kind, p, combine(results, y, X.cols));
  }
}

/** Join runs in tree order: trees, mean normalised importances, out-of-bag R². */
function combine(results: RunResult[], y: Float64Array, p: number) {
  const trees: TreeArrays[] = [];
  const imp = new Float64Array(p);
  const n = y.length;
  const oobSum = results[0].oobSum ? new Float64Array(n) : null;
  const oobCount = results[0].oobCount ? new Uint32Array(n) : null;
  for (const r of results) {
    for (const t of r.trees) trees.push(t);
    for (let j = 0; j < p; j++) imp[j] += r.importance[j];
    if (oobSum && oobCount && r.oobSum && r.oobCount) {
      for (let i = 0; i < n; i++) {
        oobSum[i] += r.oobSum[i];
        oobCount[i] += r.oobCount[i];
      }
    }
  }
  let oobScore = Number.NaN;
  let oobRows = 0;
  if (oobSum && oobCount) {
    for (let i = 0; i < n; i++) if (oobCount[i] > 0) oobRows++;
    if (oobRows > 0) {
      const yt = new Float64Array(oobRows);
      const yp = new Float64Array(oobRows);
      for (let i = 0, k = 0; i < n; i++) {
        if (oobCount[i] === 0) continue;
        yt[k] = y[i];
        yp[k++] = oobSum[i] / oobCount[i];
      }
      oobScore = r2(yt, yp);
    }
  }
  return { nFeatures: p, trees, importances: normalize(imp), oobScore, oobRows };
}
