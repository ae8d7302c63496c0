/**
 * Folds for cross-validated selection: (repeated) K-fold over the rows a run may fit on
 * (TRAIN+VAL; TEST is never among them). Each repeat shuffles with its own seed and deals rows to
 * folds in turn, so fold sizes differ by at most one. With groups (split strategy `group`), whole
 * groups are dealt — largest first, each to the fold with the fewest rows so far, as scikit-learn's
 * GroupKFold — so no group is on both sides of a fold.
 */
import { ConfigError } from '../../core/errors.js';
import { Rng } from '../../core/random.js';

/** One fold of (repeated) K-fold: the rows fitted on and the rows held out. */
export interface Fold {
  /** 0-based repeat and fold numbers. */
  readonly repeat: number;
  readonly fold: number;
  /** Positions (into the CV rows) the fold's preprocessing and models are fitted on, ascending. */
  readonly fit: Uint32Array;
  /** Positions held out: predicted and scored, and the early-stopping rows of the fold. Ascending. */
  readonly held: Uint32Array;
}

/** K, the repeats, the seed and optional groups of K-fold. */
export interface FoldOptions {
  folds: number;
  repeats: number;
  seed: number;
  /** Group id per row (≥ 0); rows of one group always share a fold. */
  groups?: Int32Array;
}

/** Seed of repeat r: independent streams, the same for the same run seed. */
const repeatSeed = (seed: number, r: number) => (seed ^ Math.imul(r + 1, 0x9e3779b1)) >>> 0;

/** All folds, repeat-major: repeat 0's K folds, then repeat 1's, ... */
export function kFolds(n: number, o: FoldOptions): Fold[] {
  const units = o.groups ? countGroups(o.groups) : n;
  checkFoldCount(o.folds, units, o.groups ? 'groups' : 'rows');
  const out: Fold[] = [];
  for (let r = 0; r < o.repeats; r++) {
    const rng = new Rng(repeatSeed(o.seed, r));
    const foldOf = o.groups ? dealGroups(o.groups, o.folds, rng) : dealRows(n, o.folds, rng);
    for (let k = 0; k < o.folds; k++) out.push(foldFrom(foldOf, r, k));
  }
  return out;
}

function checkFoldCount(folds: number, units: number, what: string): void {
  if (Number.isInteger(folds) && folds >= 2 && folds <= units) return;
  throw new ConfigError([
    {
      path: 'selection.folds',
      code: 'invalid_value',
      message:
        `selection.folds = ${folds} is not allowed: expected an integer from 2 to the ${units} ${what} ` +
        'available for cross-validation (TRAIN+VAL)',
    },
  ]);
}

function dealRows(n: number, folds: number, rng: Rng): Uint8Array | Uint16Array {
  const perm = rng.permutation(n);
  const foldOf = folds < 256 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) foldOf[perm[i]] = i % folds;
  return foldOf;
}

function countGroups(groups: Int32Array): number {
  return new Set(groups).size;
}

function dealGroups(groups: Int32Array, folds: number, rng: Rng): Uint8Array | Uint16Array {
  const size = new Map<number, number>();
  for (const g of groups) size.set(g, (size.get(g) ?? 0) + 1);
  const ids = Int32Array.from(size.keys()).sort();
  // Shuffle first so equal-sized groups land differently in each repeat, then largest first.
  rng.shuffle(ids);
  const order = [...ids].sort((a, b) => size.get(b)! - size.get(a)!);
  const load = new Float64Array(folds);
  const foldOfGroup = new Map<number, number>();
  for (const g of order) {
    let best = 0;
    for (let k = 1; k < folds; k++) if (load[k] < load[best]) best = k;
    foldOfGroup.set(g, best);
    load[best] += size.get(g)!;
  }
  const foldOf = folds < 256 ? new Uint8Array(groups.length) : new Uint16Array(groups.length);
  for (let i = 0; i < groups.length; i++) foldOf[i] = foldOfGroup.get(groups[i])!;
  return foldOf;
}

function foldFrom(foldOf: Uint8Array | Uint16Array, repeat: number, fold: number): Fold {
  let nHeld = 0;
  for (let i = 0; i < foldOf.length; i++) if (foldOf[i] === fold) nHeld++;
  const held = new Uint32Array(nHeld);
  const fit = new Uint32Array(foldOf.length - nHeld);
  for (let i = 0, a = 0, b = 0; i < foldOf.length; i++) {
    if (foldOf[i] === fold) held[a++] = i;
    else fit[b++] = i;
  }
  return { repeat, fold, fit, held };
}
