/**
 * A fitted forest: its trees as flat typed arrays plus what was learned about the fit (gain
 * importances, out-of-bag R²). Prediction is the mean of the trees, summed in tree order.
 */
import {
  checkEnvelope,
  decodeF64,
  decodeNumber,
  type EncodedF64,
  encodeF64,
  encodeNumber,
  type JsonNumber,
  type Serialized,
} from '../../core/codec.js';
import { ArtifactError, checkFeatureCount } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import type { AdditiveTrees, FittedRegressor } from '../regressor.js';
import { TreeBatchPredictor } from '../tree/batch-predictor.js';
import { decodeTree, type EncodedTree, type TreeArrays } from '../tree/predictor.js';
import { decodeTrees, type EncodedTrees, encodeTrees } from '../tree/tree-codec.js';
import type { ForestParams } from './params.js';

/** 2: compact trees (tree-codec.ts); 1 (plain trees) still loads. */
export const FOREST_FORMAT_VERSION = 2;

export interface ForestState {
  readonly nFeatures: number;
  readonly trees: readonly TreeArrays[];
  /** Normalised mean gain importance per feature. */
  readonly importances: Float64Array;
  /** Out-of-bag R² (NaN when not computed). */
  readonly oobScore: number;
  /** Training rows left out of at least one bootstrap (the rows the OOB R² is computed on). */
  readonly oobRows: number;
}

interface EncodedState {
  nFeatures: number;
  oobScore: JsonNumber;
  oobRows: number;
  importances: EncodedF64;
  /** formatVersion 2 (absent in 1): the threshold table of the compact trees. */
  thresholds?: EncodedTrees['thresholds'];
  trees: EncodedTrees['trees'];
}

export class FittedForest implements FittedRegressor {
  readonly kind: string;
  readonly params: ForestParams;
  readonly state: ForestState;
  readonly notes: readonly string[];
  private readonly batch: TreeBatchPredictor;

  constructor(kind: string, params: ForestParams, state: ForestState) {
    this.kind = kind;
    this.params = params;
    this.state = state;
    this.batch = new TreeBatchPredictor(state.trees);
    const notes: string[] = [];
    if (Number.isFinite(state.oobScore)) {
      notes.push(`out-of-bag R² ${state.oobScore.toFixed(4)} on ${state.oobRows} training rows`);
    } else if (params.oob_score) {
      notes.push('out-of-bag R² not available: no training row was left out of any bootstrap sample');
    }
    this.notes = notes;
  }

  get nFeatures(): number {
    return this.state.nFeatures;
  }

  /** The mean of the trees: TreeSHAP explains it exactly. */
  get structure(): AdditiveTrees {
    const trees = this.state.trees;
    return { kind: 'trees', offset: 0, scale: 1 / trees.length, trees };
  }

  /** Out-of-bag R² (NaN when oob_score was off or no row was ever out of bag). */
  get oobScore(): number {
    return this.state.oobScore;
  }

  predict(X: Matrix): Float64Array {
    checkFeatureCount(this.kind, this.state.nFeatures, X.cols);
    const out = new Float64Array(X.rows);
    const trees = this.state.trees;
    this.batch.addPredictions(X, out, 1);
    const inv = 1 / trees.length;
    for (let i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }

  featureImportances(): Float64Array {
    return Float64Array.from(this.state.importances);
  }

  toJSON(): Serialized<ForestParams, EncodedState> {
    const s = this.state;
    return {
      kind: this.kind,
      formatVersion: FOREST_FORMAT_VERSION,
      // The thread count does not change the model, so it is not part of the artifact: the same
      // fit on 1 or 8 threads gives byte-identical JSON.
      params: { ...this.params, n_jobs: null },
      state: {
        nFeatures: s.nFeatures,
        oobScore: encodeNumber(s.oobScore),
        oobRows: s.oobRows,
        importances: encodeF64(s.importances),
        ...encodeTrees(s.trees),
      },
    };
  }

  static load(kind: string, json: unknown): FittedForest {
    const e = checkEnvelope(json, kind, FOREST_FORMAT_VERSION);
    const st = e.state as EncodedState;
    if (!st || typeof st !== 'object' || !Number.isInteger(st.nFeatures) || !Array.isArray(st.trees)) {
      throw new ArtifactError('bad_state', `${kind}: state must hold nFeatures and a list of trees`);
    }
    if (st.trees.length === 0) throw new ArtifactError('bad_state', `${kind}: state.trees is empty`);
    let trees: TreeArrays[];
    try {
      trees =
        e.formatVersion >= 2
          ? decodeTrees(st as EncodedTrees, st.nFeatures, `${kind}.state`)
          : st.trees.map((t, i) => decodeTree(t as EncodedTree, st.nFeatures, `${kind}.state.trees[${i}]`));
    } catch (err) {
      if (err instanceof ArtifactError) throw err;
      throw new ArtifactError('bad_tree', (err as Error).message);
    }
    const importances = decodeF64(st.importances, `${kind}.state.importances`);
    if (importances.length !== st.nFeatures) {
      throw new ArtifactError(
        'bad_state',
        `${kind}: ${importances.length} importances for ${st.nFeatures} features`,
      );
    }
    const state: ForestState = {
      nFeatures: st.nFeatures,
      trees,
      importances,
      oobScore: decodeNumber(st.oobScore, `${kind}.state.oobScore`),
      oobRows: st.oobRows,
    };
    return new FittedForest(kind, e.params as ForestParams, state);
  }
}
