"""Reference timing for bench/preprocess.ts: the reference workflow's ColumnTransformer
(median + StandardScaler, most_frequent + OneHotEncoder(ignore), dense output) on diamonds
without price, train = rows with index % 5 != 0. Prints one JSON line (median ms of N runs)."""
import json, sys, time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

path, runs = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path).drop(columns=["price"])
i = np.arange(len(df))
train = df.iloc[np.flatnonzero(i % 5 != 0)]
num = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])]
cat = [c for c in df.columns if c not in num]


def make():
    return ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), num),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                          ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
    ])


def median_ms(fn):
    fn()
    t = []
    for _ in range(runs):
        t0 = time.perf_counter(); fn(); t.append((time.perf_counter() - t0) * 1000)
    return sorted(t)[len(t) // 2]


ct = make().fit(train)
print(json.dumps({
    "fit_ms": median_ms(lambda: make().fit(train)),
    "transform_ms": median_ms(lambda: ct.transform(df)),
    "shape": list(ct.transform(df).shape),
}))
