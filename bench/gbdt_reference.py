"""Reference side of bench/gbdt.ts: sklearn HistGradientBoostingRegressor and XGBoost hist on the
exact matrix the TypeScript side trains on, with the same iterations, leaves, bins and no early
stopping.

  prep DATA.split.csv TARGET OUTDIR   median-impute numbers + ordinal-encode categories (fitted on
                                      train), write X.f64 / y.f64 / split.u8 / meta.json into OUTDIR
  friedman N P SEED OUTDIR            Friedman #1 (noise 1), 80/20 split, same files
  fit OUTDIR [--iters 100] [--leaves 31] [--bins 255] [--repeat 1]
                                      fit HGB (2 threads and 1 thread) and XGBoost; one JSON per line
"""
import json, os, sys, time

import numpy as np


def write(outdir, X, y, split, names, cat_mask, n_cats):
    os.makedirs(outdir, exist_ok=True)
    np.ascontiguousarray(X, dtype="<f8").tofile(os.path.join(outdir, "X.f64"))
    np.ascontiguousarray(y, dtype="<f8").tofile(os.path.join(outdir, "y.f64"))
    np.ascontiguousarray(split, dtype="u1").tofile(os.path.join(outdir, "split.u8"))
    meta = {"rows": int(X.shape[0]), "cols": int(X.shape[1]), "names": names,
            "categorical": [bool(c) for c in cat_mask], "nCategories": [int(k) for k in n_cats]}
    json.dump(meta, open(os.path.join(outdir, "meta.json"), "w"))


def prep(path, target, outdir):
    import pandas as pd
    df = pd.read_csv(path)
    y = df[target].astype(float).to_numpy()
    lab = df["split"].astype(str).to_numpy()
    split = np.select([lab == "train", lab == "val", lab == "test"], [0, 1, 2], 3).astype("u1")
    X = df.drop(columns=[target, "split"])
    tr = split == 0
    cols, names, cat_mask, n_cats = [], [], [], []
    for c in X.columns:
        if pd.api.types.is_numeric_dtype(X[c]):
            v = X[c].astype(float).to_numpy()
            med = np.nanmedian(v[tr])
            cols.append(np.where(np.isnan(v), med, v)); cat_mask.append(False); n_cats.append(0)
        else:
            s = X[c].astype("string")
            cats = sorted(s[tr].dropna().unique())
            code = {k: i for i, k in enumerate(cats)}
            v = np.array([code.get(x, np.nan) if isinstance(x, str) else np.nan for x in s], dtype=float)
            cols.append(v); cat_mask.append(True); n_cats.append(len(cats))
        names.append(c)
    write(outdir, np.column_stack(cols), y, split, names, cat_mask, n_cats)


def friedman(n, p, seed, outdir):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n, p))
    y = (10 * np.sin(np.pi * X[:, 0] * X[:, 1]) + 20 * (X[:, 2] - 0.5) ** 2 + 10 * X[:, 3] + 5 * X[:, 4]
         + rng.normal(size=n))
    split = (rng.uniform(size=n) < 0.2).astype("u1") * 2  # 0 train, 2 test
    write(outdir, X, y, split, [f"x{j}" for j in range(p)], [False] * p, [0] * p)


def fit(outdir, iters, leaves, bins, repeat):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.metrics import r2_score
    from threadpoolctl import threadpool_limits
    meta = json.load(open(os.path.join(outdir, "meta.json")))
    X = np.fromfile(os.path.join(outdir, "X.f64"), dtype="<f8").reshape(meta["rows"], meta["cols"])
    y = np.fromfile(os.path.join(outdir, "y.f64"), dtype="<f8")
    split = np.fromfile(os.path.join(outdir, "split.u8"), dtype="u1")
    tr, te = split == 0, split == 2
    cat = np.array(meta["categorical"])

    def thread_cpu():
        # CPU seconds per thread of this process (Linux): utime + stime, in clock ticks.
        out = {}
        try:
            for tid in os.listdir("/proc/self/task"):
                f = open(f"/proc/self/task/{tid}/stat").read().split(") ")[1].split(" ")
                out[tid] = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
        return out

    def run(name, make, threads=None):
        best = None
        best_cpu = None
        best_threads = []
        for _ in range(repeat):
            m = make()
            th = thread_cpu()
            c = time.process_time()
            t = time.perf_counter()
            if threads:
                with threadpool_limits(limits=threads):
                    m.fit(X[tr], y[tr])
            else:
                m.fit(X[tr], y[tr])
            fit_s = time.perf_counter() - t
            cpu_s = time.process_time() - c
            if best is None or fit_s < best:
                after = thread_cpu()
                best_threads = sorted((v - th.get(k, 0) for k, v in after.items()), reverse=True)[:3]
            best = fit_s if best is None else min(best, fit_s)
            best_cpu = cpu_s if best_cpu is None else min(best_cpu, cpu_s)
        t = time.perf_counter(); p = m.predict(X[te]); pred_s = time.perf_counter() - t
        print(json.dumps({"model": name, "r2": float(r2_score(y[te], p)), "fit_s": best, "fit_cpu_s": best_cpu,
                          "fit_thread_cpu_s": best_threads,
                          "predict_s": pred_s,
                          "rows": int(tr.sum())}), flush=True)

    hgb = lambda: HistGradientBoostingRegressor(
        max_iter=iters, learning_rate=0.1, max_leaf_nodes=leaves, min_samples_leaf=20, max_bins=bins,
        l2_regularization=0.0, early_stopping=False, categorical_features=cat if cat.any() else None,
        random_state=0)
    run("hgb", hgb)
    run("hgb_1thread", hgb, threads=1)
    try:
        import xgboost
        run("xgboost", lambda: xgboost.XGBRegressor(
            n_estimators=iters, learning_rate=0.1, tree_method="hist", max_bin=bins + 1,
            grow_policy="lossguide", max_leaves=leaves, max_depth=0, n_jobs=2, random_state=0))
    except ImportError:
        print(json.dumps({"model": "xgboost", "error": "xgboost not installed"}), flush=True)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prep":
        prep(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "friedman":
        friedman(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif cmd == "fit":
        args = sys.argv[3:]
        opt = {k: int(v) for k, v in zip(args[::2], args[1::2])}
        fit(sys.argv[2], opt.get("--iters", 100), opt.get("--leaves", 31), opt.get("--bins", 255),
            opt.get("--repeat", 1))
