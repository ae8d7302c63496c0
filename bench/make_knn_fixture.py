"""Writes test/fixtures/knn/{concrete,diamonds}.json: scikit-learn KNeighborsRegressor reference
predictions (Debian scikit-learn; run with /usr/bin/python3 from the repo root).

The reference uses algorithm='kd_tree', whose distances are exact sums (brute force in sklearn
uses ‖a‖² + ‖b‖² − 2a·b and differs in the last bits). Both data sets have exact ties (duplicate
rows in concrete, discrete one-hot features in diamonds): `tied` marks test rows whose k-th and
(k+1)-th nearest distances are equal, where which neighbour is kept is an implementation choice
(sklearn's kd_tree, its brute force and tabflow may each keep a different one)."""
import json

import numpy as np
import pandas as pd
import sklearn
from sklearn.neighbors import KNeighborsRegressor
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def cases_for(Xtr, ytr, Xte, specs):
    out = []
    for spec in specs:
        m = KNeighborsRegressor(algorithm="kd_tree", **spec).fit(Xtr, ytr)
        pred = m.predict(Xte)
        brute = KNeighborsRegressor(algorithm="brute", **spec).fit(Xtr, ytr).predict(Xte)
        k = spec["n_neighbors"]
        d, _ = KNeighborsRegressor(algorithm="kd_tree", n_neighbors=k + 1, p=spec["p"]).fit(Xtr, ytr).kneighbors(Xte)
        tied = np.flatnonzero(d[:, k - 1] == d[:, k]).tolist()
        out.append({"params": spec, "pred": pred.tolist(), "pred_brute": brute.tolist(), "tied": tied})
    return out


def write(name, Xtr, ytr, Xte, specs):
    Xtr, Xte = np.round(Xtr, 6), np.round(Xte, 6)  # short fixture; the reference is fitted on these values
    doc = {"sklearn": sklearn.__version__, "Xtrain": Xtr.tolist(), "ytrain": ytr.tolist(), "Xtest": Xte.tolist(),
           "cases": cases_for(Xtr, ytr, Xte, specs)}
    with open(f"test/fixtures/knn/{name}.json", "w") as f:
        json.dump(doc, f)
    print(name, [(c["params"], len(c["tied"]), float(np.max(np.abs(np.array(c["pred"]) - c["pred_brute"]))))
                 for c in doc["cases"]])


specs = [
    {"n_neighbors": 5, "weights": "uniform", "p": 2},
    {"n_neighbors": 5, "weights": "distance", "p": 2},
    {"n_neighbors": 3, "weights": "uniform", "p": 1},
    {"n_neighbors": 7, "weights": "distance", "p": 1},
]
df = pd.read_csv("examples/data/concrete.csv")
X = df.drop(columns=["compressive_strength"]).to_numpy(float)
y = df["compressive_strength"].to_numpy(float)
X = (X - X.mean(0)) / X.std(0)
idx = np.random.RandomState(1).permutation(len(y))
write("concrete", X[idx[:700]], y[idx[:700]], X[idx[700:]], specs)

dm = pd.read_csv("examples/data/diamonds.csv").sample(1400, random_state=2)
num = ["carat", "depth", "table", "x", "y", "z"]
cat = ["cut", "color", "clarity"]
tr, te = dm.iloc[:1000], dm.iloc[1000:]
sc = StandardScaler().fit(tr[num])
oh = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(tr[cat])
enc = lambda d: np.hstack([sc.transform(d[num]), oh.transform(d[cat])])
write("diamonds", enc(tr), tr["price"].to_numpy(float), enc(te), specs[:2])
