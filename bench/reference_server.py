"""Reference for bench/serve.ts: the prediction service a Python user would write.

Flask app (run under gunicorn, as deployed) serving the scikit-learn pipeline of
bench/reference/sklearn_workflow.py: the same ColumnTransformer (median impute + standardise the
numeric columns, most-frequent impute + one-hot the categoricals) fitted on the same 70% train
split, then HistGradientBoostingRegressor with 100 trees (early stopping off, like the tabflow
model it is compared with). POST /predict takes one JSON record and answers {"prediction": x}.

Each gunicorn worker fits the model at import (forking after OpenMP has started, as --preload
would, deadlocks libgomp in the children).
usage: OMP_NUM_THREADS=1 gunicorn -w 2 -b 127.0.0.1:PORT 'reference_server:app'
env:   REF_DATA (CSV path), REF_TARGET (target column), REF_SEED (default 42)
"""
import os

import numpy as np
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def build_model(path, target, seed):
    df = pd.read_csv(path).drop_duplicates()
    df = df[df[target].notna()].reset_index(drop=True)
    y = df[target].astype(float).to_numpy()
    idx = np.random.RandomState(seed).permutation(len(df))
    tr = idx[: int(0.7 * len(df))]
    X = df.drop(columns=[target])
    num = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    cat = [c for c in X.columns if c not in num]
    pre = ColumnTransformer([
        ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), num),
        ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                          ("oh", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]), cat),
    ])
    model = Pipeline([("pre", pre), ("hgb", HistGradientBoostingRegressor(
        max_iter=100, early_stopping=False, random_state=seed))])
    model.fit(X.iloc[tr], y[tr])
    return model, list(X.columns)


MODEL, COLUMNS = build_model(os.environ["REF_DATA"], os.environ["REF_TARGET"], int(os.environ.get("REF_SEED", "42")))
app = Flask(__name__)


@app.post("/predict")
def predict():
    record = request.get_json(force=True)
    if not isinstance(record, dict):
        return jsonify(error="expected one JSON record"), 400
    missing = [c for c in COLUMNS if c not in record]
    if missing:
        return jsonify(error="missing features", fields=missing), 400
    frame = pd.DataFrame([record], columns=COLUMNS)
    return jsonify(prediction=float(MODEL.predict(frame)[0]))


@app.get("/health")
def health():
    return jsonify(status="ok")
