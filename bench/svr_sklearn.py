"""Side-by-side reference for bench/svr.ts: prepares a dataset exactly like
../shared/bench/sklearn_workflow.py (dedupe, 70/10/20 split with seed 7, median-impute + standardise
numbers, one-hot categories, fitted on train), writes the matrices as raw little-endian float64
for the TypeScript side, then fits scikit-learn's SVR on the first MAX_ROWS train rows with a
standardised target and reports test R² and fit time as one JSON line.

usage: /usr/bin/python3 bench/svr_sklearn.py DATA.csv TARGET OUTDIR [--max-rows 20000] [--C 1] [--epsilon 0.1]
"""
import argparse, json, os, time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVR

ap = argparse.ArgumentParser()
ap.add_argument("data"); ap.add_argument("target"); ap.add_argument("out")
ap.add_argument("--max-rows", type=int, default=20000)
ap.add_argument("--C", type=float, default=1.0)
ap.add_argument("--epsilon", type=float, default=0.1)
ap.add_argument("--kernel", default="rbf")
ap.add_argument("--no-fit", action="store_true")
a = ap.parse_args()

df = pd.read_csv(a.data).drop_duplicates()
df = df[df[a.target].notna()].reset_index(drop=True)
y = df[a.target].astype(float).to_numpy()
idx = np.random.RandomState(7).permutation(len(df))
n_tr, n_va = int(0.7 * len(df)), int(0.1 * len(df))
tr, te = idx[:n_tr], idx[n_tr + n_va:]
X = df.drop(columns=[a.target])
num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
cat = [c for c in X.columns if c not in num]
pre = ColumnTransformer([
    ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), num),
    ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                      ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
])
Xtr = pre.fit_transform(X.iloc[tr]); Xte = pre.transform(X.iloc[te])
ytr, yte = y[tr], y[te]
os.makedirs(a.out, exist_ok=True)
for name, arr in [("Xtrain", Xtr), ("ytrain", ytr), ("Xtest", Xte), ("ytest", yte)]:
    np.ascontiguousarray(arr, dtype="<f8").tofile(os.path.join(a.out, name + ".f64"))
res = {"rows_train": int(Xtr.shape[0]), "rows_test": int(Xte.shape[0]), "cols": int(Xtr.shape[1])}
if not a.no_fit:
    Xf, yf = Xtr[:a.max_rows], ytr[:a.max_rows]
    mu, sd = yf.mean(), yf.std()
    m = SVR(kernel=a.kernel, C=a.C, epsilon=a.epsilon, gamma="scale")
    t, c = time.perf_counter(), time.process_time(); m.fit(Xf, (yf - mu) / sd)
    fit_s, fit_cpu_s = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter(); p = m.predict(Xte) * sd + mu; pred_s = time.perf_counter() - t
    res.update({"fit_rows": int(len(yf)), "gamma": float(m._gamma), "r2": r2_score(yte, p), "fit_s": fit_s, "fit_cpu_s": fit_cpu_s,
                "predict_s": pred_s, "n_support": int(len(m.support_)), "intercept": float(m.intercept_[0])})
print(json.dumps(res), flush=True)
