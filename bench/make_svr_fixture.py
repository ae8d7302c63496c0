"""Writes test/fixtures/svr/concrete.json: scikit-learn SVR reference fits on a slice of
standardised concrete (Debian scikit-learn; run with /usr/bin/python3 from the repo root).
Target scaled as tabflow's scale_target does: (y - mean) / std (ddof=0), predictions scaled back."""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics.pairwise import linear_kernel, rbf_kernel
from sklearn.svm import SVR

df = pd.read_csv("examples/data/concrete.csv")
X = df.drop(columns=["compressive_strength"]).to_numpy(float)
y = df["compressive_strength"].to_numpy(float)
X = (X - X.mean(0)) / X.std(0)
idx = np.random.RandomState(0).permutation(len(y))
tr, te = idx[:400], idx[400:500]
Xtr, ytr, Xte = X[tr], y[tr], X[te]
mu, sd = ytr.mean(), ytr.std()
ys = (ytr - mu) / sd

cases = []
for params in [
    {"kernel": "rbf", "C": 1.0, "epsilon": 0.1, "gamma": "scale"},
    {"kernel": "rbf", "C": 10.0, "epsilon": 0.05, "gamma": 0.2},
    {"kernel": "linear", "C": 1.0, "epsilon": 0.1, "gamma": "scale"},
]:
    m = SVR(tol=1e-3, **params).fit(Xtr, ys)
    gamma = m._gamma
    K = rbf_kernel(Xtr, Xtr, gamma=gamma) if params["kernel"] == "rbf" else linear_kernel(Xtr, Xtr)
    coef = np.zeros(len(ys))
    coef[m.support_] = m.dual_coef_[0]
    obj = 0.5 * coef @ K @ coef - coef @ ys + params["epsilon"] * np.abs(coef).sum()
    cases.append({
        "params": params,
        "gamma": float(gamma),
        "intercept": float(m.intercept_[0]),
        "n_support": int(len(m.support_)),
        "objective": float(obj),
        "pred": (m.predict(Xte) * sd + mu).tolist(),
    })

out = {"sklearn": sklearn.__version__, "Xtrain": Xtr.tolist(), "ytrain": ytr.tolist(),
       "Xtest": Xte.tolist(), "cases": cases}
with open("test/fixtures/svr/concrete.json", "w") as f:
    json.dump(out, f)
print({c["params"]["kernel"] + str(c["params"]["C"]): (c["n_support"], c["objective"]) for c in cases})
