/**
 * Which construction of the `ensemble` candidate is robust? Per dataset × split seed, the product's
 * cross-validated selection is replayed (src/train/cv-selection.ts): load → clean → split with
 * the default config (split seed = model seed), 5-fold × 1 over TRAIN+VAL (`kFolds`), every
 * default candidate cross-validated by `crossValidate` on `poolRunner(2)` (preprocessing per
 * fold, gbdt stopping early on the fold's held-out rows), then every candidate refitted on all
 * of TRAIN+VAL as `refitAll` does (gbdt with `refitParams`, no held-out rows) and asked for its
 * TEST predictions. Those predictions (OOF, TEST, y) are cached per seed; the variants below are
 * then evaluated offline on them:
 *
 * - nested CV score as `cvEnsemble`: the weights for fold k are chosen on the other folds' OOF
 *   rows (and anything a variant ranks members by — fold scores — without fold k either);
 * - selection as `pickBest`: the best mean fold score among single candidates and the ensemble
 *   (or, with the `1se` rule, the ensemble only when its paired fold advantage over the best
 *   single exceeds one standard error of the paired differences);
 * - TEST R² of the selected model minus the best single candidate's TEST R² (an oracle no
 *   selection can beat among singles) and minus gbdt's.
 *
 * Constructions (the brief's V0–V6, V8) are crossed with the two selection rules; V7 of the brief
 * is V0 with the `1se` rule. TEST is used only to score. Every variant's parameters are fixed here
 * from the literature, not tuned on these numbers; seeds 1–10 were looked at first and 11–20
 * kept as a held-out replication.
 *
 *   node --import tsx bench/ensemble-study.ts [--datasets concrete,ames] [--seeds 1,...,20]
 *        [--cache DIR] [--fresh]
 *
 * Cost on 2 shared cores: ~5 s per concrete seed, ~60 s per ames seed, ~30 s for the variants.
 *
 * The cache (default: <tmpdir>/tabflow-ensemble-study) holds one JSON file per dataset × seed;
 * --fresh recomputes them. Writes bench/results/ensemble-study.json and prints markdown tables.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DataCleaner } from '../src/clean/data-cleaner.js';
import { resolveConfig } from '../src/config/config.js';
import { Rng } from '../src/core/random.js';
import { DataLoader } from '../src/data/loader.js';
import { getMetric, METRICS, type Metric, r2 } from '../src/metrics/regression.js';
import { blendPredictions, greedyEnsembleSelection } from '../src/models/ensemble/greedy-selection.js';
import '../src/models/index.js';
import { loadOptionsOf } from '../src/data/data-config.js';
import { getFamily } from '../src/models/families.js';
import type { FittedRegressor } from '../src/models/regressor.js';
import { ProductionPreprocessor } from '../src/preprocess/index.js';
import { DataSplitter } from '../src/split/data-splitter.js';
import { defaultCandidates } from '../src/train/candidates.js';
import { crossValidate } from '../src/train/cv/cross-validate.js';
import { type Fold, kFolds } from '../src/train/cv/folds.js';
import { closeFitPool, type JobRunner, poolRunner } from '../src/train/cv/job-runner.js';
import { cvEnsemble } from '../src/train/ensemble-step.js';
import { writeResult } from './write-result.js';

const DATASETS: Record<string, { file: string; target: string }> = {
  concrete: { file: 'examples/data/concrete.csv', target: 'compressive_strength' },
  ames: { file: 'examples/data/ames.csv', target: 'Sale_Price' },
  diamonds: { file: 'examples/data/diamonds.csv', target: 'price' },
};
const FOLDS = 5;
/** The project's tolerance: selected TEST R² ≥ best single's − 0.003. */
const TOLERANCE = 0.003;
const CACHE_VERSION = 1;

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'concrete,ames' },
    seeds: { type: 'string', default: '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20' },
    cache: { type: 'string', default: join(tmpdir(), 'tabflow-ensemble-study') },
    fresh: { type: 'boolean', default: false },
  },
});
const datasets = args.datasets!.split(',');
const seeds = args.seeds!.split(',').map(Number);
for (const d of datasets)
  if (!DATASETS[d]) throw new Error(`unknown dataset "${d}"; known: ${Object.keys(DATASETS)}`);

// ---------------------------------------------------------------------------------------------
// 1. Per seed: the candidates' out-of-fold, fold and TEST predictions, as the product makes them.

/** What one dataset × seed leaves for the offline study (members: candidates that scored). */
interface SeedData {
  readonly dataset: string;
  readonly seed: number;
  readonly names: string[];
  readonly y: Float64Array;
  readonly yTest: Float64Array;
  /** Fold number (0..FOLDS-1) of each TRAIN+VAL row. */
  readonly foldOf: Uint8Array;
  readonly oof: Float64Array[];
  readonly foldScores: Float64Array[];
  readonly test: Float64Array[];
  readonly seconds: { cv: number; refit: number };
}

async function computeSeed(dataset: string, seed: number, runner: JobRunner): Promise<SeedData> {
  const { file, target } = DATASETS[dataset];
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const cfg = resolveConfig({
    data: { path, target },
    split: { seed },
    training: { seed },
    selection: { method: 'cv', folds: FOLDS, repeats: 1 },
  });
  const metric = getMetric(cfg.selection.metric);
  const loaded = await DataLoader.load(path, loadOptionsOf(cfg));
  const cleaned = new DataCleaner(cfg.cleaning).clean(loaded.frame, target);
  const split = new DataSplitter(cfg.split).split(cleaned.frame, target);
  const yCol = cleaned.frame.get(target);
  if (yCol.type !== 'numeric') throw new Error(`target ${target} is not numeric`);
  const features = cleaned.frame.drop([target, ...split.dropColumns]);
  // TRAIN ∪ VAL ascending, as cv-selection's union().
  const rows = Uint32Array.from([...split.train, ...split.val]).sort();
  const frame = features.take(rows);
  const y = Float64Array.from(rows, (i) => yCol.values[i]);
  const testFrame = features.take(split.test);
  const yTest = Float64Array.from(split.test, (i) => yCol.values[i]);
  const folds = kFolds(y.length, { folds: FOLDS, repeats: 1, seed: cfg.training.seed });
  const candidates = defaultCandidates();

  const t0 = performance.now();
  const cv = await crossValidate({
    frame,
    y,
    folds,
    candidates,
    preprocessing: cfg.preprocessing,
    metric,
    seed: cfg.training.seed,
    runner,
    fitBudgetS: cfg.training.candidate_time_budget_s,
    deadline: null,
  });
  const cvS = (performance.now() - t0) / 1000;
  const ok = cv.filter((c) => c.status === 'ok' && c.foldScores.every(Number.isFinite));
  for (const c of cv) if (!ok.includes(c)) console.warn(`${dataset} ${seed}: ${c.spec.name} ${c.error}`);

  // Refit as refitAll: preprocessing per encoding on all TRAIN+VAL; no held-out rows (TEST must not
  // become gbdt's early-stopping set), longest candidates first on the runner's lanes.
  const t1 = performance.now();
  const encodings = [...new Set(ok.map((c) => getFamily(c.spec.model).input))];
  const mats = new Map(
    encodings.map((encoding) => {
      const pre = new ProductionPreprocessor(cfg.preprocessing, { encoding }).fit(frame);
      const tr = pre.transform(frame);
      return [encoding, { features: tr.features, X: tr.X, test: pre.transform(testFrame).X }] as const;
    }),
  );
  const order = ok.map((_, k) => k).sort((a, b) => ok[b].seconds - ok[a].seconds);
  const fitted = new Array<FittedRegressor>(ok.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length) {
      const k = order[next++];
      const c = ok[k];
      const family = getFamily(c.spec.model);
      const m = mats.get(family.input)!;
      const r = await runner.run(
        {
          name: c.spec.name,
          model: c.spec.model,
          params: family.refitParams?.(c.spec.params, c.iterations) ?? c.spec.params,
          features: m.features,
          X: m.X,
          y,
          seed: cfg.training.seed,
          budgetS: cfg.training.candidate_time_budget_s,
          threads: runner.lanes > 1 ? 1 : undefined,
        },
        true,
      );
      if (!r.ok || !r.fitted) throw new Error(`${dataset} ${seed}: refit of ${c.spec.name}: ${r.error}`);
      fitted[k] = r.fitted;
    }
  };
  await Promise.all(Array.from({ length: runner.lanes }, lane));
  const test = ok.map((c, k) => fitted[k].predict(mats.get(getFamily(c.spec.model).input)!.test));
  const refitS = (performance.now() - t1) / 1000;

  const foldOf = new Uint8Array(y.length);
  for (const f of folds) for (const i of f.held) foldOf[i] = f.fold;
  return {
    dataset,
    seed,
    names: ok.map((c) => c.spec.name),
    y,
    yTest,
    foldOf,
    oof: ok.map((c) => c.oof[0]),
    foldScores: ok.map((c) => c.foldScores),
    test,
    seconds: { cv: cvS, refit: refitS },
  };
}

/** Non-finite numbers cannot occur in a cached file (failed members are dropped before). */
function saveSeed(file: string, d: SeedData): void {
  const arr = (a: ArrayLike<number>) => Array.from(a);
  const doc = {
    version: CACHE_VERSION,
    ...d,
    y: arr(d.y),
    yTest: arr(d.yTest),
    foldOf: arr(d.foldOf),
    oof: d.oof.map(arr),
    foldScores: d.foldScores.map(arr),
    test: d.test.map(arr),
  };
  writeFileSync(file, JSON.stringify(doc));
}

function loadSeed(file: string, dataset: string, seed: number): SeedData | null {
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  if (j.version !== CACHE_VERSION || j.dataset !== dataset || j.seed !== seed) return null;
  const f64 = (a: number[]) => Float64Array.from(a);
  return {
    dataset,
    seed,
    names: j.names,
    y: f64(j.y),
    yTest: f64(j.yTest),
    foldOf: Uint8Array.from(j.foldOf),
    oof: j.oof.map(f64),
    foldScores: j.foldScores.map(f64),
    test: j.test.map(f64),
    seconds: j.seconds,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Ensemble constructions: member predictions on some rows → weights (≥ 0, summing to 1).

interface ChooseContext {
  /** Each member's fold scores on the folds whose rows the weights are chosen on. */
  readonly scores: readonly Float64Array[];
  /** Seed of any randomised step (derived from the model seed and the fold). */
  readonly seed: number;
}

interface Construction {
  readonly id: string;
  readonly label: string;
  /** Clip member predictions to the range of the targets each member was fitted on. */
  readonly clip?: boolean;
  choose(P: readonly Float64Array[], y: Float64Array, ctx: ChooseContext): Float64Array;
}

const sum = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
};
const mean = (v: ArrayLike<number>) => sum(v) / v.length;
const sd = (v: ArrayLike<number>) => {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] - m) ** 2;
  return Math.sqrt(s / (v.length - 1));
};
const se = (v: ArrayLike<number>) => sd(v) / Math.sqrt(v.length);
const pick = (a: Float64Array, rows: Uint32Array) => Float64Array.from(rows, (i) => a[i]);
const mix = (a: number, b: number) =>
  (Math.imul(a ^ 0x9e3779b1, 0x85ebca6b) ^ Math.imul(b + 1, 0xc2b2ae35)) >>> 0;

const greedy =
  (iterations: number, metric: Metric = METRICS.r2) =>
  (P: readonly Float64Array[], y: Float64Array) =>
    greedyEnsembleSelection(P, y, { iterations, metric }).weights;

/** Greedy selection among the members `keep` says to keep; the others get weight 0. */
function greedyAmong(
  P: readonly Float64Array[],
  y: Float64Array,
  keep: readonly number[],
  iterations = 25,
): Float64Array {
  const w = greedyEnsembleSelection(
    keep.map((m) => P[m]),
    y,
    { iterations, metric: METRICS.r2 },
  ).weights;
  const out = new Float64Array(P.length);
  keep.forEach((m, j) => {
    out[m] = w[j];
  });
  return out;
}

/** Members by mean fold score, best first (ties: lower index first). */
const ranked = (scores: readonly Float64Array[]) =>
  scores.map((s, m) => [m, mean(s)] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);

/** Huber loss as a lower-is-better metric, δ = 1.345 σ̂ (σ̂: MAD of the best member's residuals). */
function huberMetric(P: readonly Float64Array[], y: Float64Array): Metric {
  let best = 0;
  let bestMse = Number.POSITIVE_INFINITY;
  P.forEach((p, m) => {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (y[i] - p[i]) ** 2;
    if (s < bestMse) {
      bestMse = s;
      best = m;
    }
  });
  const res = Float64Array.from(y, (v, i) => v - P[best][i]);
  const med = median(res);
  const mad = median(res.map((r) => Math.abs(r - med)));
  const delta = 1.345 * 1.4826 * mad;
  return {
    ...METRICS.mae,
    doc: `Huber loss, delta ${delta}`,
    compute(t, p) {
      let s = 0;
      for (let i = 0; i < t.length; i++) {
        const a = Math.abs(t[i] - p[i]);
        s += a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      }
      return s / t.length;
    },
  };
}

function median(v: Float64Array): number {
  const s = Float64Array.from(v).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Gram matrix and right-hand side of least squares on the members, in units of sd(y). */
function normalEquations(P: readonly Float64Array[], y: Float64Array) {
  const M = P.length;
  const n = y.length;
  const scale = 1 / sd(y);
  const G = new Float64Array(M * M);
  const b = new Float64Array(M);
  for (let a = 0; a < M; a++) {
    for (let c = a; c < M; c++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += P[a][i] * P[c][i];
      G[a * M + c] = G[c * M + a] = (s * scale * scale) / n;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += P[a][i] * y[i];
    b[a] = (s * scale * scale) / n;
  }
  return { G, b, M };
}

/** Solve G[S,S] z = b[S] (Gaussian elimination, partial pivoting) for the index set S. */
function solveSub(G: Float64Array, b: Float64Array, M: number, S: readonly number[]): Float64Array {
  const k = S.length;
  const A = new Float64Array(k * (k + 1));
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) A[r * (k + 1) + c] = G[S[r] * M + S[c]];
    A[r * (k + 1) + r] *= 1 + 1e-12;
    A[r * (k + 1) + k] = b[S[r]];
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r * (k + 1) + c]) > Math.abs(A[p * (k + 1) + c])) p = r;
    for (let j = 0; j <= k; j++) {
      const t = A[c * (k + 1) + j];
      A[c * (k + 1) + j] = A[p * (k + 1) + j];
      A[p * (k + 1) + j] = t;
    }
    for (let r = c + 1; r < k; r++) {
      const f = A[r * (k + 1) + c] / A[c * (k + 1) + c];
      for (let j = c; j <= k; j++) A[r * (k + 1) + j] -= f * A[c * (k + 1) + j];
    }
  }
  const z = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = A[r * (k + 1) + k];
    for (let j = r + 1; j < k; j++) s -= A[r * (k + 1) + j] * z[j];
    z[r] = s / A[r * (k + 1) + r];
  }
  return z;
}

/**
 * Non-negative least squares (Lawson & Hanson 1974) on the members, no intercept, weights then
 * normalised to sum 1 — Breiman's (1996) stacked regression as SuperLearner's method.NNLS.
 */
function nnls(P: readonly Float64Array[], y: Float64Array): Float64Array {
  const { G, b, M } = normalEquations(P, y);
  const x = new Float64Array(M);
  const inP = new Uint8Array(M);
  const tol = 1e-12 * Math.max(...b.map(Math.abs));
  for (let outer = 0; outer < 3 * M; outer++) {
    let j = -1;
    let wMax = tol;
    for (let m = 0; m < M; m++) {
      if (inP[m]) continue;
      let g = b[m];
      for (let c = 0; c < M; c++) g -= G[m * M + c] * x[c];
      if (g > wMax) {
        wMax = g;
        j = m;
      }
    }
    if (j < 0) break;
    inP[j] = 1;
    for (let inner = 0; inner < 3 * M; inner++) {
      const S = [...inP.keys()].filter((m) => inP[m]);
      const z = solveSub(G, b, M, S);
      if (z.every((v) => v > 0)) {
        x.fill(0);
        S.forEach((m, r) => {
          x[m] = z[r];
        });
        break;
      }
      let alpha = 1;
      S.forEach((m, r) => {
        if (z[r] <= 0) alpha = Math.min(alpha, x[m] / (x[m] - z[r]));
      });
      S.forEach((m, r) => {
        x[m] += alpha * (z[r] - x[m]);
        if (x[m] <= tol) {
          x[m] = 0;
          inP[m] = 0;
        }
      });
    }
  }
  const s = sum(x);
  return s > 0 ? x.map((v) => v / s) : Float64Array.from(x, (_, m) => (m === 0 ? 1 : 0));
}

/**
 * Least squares over the simplex (weights ≥ 0, Σ = 1; SuperLearner's method.CC_LS), by
 * accelerated projected gradient (FISTA) from equal weights, with projection onto the simplex
 * (Duchi et al. 2008).
 */
function simplexLs(P: readonly Float64Array[], y: Float64Array): Float64Array {
  const { G, b, M } = normalEquations(P, y);
  // Largest eigenvalue of G by power iteration: the step is 1 / L.
  let v: Float64Array = new Float64Array(M).fill(1 / Math.sqrt(M));
  let L = 0;
  for (let it = 0; it < 200; it++) {
    const u = new Float64Array(M);
    for (let a = 0; a < M; a++) for (let c = 0; c < M; c++) u[a] += G[a * M + c] * v[c];
    L = Math.hypot(...u);
    v = u.map((x) => x / L);
  }
  let w: Float64Array = new Float64Array(M).fill(1 / M);
  let z: Float64Array = Float64Array.from(w);
  let t = 1;
  for (let it = 0; it < 20_000; it++) {
    const g = new Float64Array(M);
    for (let a = 0; a < M; a++) {
      g[a] = -b[a];
      for (let c = 0; c < M; c++) g[a] += G[a * M + c] * z[c];
    }
    const wNext = projectSimplex(z.map((x, a) => x - g[a] / L));
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    z = wNext.map((x, a) => x + ((t - 1) / tNext) * (x - w[a]));
    w = wNext;
    t = tNext;
  }
  return w;
}

function projectSimplex(v: Float64Array): Float64Array {
  const u = Float64Array.from(v).sort().reverse();
  let css = 0;
  let theta = 0;
  for (let j = 0; j < u.length; j++) {
    css += u[j];
    const th = (css - 1) / (j + 1);
    if (u[j] - th > 0) theta = th;
  }
  return v.map((x) => Math.max(0, x - theta));
}

/** Bagged ensemble selection (Caruana et al. 2006): greedy selection per bag, weights averaged. */
function baggedMembers(P: readonly Float64Array[], y: Float64Array, ctx: ChooseContext): Float64Array {
  const M = P.length;
  const rng = new Rng(ctx.seed);
  const out = new Float64Array(M);
  const bags = 20;
  for (let b = 0; b < bags; b++) {
    const keep = [...rng.permutation(M).subarray(0, Math.ceil(M / 2))].sort((a, c) => a - c);
    const w = greedyAmong(P, y, keep);
    for (let m = 0; m < M; m++) out[m] += w[m] / bags;
  }
  return out;
}

/** Bagging over rows: greedy selection on 20 bootstrap samples of the rows, weights averaged. */
function baggedRows(P: readonly Float64Array[], y: Float64Array, ctx: ChooseContext): Float64Array {
  const M = P.length;
  const n = y.length;
  const rng = new Rng(ctx.seed);
  const out = new Float64Array(M);
  const bags = 20;
  for (let b = 0; b < bags; b++) {
    const rows = Uint32Array.from({ length: n }, () => rng.int(n));
    const w = greedyEnsembleSelection(
      P.map((p) => pick(p, rows)),
      pick(y, rows),
      { iterations: 25, metric: METRICS.r2 },
    ).weights;
    for (let m = 0; m < M; m++) out[m] += w[m] / bags;
  }
  return out;
}

const CONSTRUCTIONS: readonly Construction[] = [
  {
    id: 'V0',
    label: 'greedy 25 (current)',
    choose: greedy(25),
  },
  { id: 'V1', label: 'greedy 100', choose: greedy(100) },
  { id: 'V2a', label: 'bagged ES, 20 bags × half the members', choose: baggedMembers },
  { id: 'V2b', label: 'bagged ES, 20 bootstraps of rows', choose: baggedRows },
  {
    id: 'V3a',
    label: 'greedy 25 over the top 5 by CV',
    choose: (P, y, ctx) =>
      greedyAmong(
        P,
        y,
        ranked(ctx.scores)
          .slice(0, 5)
          .map(([m]) => m)
          .sort((a, b) => a - b),
      ),
  },
  {
    id: 'V3b',
    label: 'greedy 25 over members within 2 SE of the best CV mean',
    choose: (P, y, ctx) => {
      const r = ranked(ctx.scores);
      const floor = r[0][1] - 2 * se(ctx.scores[r[0][0]]);
      return greedyAmong(
        P,
        y,
        r
          .filter(([, s]) => s >= floor)
          .map(([m]) => m)
          .sort((a, b) => a - b),
      );
    },
  },
  {
    id: 'V3c',
    label: 'greedy 25 over members within 2 paired SE of the best',
    choose: (P, y, ctx) => {
      const r = ranked(ctx.scores);
      const best = ctx.scores[r[0][0]];
      const keep = ctx.scores
        .map((s, m) => [m, s.map((v, f) => best[f] - v)] as const)
        .filter(([m, d]) => m === r[0][0] || mean(d) <= 2 * se(d))
        .map(([m]) => m);
      return greedyAmong(P, y, keep);
    },
  },
  { id: 'V4a', label: 'greedy 25 on absolute error', choose: greedy(25, METRICS.mae) },
  { id: 'V4b', label: 'greedy 25 on Huber loss', choose: (P, y) => greedy(25, huberMetric(P, y))(P, y) },
  { id: 'V5a', label: 'NNLS stacking, normalised', choose: nnls },
  { id: 'V5b', label: 'least squares on the simplex', choose: simplexLs },
  { id: 'V6', label: 'greedy 25, members clipped to their target range', clip: true, choose: greedy(25) },
  {
    id: 'V8',
    label: 'equal weights, top 3 by CV',
    choose: (P, _y, ctx) => {
      const w = new Float64Array(P.length);
      for (const [m] of ranked(ctx.scores).slice(0, 3)) w[m] = 1 / 3;
      return w;
    },
  },
];

/** How the winner is picked: best mean, or the ensemble only beyond one SE of paired differences. */
const RULES = ['mean', '1se'] as const;
type Rule = (typeof RULES)[number];

// ---------------------------------------------------------------------------------------------
// 3. Offline evaluation of one construction on one seed.

interface Prepared {
  readonly d: SeedData;
  readonly folds: Fold[];
  readonly singleCv: number[];
  /** Index of the best single candidate by mean fold score (ties: lowest index, as pickBest). */
  readonly bestCv: number;
  readonly singleTest: number[];
  readonly bestTest: number;
  readonly gbdt: number;
  readonly clippedOof: Float64Array[];
  readonly clippedTest: Float64Array[];
}

function prepare(d: SeedData): Prepared {
  const folds: Fold[] = Array.from({ length: FOLDS }, (_, k) => ({
    repeat: 0,
    fold: k,
    fit: Uint32Array.from(d.y.keys()).filter((i) => d.foldOf[i] !== k),
    held: Uint32Array.from(d.y.keys()).filter((i) => d.foldOf[i] === k),
  }));
  const singleCv = d.foldScores.map(mean);
  let bestCv = 0;
  singleCv.forEach((s, m) => {
    if (s > singleCv[bestCv]) bestCv = m;
  });
  const singleTest = d.test.map((p) => r2(d.yTest, p));
  // Each OOF value came from models fitted on its fold's complement; TEST from TRAIN+VAL.
  const range = (rows: Uint32Array) => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const i of rows) {
      lo = Math.min(lo, d.y[i]);
      hi = Math.max(hi, d.y[i]);
    }
    return [lo, hi] as const;
  };
  const foldRange = folds.map((f) => range(f.fit));
  const all = range(Uint32Array.from(d.y.keys()));
  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
  return {
    d,
    folds,
    singleCv,
    bestCv,
    singleTest,
    bestTest: Math.max(...singleTest),
    gbdt: singleTest[d.names.indexOf('gbdt')] ?? Number.NaN,
    clippedOof: d.oof.map((p) => p.map((v, i) => clamp(v, foldRange[d.foldOf[i]]))),
    clippedTest: d.test.map((p) => p.map((v) => clamp(v, all))),
  };
}

interface VariantSeed {
  nested: number[];
  nestedMean: number;
  weights: Record<string, number>;
  ensembleTest: number;
  /** Per rule: whether the ensemble was selected and the selected model's TEST R². */
  selected: Record<Rule, { ensemble: boolean; test: number }>;
  /** TEST predictions of the ensemble (not written out). */
  pred: Float64Array;
}

function evaluate(p: Prepared, c: Construction): VariantSeed {
  const { d, folds } = p;
  const oof = c.clip ? p.clippedOof : d.oof;
  const test = c.clip ? p.clippedTest : d.test;
  const nested = folds.map((fold, k) => {
    const w = c.choose(
      oof.map((o) => pick(o, fold.fit)),
      pick(d.y, fold.fit),
      { scores: d.foldScores.map((s) => s.filter((_, f) => f !== k)), seed: mix(d.seed, k) },
    );
    return r2(
      pick(d.y, fold.held),
      blendPredictions(
        oof.map((o) => pick(o, fold.held)),
        w,
      ),
    );
  });
  const w = c.choose(oof, d.y, { scores: d.foldScores, seed: mix(d.seed, FOLDS) });
  const pred = blendPredictions(test, w);
  const ensembleTest = r2(d.yTest, pred);
  const nestedMean = mean(nested);
  const diffs = nested.map((v, k) => v - d.foldScores[p.bestCv][k]);
  const single = p.singleTest[p.bestCv];
  const pickMean = nestedMean > p.singleCv[p.bestCv];
  const pick1se = mean(diffs) > se(diffs);
  return {
    nested,
    nestedMean,
    weights: Object.fromEntries(d.names.map((n, m) => [n, w[m]]).filter(([, v]) => v !== 0)),
    ensembleTest,
    selected: {
      mean: { ensemble: pickMean, test: pickMean ? ensembleTest : single },
      '1se': { ensemble: pick1se, test: pick1se ? ensembleTest : single },
    },
    pred,
  };
}

/** The replay of V0 must be the product's cvEnsemble, bit for bit. */
function checkAgainstProduct(p: Prepared, v0: VariantSeed): void {
  const e = cvEnsemble(
    p.d.oof.map((o) => [o]),
    p.d.y,
    p.folds,
    // V0 as studied: every greedy pick kept (the product now drops weights below 0.05).
    { metric: METRICS.r2, iterations: 25, minWeight: 0 },
  );
  const same =
    e.foldScores.every((s, k) => Object.is(s, v0.nested[k])) &&
    p.d.names.every((n, m) => (v0.weights[n] ?? 0) === e.weights[m]);
  if (!same) throw new Error(`${p.d.dataset} ${p.d.seed}: V0 differs from cvEnsemble`);
}

/**
 * What the TEST gap (selected − best single on TEST) is made of: the share of its SSE difference
 * that the 3 rows contributing most account for, and the gap left without those rows.
 */
function testDiagnostics(p: Prepared, selectedPred: Float64Array) {
  const { d } = p;
  const best = p.singleTest.indexOf(p.bestTest);
  const yMax = Math.max(...d.y);
  const contrib = Float64Array.from(
    d.yTest,
    (v, i) => (v - selectedPred[i]) ** 2 - (v - d.test[best][i]) ** 2,
  );
  const gap = sum(contrib);
  const top3 = [...contrib.keys()].sort((a, b) => contrib[b] - contrib[a]).slice(0, 3);
  const rest = Uint32Array.from(d.yTest.keys()).filter((i) => !top3.includes(i));
  const r2Rest = (pred: Float64Array) => r2(pick(d.yTest, rest), pick(pred, rest));
  return {
    test_rows_above_train_val_max: d.yTest.filter((v) => v > yMax).length,
    sse_gap_share_of_top3_rows:
      gap > 0 ? (contrib[top3[0]] + contrib[top3[1]] + contrib[top3[2]]) / gap : null,
    gap_without_top3_rows: r2Rest(selectedPred) - r2Rest(d.test[best]),
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Run: compute or load every seed, evaluate every variant, summarise.

mkdirSync(args.cache!, { recursive: true });
const started = performance.now();
const data: SeedData[] = [];
let runner: JobRunner | null = null;
for (const ds of datasets) {
  for (const seed of seeds) {
    const file = join(args.cache!, `${ds}-${seed}.json`);
    let d = args.fresh ? null : loadSeed(file, ds, seed);
    if (!d) {
      runner ??= poolRunner(2);
      d = await computeSeed(ds, seed, runner);
      saveSeed(file, d);
      console.log(
        `${ds} seed ${seed}: cv ${d.seconds.cv.toFixed(0)} s, refit ${d.seconds.refit.toFixed(0)} s (${((performance.now() - started) / 1000).toFixed(0)} s so far)`,
      );
    }
    data.push(d);
  }
}
await closeFitPool();

const preparedAll = data.map(prepare);
const results = preparedAll.map((p) => {
  const byVariant = Object.fromEntries(CONSTRUCTIONS.map((c) => [c.id, evaluate(p, c)]));
  checkAgainstProduct(p, byVariant.V0);
  return { p, byVariant };
});

interface Row {
  variant: string;
  label: string;
  rule: Rule | 'singles';
  dataset: string;
  nested_cv_mean: number | null;
  ensemble_selected: number;
  gap_mean: number;
  gap_median: number;
  gap_min: number;
  within_tolerance: number;
  seeds: number;
  minus_gbdt_mean: number;
  ensemble_minus_best_single_mean: number | null;
  ensemble_ahead_of_best_single: number | null;
  /** Selected TEST R² minus the current product's (V0, mean rule), paired by seed: mean and SE. */
  vs_current: { mean: number; se: number };
  /** The same against selecting among single candidates only. */
  vs_singles: { mean: number; se: number };
}

function summarise(
  variant: string,
  label: string,
  rule: Rule | 'singles',
  dataset: string,
  rows: { p: Prepared; v?: VariantSeed; sel: number; current: number }[],
): Row {
  const gaps = rows.map((r) => r.sel - r.p.bestTest);
  const paired = (d: number[]) => ({ mean: mean(d), se: se(d) });
  const ens = rows.filter((r) => r.v).map((r) => r.v!.ensembleTest - r.p.bestTest);
  return {
    variant,
    label,
    rule,
    dataset,
    nested_cv_mean: rows[0].v ? mean(rows.map((r) => r.v!.nestedMean)) : null,
    ensemble_selected:
      rule === 'singles' ? 0 : rows.filter((r) => r.v!.selected[rule as Rule].ensemble).length,
    gap_mean: mean(gaps),
    gap_median: median(Float64Array.from(gaps)),
    gap_min: Math.min(...gaps),
    within_tolerance: gaps.filter((g) => g >= -TOLERANCE).length,
    seeds: rows.length,
    minus_gbdt_mean: mean(rows.map((r) => r.sel - r.p.gbdt)),
    ensemble_minus_best_single_mean: ens.length ? mean(ens) : null,
    ensemble_ahead_of_best_single: ens.length ? ens.filter((g) => g > 0).length : null,
    vs_current: paired(rows.map((r) => r.sel - r.current)),
    vs_singles: paired(rows.map((r) => r.sel - r.p.singleTest[r.p.bestCv])),
  };
}

const groups = [...datasets.map((ds) => [ds, [ds]] as const), ['all', datasets] as const];
const table: Row[] = [];
for (const [name, dss] of groups) {
  const sel = results.filter((r) => dss.includes(r.p.d.dataset));
  table.push(
    summarise(
      'singles',
      'no ensemble: best single by CV',
      'singles',
      name,
      sel.map((r) => ({
        p: r.p,
        sel: r.p.singleTest[r.p.bestCv],
        current: r.byVariant.V0.selected.mean.test,
      })),
    ),
  );
  for (const c of CONSTRUCTIONS) {
    for (const rule of RULES) {
      table.push(
        summarise(
          c.id,
          c.label,
          rule,
          name,
          sel.map((r) => ({
            p: r.p,
            v: r.byVariant[c.id],
            sel: r.byVariant[c.id].selected[rule].test,
            current: r.byVariant.V0.selected.mean.test,
          })),
        ),
      );
    }
  }
}

const f4 = (x: number | null) => (x === null ? '—' : (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(4));
for (const [name] of groups) {
  console.log(`\n### ${name}\n`);
  console.log(
    '| variant | rule | nested CV R² | ens. picked | sel − best single: mean | median | min | ≥ −0.003 | sel − gbdt | sel − current (± SE) | ens − best single: mean | ens ahead |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of table.filter((t) => t.dataset === name)) {
    console.log(
      `| ${r.variant} ${r.label} | ${r.rule} | ${r.nested_cv_mean?.toFixed(4) ?? '—'} | ${r.ensemble_selected}/${r.seeds} | ` +
        `${f4(r.gap_mean)} | ${f4(r.gap_median)} | ${f4(r.gap_min)} | ${r.within_tolerance}/${r.seeds} | ${f4(r.minus_gbdt_mean)} | ` +
        `${f4(r.vs_current.mean)} ± ${r.vs_current.se.toFixed(4)} | ` +
        `${f4(r.ensemble_minus_best_single_mean)} | ${r.ensemble_ahead_of_best_single ?? '—'}/${r.seeds} |`,
    );
  }
}

const perSeed = results.map(({ p, byVariant }) => ({
  dataset: p.d.dataset,
  seed: p.d.seed,
  rows: { train_val: p.d.y.length, test: p.d.yTest.length },
  seconds: p.d.seconds,
  candidates: Object.fromEntries(
    p.d.names.map((n, m) => [
      n,
      { cv_mean: p.singleCv[m], cv_se: se(p.d.foldScores[m]), test_r2: p.singleTest[m] },
    ]),
  ),
  best_single_by_cv: p.d.names[p.bestCv],
  best_single_on_test: p.d.names[p.singleTest.indexOf(p.bestTest)],
  variants: Object.fromEntries(
    Object.entries(byVariant).map(([id, v]) => [
      id,
      {
        nested_cv_mean: v.nestedMean,
        weights: v.weights,
        ensemble_test_r2: v.ensembleTest,
        // Per rule: [ensemble selected, selected TEST R² − best single's TEST R²].
        selected: Object.fromEntries(
          RULES.map((rule) => [rule, [v.selected[rule].ensemble, v.selected[rule].test - p.bestTest]]),
        ),
        diagnostics: testDiagnostics(p, v.selected.mean.ensemble ? v.pred : p.d.test[p.bestCv]),
      },
    ]),
  ),
}));

/** Numbers to 6 decimals: the file stays readable, and R² differences below 1e-6 do not matter. */
const round = (x: unknown): unknown =>
  typeof x === 'number'
    ? Math.round(x * 1e6) / 1e6
    : Array.isArray(x)
      ? x.map(round)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, round(v)]))
        : x;

writeResult('ensemble-study', {
  datasets,
  seeds,
  folds: FOLDS,
  tolerance: TOLERANCE,
  variants: Object.fromEntries(CONSTRUCTIONS.map((c) => [c.id, c.label])),
  rules: {
    mean: 'the ensemble when its nested mean fold score beats the best single mean (pickBest)',
    '1se': 'the ensemble only when its mean paired fold advantage over the best single exceeds one SE',
  },
  summary: round(table),
  runs: round(perSeed),
  seconds: (performance.now() - started) / 1000,
});
