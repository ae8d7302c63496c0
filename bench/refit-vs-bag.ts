/**
 * Final models after cross-validated selection: refit each candidate on all of TRAIN+VAL (what
 * tabflow ships; gbdt grows the mean of its folds' rounds) or keep the K fold models as a bag
 * (AutoGluon's default: predict = mean of the fold models, each through its own fold's
 * preprocessor). Same rows, folds, seeds and fit jobs as `selectByCv` (src/train/cv-selection.ts,
 * src/train/cv/cross-validate.ts): load → clean → split with the default config, K-fold over
 * TRAIN+VAL, preprocessing fitted per fold per encoding, `runFitJob` with the fold's held-out rows,
 * ensemble weights by `cvEnsemble` on the out-of-fold predictions. TEST is used only to score.
 *
 *   node --import tsx bench/refit-vs-bag.ts [--datasets concrete,ames] [--seeds 1,2,3] [--folds 5]
 *
 * Per dataset × seed × candidate: TEST R² of bag and refit, train seconds (the K fold fits, which
 * cross-validation runs anyway, and the one extra refit), predict latency through preprocessor +
 * model (one row at a time: median over ≤ 200 TEST rows; batch: rows/s on all TEST rows, best of
 * 3) and artifact bytes (stringifyArtifact of model + preprocessor JSON; K of each for the bag).
 * Accuracy is exact and deterministic; timings depend on the machine's load.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DataCleaner } from '../src/clean/data-cleaner.js';
import { resolveConfig } from '../src/config/config.js';
import { stringifyArtifact } from '../src/core/codec.js';
import type { Matrix } from '../src/core/matrix.js';
import type { Frame } from '../src/data/frame.js';
import { DataLoader } from '../src/data/loader.js';
import { METRICS, r2 } from '../src/metrics/regression.js';
import { blendPredictions } from '../src/models/ensemble/greedy-selection.js';
import { closePool } from '../src/models/forest/index.js';
import '../src/models/index.js';
import { loadOptionsOf } from '../src/data/data-config.js';
import { getFamily } from '../src/models/families.js';
import type { FeatureInfo, FittedRegressor, InputEncoding } from '../src/models/regressor.js';
import { type FittedPreprocessor, ProductionPreprocessor } from '../src/preprocess/index.js';
import { DataSplitter } from '../src/split/data-splitter.js';
import { type CandidateSpec, defaultCandidates } from '../src/train/candidates.js';
import { type FitJob, runFitJob } from '../src/train/cv/fit-job.js';
import { prepareFold } from '../src/train/cv/fold-data.js';
import { kFolds } from '../src/train/cv/folds.js';
import { cvEnsemble, ensembleOptions } from '../src/train/ensemble-step.js';
import { writeResult } from './write-result.js';

const DATASETS: Record<string, { file: string; target: string }> = {
  concrete: { file: 'examples/data/concrete.csv', target: 'compressive_strength' },
  ames: { file: 'examples/data/ames.csv', target: 'Sale_Price' },
};
const LATENCY_ROWS = 200;
const BATCH_REPEATS = 3;

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'concrete,ames' },
    seeds: { type: 'string', default: '1,2,3' },
    folds: { type: 'string', default: '5' },
  },
});
const datasets = args.datasets!.split(',');
const seeds = args.seeds!.split(',').map(Number);
const K = Number(args.folds);
for (const d of datasets)
  if (!DATASETS[d]) throw new Error(`unknown dataset "${d}"; known: ${Object.keys(DATASETS)}`);

/** One way to predict: (preprocessor, model) pairs whose predictions are averaged. */
type Predictor = { pre: FittedPreprocessor; model: FittedRegressor }[];

interface CandidateRow {
  name: string;
  encoding: InputEncoding;
  oof_r2: number;
  test_r2: { bag: number; refit: number; bag_minus_refit: number; fold_models_mean: number };
  train_s: { fold_fits: number; refit: number };
  gbdt_rounds?: { folds: number[]; refit_max_iter: unknown };
  latency: {
    single_ms: { bag: number; refit: number };
    batch_rows_per_s: { bag: number; refit: number };
  };
  artifact_bytes: { bag: number; refit: number };
}

const bytes = (x: { toJSON(): unknown }) => Buffer.byteLength(stringifyArtifact(x.toJSON()));
const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
const mean = (v: readonly number[]) => sum(v) / v.length;
/** Standard error of the mean. */
const se = (v: readonly number[]) =>
  Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1) / v.length);
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Predictions of a weighted set of members, each member a Predictor (one pair: refit; K: bag).
 * Preprocessing is shared: each distinct preprocessor transforms the frame once.
 */
function predictAll(frame: Frame, members: readonly Predictor[], weights: readonly number[]): Float64Array {
  const cache = new Map<FittedPreprocessor, Matrix>();
  const X = (pre: FittedPreprocessor) => {
    let m = cache.get(pre);
    if (!m) {
      m = pre.transform(frame).X;
      cache.set(pre, m);
    }
    return m;
  };
  const out = new Float64Array(frame.nRows);
  members.forEach((pairs, j) => {
    const w = weights[j] / pairs.length;
    if (w === 0) return;
    for (const { pre, model } of pairs) {
      const p = model.predict(X(pre));
      for (let i = 0; i < out.length; i++) out[i] += w * p[i];
    }
  });
  return out;
}

/** Single-row median ms and batch rows/s of each way, interleaved so load hits both alike. */
function latency(test: Frame, ways: Record<string, () => (f: Frame) => Float64Array>) {
  const n = Math.min(LATENCY_ROWS, test.nRows);
  const rows = Array.from({ length: n }, (_, i) => test.take([i]));
  const fns = Object.entries(ways).map(([k, make]) => [k, make()] as const);
  for (const [, f] of fns) for (const r of rows) f(r); // warm-up
  const single = new Map(fns.map(([k]) => [k, [] as number[]]));
  for (const r of rows) {
    for (const [k, f] of fns) {
      const t0 = performance.now();
      f(r);
      single.get(k)!.push(performance.now() - t0);
    }
  }
  const batch = new Map(fns.map(([k]) => [k, Number.POSITIVE_INFINITY]));
  for (let rep = 0; rep < BATCH_REPEATS; rep++) {
    for (const [k, f] of fns) {
      const t0 = performance.now();
      f(test);
      batch.set(k, Math.min(batch.get(k)!, (performance.now() - t0) / 1000));
    }
  }
  return Object.fromEntries(
    fns.map(([k]) => [
      k,
      { single_ms: median(single.get(k)!), batch_rows_per_s: test.nRows / batch.get(k)! },
    ]),
  );
}

async function runOne(dataset: string, seed: number) {
  const { file, target } = DATASETS[dataset];
  const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
  const cfg = resolveConfig({
    data: { path, target },
    split: { seed },
    training: { seed },
    selection: { method: 'cv', folds: K, repeats: 1 },
  });
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
  const test = features.take(split.test);
  const yTest = Float64Array.from(split.test, (i) => yCol.values[i]);
  const folds = kFolds(y.length, { folds: K, repeats: 1, seed: cfg.training.seed });
  const candidates: CandidateSpec[] = defaultCandidates();
  const encodings = [...new Set(candidates.map((c) => getFamily(c.model).input))];
  // The job cross-validate.ts / refitAll run, with one thread per fit.
  const job = (
    c: CandidateSpec,
    params: Record<string, unknown>,
    m: { features: readonly FeatureInfo[]; X: Matrix },
    yy: Float64Array,
    held?: FitJob['held'],
  ): FitJob => ({
    name: c.name,
    model: c.model,
    params,
    features: m.features,
    X: m.X,
    y: yy,
    held,
    seed: cfg.training.seed,
    budgetS: cfg.training.candidate_time_budget_s,
    threads: 1,
  });

  // 1. K-fold: per fold a preprocessor per encoding on the fold's fitting rows; every candidate fitted.
  const prepS = { folds: 0, refit: 0 };
  const foldPre: Map<InputEncoding, FittedPreprocessor>[] = [];
  const cv = candidates.map(() => ({
    models: [] as FittedRegressor[],
    oof: new Float64Array(y.length).fill(Number.NaN),
    iterations: [] as number[],
    seconds: 0,
  }));
  for (const fold of folds) {
    const t0 = performance.now();
    const fitFrame = frame.take(fold.fit);
    const heldFrame = frame.take(fold.held);
    const yFit = Float64Array.from(fold.fit, (i) => y[i]);
    const yHeld = Float64Array.from(fold.held, (i) => y[i]);
    const pres = new Map<InputEncoding, FittedPreprocessor>();
    const mats = new Map<InputEncoding, { features: FeatureInfo[]; fit: Matrix; held: Matrix }>();
    for (const encoding of encodings) {
      const pre = new ProductionPreprocessor(cfg.preprocessing, { encoding }).fit(fitFrame);
      const fit = pre.transform(fitFrame);
      pres.set(encoding, pre);
      mats.set(encoding, { features: fit.features, fit: fit.X, held: pre.transform(heldFrame).X });
    }
    prepS.folds += (performance.now() - t0) / 1000;
    checkSameAsProduct(frame, y, fold, encodings, cfg.preprocessing, mats);
    foldPre.push(pres);
    for (const [c, spec] of candidates.entries()) {
      const m = mats.get(getFamily(spec.model).input)!;
      const r = await runFitJob(
        job(spec, spec.params, { features: m.features, X: m.fit }, yFit, { X: m.held, y: yHeld }),
        'model',
      );
      if (!r.ok || !r.fitted || !r.pred) throw new Error(`${spec.name} fold ${fold.fold}: ${r.error}`);
      cv[c].models.push(r.fitted);
      cv[c].seconds += r.seconds;
      if (r.iterations !== undefined) cv[c].iterations.push(r.iterations);
      for (let k = 0; k < fold.held.length; k++) cv[c].oof[fold.held[k]] = r.pred[k];
    }
  }

  // 3. Refit: a preprocessor per encoding on all TRAIN+VAL; every candidate refitted (no val rows).
  const t0 = performance.now();
  const fullPre = new Map<InputEncoding, FittedPreprocessor>();
  const fullMat = new Map<InputEncoding, { features: FeatureInfo[]; X: Matrix }>();
  for (const encoding of encodings) {
    const pre = new ProductionPreprocessor(cfg.preprocessing, { encoding }).fit(frame);
    const tr = pre.transform(frame);
    fullPre.set(encoding, pre);
    fullMat.set(encoding, { features: tr.features, X: tr.X });
  }
  prepS.refit = (performance.now() - t0) / 1000;
  const refit: { model: FittedRegressor; seconds: number; params: Record<string, unknown> }[] = [];
  for (const spec of candidates) {
    const family = getFamily(spec.model);
    const c = cv[candidates.indexOf(spec)];
    const params = family.refitParams?.(spec.params, c.iterations) ?? spec.params;
    const m = fullMat.get(family.input)!;
    const r = await runFitJob(job(spec, params, m, y), 'model');
    if (!r.ok || !r.fitted) throw new Error(`${spec.name} refit: ${r.error}`);
    refit.push({ model: r.fitted, seconds: r.seconds, params });
  }

  // 2 + 3 on TEST, with latency and size.
  const bagOf = (c: number): Predictor =>
    cv[c].models.map((model, k) => ({ model, pre: foldPre[k].get(getFamily(candidates[c].model).input)! }));
  const refitOf = (c: number): Predictor => [
    { model: refit[c].model, pre: fullPre.get(getFamily(candidates[c].model).input)! },
  ];
  const out: CandidateRow[] = [];
  const bagTest: Float64Array[] = [];
  const refitTest: Float64Array[] = [];
  for (const [c, spec] of candidates.entries()) {
    const enc = getFamily(spec.model).input;
    const bag = bagOf(c);
    const ref = refitOf(c);
    const pb = predictAll(test, [bag], [1]);
    const pr = predictAll(test, [ref], [1]);
    bagTest.push(pb);
    refitTest.push(pr);
    const lat = latency(test, {
      bag: () => (f) => predictAll(f, [bag], [1]),
      refit: () => (f) => predictAll(f, [ref], [1]),
    });
    const rb = r2(yTest, pb);
    const rr = r2(yTest, pr);
    out.push({
      name: spec.name,
      encoding: enc,
      oof_r2: r2(y, cv[c].oof),
      test_r2: {
        bag: rb,
        refit: rr,
        bag_minus_refit: rb - rr,
        fold_models_mean: mean(bag.map((p) => r2(yTest, predictAll(test, [[p]], [1])))),
      },
      train_s: { fold_fits: cv[c].seconds, refit: refit[c].seconds },
      ...(cv[c].iterations.length
        ? { gbdt_rounds: { folds: cv[c].iterations, refit_max_iter: refit[c].params.max_iter } }
        : {}),
      latency: {
        single_ms: { bag: lat.bag.single_ms, refit: lat.refit.single_ms },
        batch_rows_per_s: { bag: lat.bag.batch_rows_per_s, refit: lat.refit.batch_rows_per_s },
      },
      artifact_bytes: {
        bag: bag.reduce((a, p) => a + bytes(p.model) + bytes(p.pre), 0),
        refit: bytes(ref[0].model) + bytes(ref[0].pre),
      },
    });
  }

  // 4. The ensemble: weights as the product chooses them (cvEnsemble on the out-of-fold predictions).
  const ens = cvEnsemble(
    cv.map((c) => [c.oof]),
    y,
    folds,
    ensembleOptions(cfg, METRICS.r2),
  );
  const w = [...ens.weights];
  const live = candidates.map((_, c) => c).filter((c) => w[c] > 0);
  const eb = r2(yTest, blendPredictions(bagTest, w));
  const er = r2(yTest, blendPredictions(refitTest, w));
  const bagMembers = candidates.map((_, c) => bagOf(c));
  const refitMembers = candidates.map((_, c) => refitOf(c));
  const elat = latency(test, {
    bag: () => (f) => predictAll(f, bagMembers, w),
    refit: () => (f) => predictAll(f, refitMembers, w),
  });
  const liveEnc = [...new Set(live.map((c) => getFamily(candidates[c].model).input))];
  const preBytes = (pres: ReadonlyMap<InputEncoding, FittedPreprocessor>) =>
    liveEnc.reduce((s, e) => s + bytes(pres.get(e)!), 0);
  const ensemble = {
    weights: Object.fromEntries(live.map((c) => [candidates[c].name, w[c]])),
    oof_r2_nested: mean([...ens.foldScores]),
    test_r2: { bag: eb, refit: er, bag_minus_refit: eb - er },
    train_s: {
      fold_fits: live.reduce((a, c) => a + cv[c].seconds, 0),
      refit: live.reduce((a, c) => a + refit[c].seconds, 0),
    },
    latency: {
      single_ms: { bag: elat.bag.single_ms, refit: elat.refit.single_ms },
      batch_rows_per_s: { bag: elat.bag.batch_rows_per_s, refit: elat.refit.batch_rows_per_s },
    },
    // Each member's model(s) + one preprocessor per encoding the members use (per fold for the bag).
    artifact_bytes: {
      bag:
        live.reduce((a, c) => a + cv[c].models.reduce((s, m) => s + bytes(m), 0), 0) +
        foldPre.reduce((a, p) => a + preBytes(p), 0),
      refit: live.reduce((a, c) => a + bytes(refit[c].model), 0) + preBytes(fullPre),
    },
  };
  return {
    dataset,
    seed,
    rows: { train_val: y.length, test: yTest.length },
    folds: K,
    preprocess_s: prepS,
    candidates: out,
    ensemble,
  };
}

/** The fold matrices here are prepareFold's, bit for bit (guards the mirror of the product). */
function checkSameAsProduct(
  frame: Frame,
  y: Float64Array,
  fold: Parameters<typeof prepareFold>[2],
  encodings: InputEncoding[],
  config: Parameters<typeof prepareFold>[4],
  mats: Map<InputEncoding, { fit: Matrix; held: Matrix }>,
): void {
  const product = prepareFold(frame, y, fold, encodings, config, false);
  for (const e of encodings) {
    const a = mats.get(e)!;
    const b = product.get(e)!;
    const same = (p: Matrix, q: Matrix) =>
      p.rows === q.rows && p.cols === q.cols && p.data.every((v, i) => Object.is(v, q.data[i]));
    if (!same(a.fit, b.fit.X) || !same(a.held, b.held.X))
      throw new Error(`fold ${fold.fold} ${e}: matrices differ from prepareFold`);
  }
}

const f4 = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(4);
const fx = (x: number) => `${x.toFixed(2)}×`;

const started = performance.now();
const runs: Awaited<ReturnType<typeof runOne>>[] = [];
for (const d of datasets) {
  for (const s of seeds) {
    const t0 = performance.now();
    const r = await runOne(d, s);
    runs.push(r);
    console.log(
      `\n### ${d} seed ${s} (${r.rows.train_val} TRAIN+VAL / ${r.rows.test} TEST rows, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
    console.log(
      '| candidate | OOF R² | TEST R² bag | refit | bag − refit | fold fits s | refit s | 1-row ms bag / refit | batch rows/s bag / refit | bytes bag / refit |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const c of r.candidates) {
      console.log(
        `| ${c.name} | ${c.oof_r2.toFixed(4)} | ${c.test_r2.bag.toFixed(4)} | ${c.test_r2.refit.toFixed(4)} | ${f4(c.test_r2.bag_minus_refit)} | ` +
          `${c.train_s.fold_fits.toFixed(2)} | ${c.train_s.refit.toFixed(2)} | ${c.latency.single_ms.bag.toFixed(3)} / ${c.latency.single_ms.refit.toFixed(3)} | ` +
          `${c.latency.batch_rows_per_s.bag.toFixed(0)} / ${c.latency.batch_rows_per_s.refit.toFixed(0)} | ${c.artifact_bytes.bag} / ${c.artifact_bytes.refit} |`,
      );
    }
    const e = r.ensemble;
    console.log(
      `| ensemble (${Object.entries(e.weights)
        .map(([n, v]) => `${n} ${v.toFixed(2)}`)
        .join(', ')}) | ${e.oof_r2_nested.toFixed(4)} (nested) | ` +
        `${e.test_r2.bag.toFixed(4)} | ${e.test_r2.refit.toFixed(4)} | ${f4(e.test_r2.bag_minus_refit)} | | | ${e.latency.single_ms.bag.toFixed(3)} / ${e.latency.single_ms.refit.toFixed(3)} | ` +
        `${e.latency.batch_rows_per_s.bag.toFixed(0)} / ${e.latency.batch_rows_per_s.refit.toFixed(0)} | ${e.artifact_bytes.bag} / ${e.artifact_bytes.refit} |`,
    );
  }
}
await closePool();

// 6. Summaries across seeds: per candidate and for the ensemble.
type Facts = {
  diff: number;
  singleRatio: number;
  batchRatio: number;
  sizeRatio: number;
  refitS: number;
  foldS: number;
};
const facts = new Map<string, Map<string, Facts[]>>();
const add = (name: string, d: string, f: Facts) => {
  if (!facts.has(name)) facts.set(name, new Map());
  const m = facts.get(name)!;
  if (!m.has(d)) m.set(d, []);
  m.get(d)!.push(f);
};
for (const r of runs) {
  for (const c of [...r.candidates, { name: 'ensemble', ...r.ensemble }]) {
    add(c.name, r.dataset, {
      diff: c.test_r2.bag_minus_refit,
      singleRatio: c.latency.single_ms.bag / c.latency.single_ms.refit,
      batchRatio: c.latency.batch_rows_per_s.refit / c.latency.batch_rows_per_s.bag,
      sizeRatio: c.artifact_bytes.bag / c.artifact_bytes.refit,
      refitS: c.train_s.refit,
      foldS: c.train_s.fold_fits,
    });
  }
}
const summary = [...facts].map(([name, byData]) => {
  const all = [...byData.values()].flat();
  return {
    name,
    mean_test_r2_bag_minus_refit: Object.fromEntries(
      [...byData].map(([d, v]) => [d, mean(v.map((f) => f.diff))]),
    ),
    mean_test_r2_bag_minus_refit_all: mean(all.map((f) => f.diff)),
    se_test_r2_bag_minus_refit_all: se(all.map((f) => f.diff)),
    bag_better: `${all.filter((f) => f.diff > 0).length}/${all.length}`,
    // Ratio of totals: fits of linear models on concrete take microseconds, their ratios are noise.
    refit_train_s_over_fold_fits_s: sum(all.map((f) => f.refitS)) / sum(all.map((f) => f.foldS)),
    single_row_latency_bag_over_refit: mean(all.map((f) => f.singleRatio)),
    batch_time_bag_over_refit: mean(all.map((f) => f.batchRatio)),
    artifact_bytes_bag_over_refit: mean(all.map((f) => f.sizeRatio)),
  };
});
console.log('\n### Summary (means over seeds; ratios bag / refit)\n');
console.log(
  `| candidate | ${datasets.map((d) => `ΔR² ${d}`).join(' | ')} | ΔR² all ± SE | bag better | refit s / fold fits s | 1-row latency | batch time | artifact bytes |`,
);
console.log(`|---|${datasets.map(() => '---|').join('')}---|---|---|---|---|---|`);
for (const s of summary) {
  console.log(
    `| ${s.name} | ${datasets.map((d) => f4(s.mean_test_r2_bag_minus_refit[d])).join(' | ')} | ${f4(s.mean_test_r2_bag_minus_refit_all)} ± ${s.se_test_r2_bag_minus_refit_all.toFixed(4)} | ${s.bag_better} | ` +
      `${s.refit_train_s_over_fold_fits_s.toFixed(2)} | ${fx(s.single_row_latency_bag_over_refit)} | ` +
      `${fx(s.batch_time_bag_over_refit)} | ${fx(s.artifact_bytes_bag_over_refit)} |`,
  );
}
// Training of all candidates per run: the K-fold fits (CV needs them either way) and the refits.
const training = Object.fromEntries(
  datasets.map((d) => {
    const rs = runs.filter((r) => r.dataset === d);
    const total = (r: (typeof rs)[number], k: 'fold_fits' | 'refit') =>
      r.candidates.reduce((a, c) => a + c.train_s[k], 0);
    return [
      d,
      {
        fold_fits_s: mean(rs.map((r) => total(r, 'fold_fits'))),
        refit_s: mean(rs.map((r) => total(r, 'refit'))),
      },
    ];
  }),
);
for (const [d, t] of Object.entries(training)) {
  console.log(
    `${d}: all candidates' K-fold fits ${t.fold_fits_s.toFixed(1)} s, refits ${t.refit_s.toFixed(1)} s (+${((100 * t.refit_s) / t.fold_fits_s).toFixed(0)} %) per run`,
  );
}
const wallS = (performance.now() - started) / 1000;
console.log(`\nwall ${wallS.toFixed(0)} s`);
writeResult('refit-vs-bag', {
  command: `node --import tsx bench/refit-vs-bag.ts --datasets ${datasets.join(',')} --seeds ${seeds.join(',')} --folds ${K}`,
  folds: K,
  repeats: 1,
  latency_rows: LATENCY_ROWS,
  batch_repeats: BATCH_REPEATS,
  wall_s: wallS,
  summary,
  training,
  runs,
});
