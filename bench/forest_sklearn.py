"""scikit-learn side of bench/forest.ts: RandomForestRegressor and ExtraTreesRegressor (100 trees,
n_jobs=2) on a file written by prep_split.py, preprocessed like ../shared/bench/sklearn_workflow.py
(median impute + scaling for numbers, most-frequent impute + one-hot for categories, fit on train).
Prints one JSON object per model on stdout.

usage: python3 forest_sklearn.py SPLIT.csv TARGET [--trees 100] [--jobs 2] [--seed 42]
"""
import argparse, json, time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data"); ap.add_argument("target")
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--models", default="random_forest,extra_trees")
    a = ap.parse_args()
    df = pd.read_csv(a.data)
    y = df[a.target].astype(float).to_numpy()
    s = df["split"].astype(str).to_numpy()
    tr, te = np.flatnonzero(s == "train"), np.flatnonzero(s == "test")
    X = df.drop(columns=[a.target, "split"])
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    pre = ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), num),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                          ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
    ])
    Xtr = pre.fit_transform(X.iloc[tr]); Xte = pre.transform(X.iloc[te])
    makers = {
        "random_forest": lambda: RandomForestRegressor(n_estimators=a.trees, n_jobs=a.jobs, random_state=a.seed),
        "extra_trees": lambda: ExtraTreesRegressor(n_estimators=a.trees, n_jobs=a.jobs, random_state=a.seed),
    }
    for name in a.models.split(","):
        m = makers[name]()
        c = time.process_time(); t = time.perf_counter(); m.fit(Xtr, y[tr])
        fit_s = time.perf_counter() - t; cpu_s = time.process_time() - c
        t = time.perf_counter(); p = m.predict(Xte); pred_s = time.perf_counter() - t
        print(json.dumps({"model": name, "r2": r2_score(y[te], p), "fit_s": fit_s, "cpu_s": cpu_s, "predict_s": pred_s,
                          "rows": len(tr), "features": Xtr.shape[1]}), flush=True)


if __name__ == "__main__":
    main()
