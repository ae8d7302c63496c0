"""Batch predict throughput of scikit-learn's HistGradientBoostingRegressor (100 iterations, no
early stopping) on all diamonds rows, categoricals ordinal-coded: the peer of bench/predict-batch.ts.
With ROWS, predicts that many rows instead (the diamonds rows repeated; fitted on diamonds).
Prints one JSON line: rows, median predict seconds over 7 runs (3 from 500k rows) after a
warm-up, threads.

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/predict_hgb.py examples/data/diamonds.csv [ROWS]
"""
import json, os, sys, time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

df = pd.read_csv(sys.argv[1])
y = df.pop("price").to_numpy()
for c in df.columns:
    if df[c].dtype == object:
        df[c] = df[c].astype("category").cat.codes
X = df.to_numpy(dtype=np.float64)
m = HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0).fit(X, y)
if len(sys.argv) > 2:
    X = np.resize(X, (int(sys.argv[2]), X.shape[1]))
m.predict(X)
reps = 7 if len(X) < 500_000 else 3
ts = []
for _ in range(reps):
    t = time.perf_counter()
    m.predict(X)
    ts.append(time.perf_counter() - t)
ts.sort()
print(json.dumps({"rows": len(X), "predict_s": ts[reps // 2], "threads": os.environ.get("OMP_NUM_THREADS", "all")}))
