"""kNN side of bench/svr.ts: times scikit-learn's KNeighborsRegressor(5) predict on the matrices
bench/svr_sklearn.py wrote (raw float64), with algorithm='auto' (brute above 15 features) and
'kd_tree'. usage: /usr/bin/python3 bench/knn_sklearn.py DIR COLS"""
import json, sys, time

import numpy as np
from sklearn.metrics import r2_score
from sklearn.neighbors import KNeighborsRegressor

d, p = sys.argv[1], int(sys.argv[2])
X = np.fromfile(d + "/Xtrain.f64").reshape(-1, p)
y = np.fromfile(d + "/ytrain.f64")
Xt = np.fromfile(d + "/Xtest.f64").reshape(-1, p)
yt = np.fromfile(d + "/ytest.f64")
out = {}
for algo in ["auto", "kd_tree"]:
    m = KNeighborsRegressor(n_neighbors=5, algorithm=algo).fit(X, y)
    t = time.perf_counter()
    pred = m.predict(Xt)
    out[algo] = {"method": m._fit_method, "predict_s": time.perf_counter() - t, "r2": r2_score(yt, pred)}
print(json.dumps(out))
