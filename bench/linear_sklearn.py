"""scikit-learn side of bench/linear-fit.ts: fits LinearRegression, Ridge, Lasso and ElasticNet
(params as given) on float64 matrices written by the TypeScript side, best of --repeats runs.
Prints one JSON object per (case, model) on stdout.

usage: python3 linear_sklearn.py DIR  (DIR holds cases.json and <case>.X.f64 / <case>.y.f64)
"""
import json
import os
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge

CLS = {"linear": LinearRegression, "ridge": Ridge, "lasso": Lasso, "elasticnet": ElasticNet}


def main():
    d = sys.argv[1]
    spec = json.load(open(os.path.join(d, "cases.json")))
    warnings.simplefilter("ignore", ConvergenceWarning)
    for case in spec["cases"]:
        n, p = case["rows"], case["cols"]
        X = np.fromfile(os.path.join(d, case["name"] + ".X.f64"), dtype="<f8").reshape(n, p)
        y = np.fromfile(os.path.join(d, case["name"] + ".y.f64"), dtype="<f8")
        for model in spec["models"]:
            params = {k: v for k, v in model["params"].items() if k != "rcond"}
            best, best_cpu = float("inf"), float("inf")
            for _ in range(spec["repeats"]):
                m = CLS[model["kind"]](**params)
                t, c = time.perf_counter(), time.process_time()
                m.fit(X, y)
                best = min(best, time.perf_counter() - t)
                best_cpu = min(best_cpu, time.process_time() - c)
            print(json.dumps({"case": case["name"], "model": model["kind"], "fit_s": best, "cpu_s": best_cpu,
                              "r2_train": float(m.score(X, y)),
                              "n_iter": int(m.n_iter_) if getattr(m, "n_iter_", None) is not None else None}),
                  flush=True)


if __name__ == "__main__":
    main()
