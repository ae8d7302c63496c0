/**
 * A fitted additive tree model: prediction = baseline + Σ trees (leaf values already scaled, e.g.
 * by the learning rate for boosting, or 1/T for a forest mean). Shared by `gbdt` and `tree`; the
 * learned state is plain data: the baseline and flat-array trees, serialised through core/codec.
 */
import {
  checkEnvelope,
  decodeNumber,
  encodeNumber,
  type JsonNumber,
  type Serialized,
} from '../../core/codec.js';
import { ArtifactError, checkFeatureCount } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';
import { type ParamTable, resolveParams } from '../../core/params.js';
import type { AdditiveTrees, FittedRegressor } from '../regressor.js';
import { TreeBatchPredictor } from './batch-predictor.js';
import { accumulateGain, decodeTree, type EncodedTree, normalize, type TreeArrays } from './predictor.js';
import { decodeTrees, type EncodedTrees, encodeTrees } from './tree-codec.js';

/** 2: compact trees (tree-codec.ts); 1 (plain trees) still loads. */
export const TREES_FORMAT_VERSION = 2;

interface TreesState {
  nFeatures: number;
  baseline: JsonNumber;
  /** formatVersion 2 (absent in 1): the threshold table of the compact trees. */
  thresholds?: EncodedTrees['thresholds'];
  trees: EncodedTrees['trees'];
  notes: string[];
}

export class FittedTrees implements FittedRegressor {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly nFeatures: number;
  readonly baseline: number;
  readonly trees: readonly TreeArrays[];
  readonly notes: readonly string[];
  private readonly batch: TreeBatchPredictor;

  constructor(
    kind: string,
    params: Readonly<Record<string, unknown>>,
    nFeatures: number,
    baseline: number,
    trees: readonly TreeArrays[],
    notes: readonly string[],
  ) {
    this.kind = kind;
    this.params = params;
    this.nFeatures = nFeatures;
    this.baseline = baseline;
    this.trees = trees;
    this.notes = notes;
    this.batch = new TreeBatchPredictor(trees);
  }

  /** Baseline + Σ trees: TreeSHAP explains it exactly. */
  get structure(): AdditiveTrees {
    return { kind: 'trees', offset: this.baseline, scale: 1, trees: this.trees };
  }

  /** Trees kept (boosting rounds, after early stopping). */
  get iterations(): number {
    return this.trees.length;
  }

  predict(X: Matrix): Float64Array {
    checkFeatureCount(this.kind, this.nFeatures, X.cols);
    const out = new Float64Array(X.rows).fill(this.baseline);
    this.batch.addPredictions(X, out, 1);
    return out;
  }

  /** Total split gain per feature over all trees, normalised to sum 1. */
  featureImportances(): Float64Array {
    const acc = new Float64Array(this.nFeatures);
    for (const t of this.trees) accumulateGain(t, acc);
    return normalize(acc);
  }

  toJSON(): Serialized {
    const state: TreesState = {
      nFeatures: this.nFeatures,
      baseline: encodeNumber(this.baseline),
      ...encodeTrees(this.trees),
      notes: [...this.notes],
    };
    return { kind: this.kind, formatVersion: TREES_FORMAT_VERSION, params: { ...this.params }, state };
  }
}

/** Load a FittedTrees artifact of the given kind; params are re-validated against the family table. */
export function loadTrees(json: Serialized, kind: string, table: ParamTable): FittedTrees {
  const e = checkEnvelope(json, kind, TREES_FORMAT_VERSION);
  const params = Object.freeze(resolveParams(table, e.params, `${kind}.params`));
  const s = e.state as TreesState;
  if (
    !s ||
    typeof s !== 'object' ||
    !Array.isArray(s.trees) ||
    !Number.isInteger(s.nFeatures) ||
    s.nFeatures < 0
  ) {
    throw new ArtifactError('bad_state', `${kind}: state must hold nFeatures and trees`);
  }
  try {
    const trees =
      e.formatVersion >= 2
        ? decodeTrees(s as EncodedTrees, s.nFeatures, kind)
        : s.trees.map((t, i) => decodeTree(t as EncodedTree, s.nFeatures, `${kind}.trees[${i}]`));
    const notes = Array.isArray(s.notes) ? s.notes.map(String) : [];
    return new FittedTrees(
      kind,
      params,
      s.nFeatures,
      decodeNumber(s.baseline, `${kind}.baseline`),
      trees,
      notes,
    );
  } catch (err) {
    if (err instanceof RangeError) throw new ArtifactError('bad_state', err.message);
    throw err;
  }
}
