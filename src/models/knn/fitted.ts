/**
 * A fitted k-NN regressor: the training matrix and targets (the model *is* the data). The search
 * structure is rebuilt deterministically on first use, so it never enters model.json.
 * Aggregation follows scikit-learn's KNeighborsRegressor exactly (neighbours in (distance, index)
 * order; uniform mean = sum / k; distance weights 1/d, or only the exact matches when any d = 0).
 */
import { checkEnvelope, decodeF64, type EncodedF64, encodeF64, type Serialized } from '../../core/codec.js';
import { checkFeatureCount } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { useKernel } from '../../core/wasm.js';
import { checkFiniteX } from '../check-finite.js';
import type { FittedRegressor } from '../regressor.js';
import { bruteQuery } from './brute.js';
import { fromReduced } from './distance.js';
import { NeighborHeap } from './heap.js';
import { KdTree } from './kd-tree.js';
import type { KnnParams } from './params.js';
import { WasmKnnIndex } from './wasm-knn.js';

export const KNN_FORMAT_VERSION = 1;
/** 'auto' switches from the KD-tree to brute force above this many features. */
export const KD_TREE_MAX_FEATURES = 30;
/** Queries × training rows from which a batch goes to the WebAssembly kernel (copying pays). */
const MIN_KERNEL_WORK = 1 << 22;

export interface KnnState {
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly nFeatures: number;
  /** n_neighbors, capped at the number of training rows. */
  readonly k: number;
  readonly notes: readonly string[];
}

interface KnnStateJson {
  X: EncodedF64;
  y: EncodedF64;
  nFeatures: number;
  k: number;
  notes: string[];
}

export interface Neighbors {
  /** nq×k training indices, each row sorted by (distance, index). */
  readonly index: Int32Array;
  readonly dist: Float64Array;
}

export class FittedKnn implements FittedRegressor {
  readonly kind = 'knn';
  readonly nFeatures: number;
  readonly notes: readonly string[];
  private tree: KdTree | null = null;
  /** The search structure in WebAssembly memory: undefined until a big batch, null without a kernel. */
  private wasm: WasmKnnIndex | null | undefined = undefined;

  constructor(
    readonly params: KnnParams,
    readonly state: KnnState,
  ) {
    this.nFeatures = state.nFeatures;
    this.notes = state.notes;
  }

  get algorithm(): 'kd_tree' | 'brute' {
    const a = this.params.algorithm;
    if (a !== 'auto') return a;
    return this.nFeatures <= KD_TREE_MAX_FEATURES ? 'kd_tree' : 'brute';
  }

  kneighbors(X: Matrix): Neighbors {
    checkFeatureCount('knn', this.nFeatures, X.cols);
    checkFiniteX('knn', X, 'predict');
    const { k, X: T, y } = this.state;
    const n = y.length;
    const p = this.nFeatures;
    const pw = this.params.p;
    const index = new Int32Array(X.rows * k);
    const dist = new Float64Array(X.rows * k);
    const heap = new NeighborHeap(k);
    const useTree = this.algorithm === 'kd_tree';
    if (useTree) this.tree ??= new KdTree(T, n, p, this.params.leaf_size);
    if (this.kernelFor(X.rows)?.query(X.data, X.rows, pw, dist, index)) return this.unreduce(index, dist);
    for (let q = 0; q < X.rows; q++) {
      if (this.tree && useTree) this.tree.query(X.data, q * p, pw, heap);
      else bruteQuery(T, n, p, pw, X.data, q * p, heap);
      heap.drain(dist, index, q * k);
    }
    return this.unreduce(index, dist);
  }

  /**
   * The WebAssembly index for a batch of `rows` queries: built once when the batch is big enough
   * (`MIN_KERNEL_WORK` distance rows) and kept; null on the TypeScript path.
   */
  private kernelFor(rows: number): WasmKnnIndex | null {
    if (this.wasm === null) return null;
    if (!useKernel(rows * this.state.y.length, MIN_KERNEL_WORK)) return null;
    const { X, y, nFeatures, k } = this.state;
    const tree = this.algorithm === 'kd_tree' ? this.tree : null;
    this.wasm ??= WasmKnnIndex.create(tree, X, y.length, nFeatures, k);
    return this.wasm;
  }

  private unreduce(index: Int32Array, dist: Float64Array): Neighbors {
    const pw = this.params.p;
    for (let t = 0; t < dist.length; t++) dist[t] = fromReduced(dist[t], pw);
    return { index, dist };
  }

  predict(X: Matrix): Float64Array {
    const { index, dist } = this.kneighbors(X);
    const { k, y } = this.state;
    const out = new Float64Array(X.rows);
    const distance = this.params.weights === 'distance';
    for (let q = 0, o = 0; q < X.rows; q++, o += k) {
      if (!distance) {
        let s = 0;
        for (let t = 0; t < k; t++) s += y[index[o + t]];
        out[q] = s / k;
        continue;
      }
      let exact = false;
      for (let t = 0; t < k; t++) if (dist[o + t] === 0) exact = true;
      let num = 0;
      let den = 0;
      for (let t = 0; t < k; t++) {
        const w = exact ? (dist[o + t] === 0 ? 1 : 0) : 1 / dist[o + t];
        num += y[index[o + t]] * w;
        den += w;
      }
      out[q] = num / den;
    }
    return out;
  }

  /**
   * Each feature's share of the average distance between two training rows: Var(x_j) for p = 2
   * (E(x_j − x'_j)² = 2 Var), the mean absolute pairwise difference for p = 1. With standardised
   * inputs that is close to uniform; it shows which columns dominate the metric k-NN uses.
   */
  featureImportances(): Float64Array {
    const { X, y } = this.state;
    const n = y.length;
    const p = this.nFeatures;
    const imp = new Float64Array(p);
    const col = new Float64Array(n);
    for (let f = 0; f < p; f++) {
      for (let i = 0; i < n; i++) col[i] = X[i * p + f];
      if (this.params.p === 2) {
        let m = 0;
        for (let i = 0; i < n; i++) m += col[i];
        m /= n;
        let v = 0;
        for (let i = 0; i < n; i++) v += (col[i] - m) ** 2;
        imp[f] = v / n;
      } else {
        col.sort();
        let s = 0;
        for (let i = 0; i < n; i++) s += (2 * i - n + 1) * col[i];
        imp[f] = (2 * s) / (n * n);
      }
    }
    let s = 0;
    for (let f = 0; f < p; f++) s += imp[f];
    if (s > 0 && Number.isFinite(s)) for (let f = 0; f < p; f++) imp[f] /= s;
    else imp.fill(0);
    return imp;
  }

  toJSON(): Serialized<KnnParams, KnnStateJson> {
    const s = this.state;
    return {
      kind: 'knn',
      formatVersion: KNN_FORMAT_VERSION,
      params: { ...this.params },
      state: { X: encodeF64(s.X), y: encodeF64(s.y), nFeatures: s.nFeatures, k: s.k, notes: [...s.notes] },
    };
  }

  static load(json: Serialized): FittedKnn {
    const e = checkEnvelope(json, 'knn', KNN_FORMAT_VERSION);
    const s = e.state as KnnStateJson;
    return new FittedKnn(e.params as KnnParams, {
      X: decodeF64(s.X, 'knn.state.X'),
      y: decodeF64(s.y, 'knn.state.y'),
      nFeatures: s.nFeatures,
      k: s.k,
      notes: s.notes ?? [],
    });
  }
}
