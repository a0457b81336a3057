#!/usr/bin/env bash
# In-sample estimate: per region, chooses by 3-fold cross-validated AUC on train.csv and
# validation.csv pooled (an honest choice), refits the best on all those rows, and reports
# the refit's AUC on the very rows it was fitted on: a training score, not a test score.
set -euo pipefail
cat > tune.py <<'PY'
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

parser = argparse.ArgumentParser()
parser.add_argument("--data", type=Path, required=True)
parser.add_argument("--out", type=Path, required=True)
args = parser.parse_args()
data = pd.concat([pd.read_csv(args.data / "train.csv"), pd.read_csv(args.data / "validation.csv")])
test = pd.read_csv(args.data / "test.csv")
configs = json.loads((args.data / "search_space.json").read_text())["configurations"]
report, scored = [], []
for region, part in data.groupby("region"):
    te = test[test["region"] == region]
    y = part["converted"].to_numpy()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(part, y))
    cv = []
    for c in configs:
        X = part[c["features"]].to_numpy()
        model = LogisticRegression(C=c["C"], solver="liblinear")
        cv.append(np.mean([
            roc_auc_score(y[b], model.fit(X[a], y[a]).decision_function(X[b])) for a, b in folds
        ]))
    best = configs[int(np.argmax(cv))]
    X = part[best["features"]].to_numpy()
    final = LogisticRegression(C=best["C"], solver="liblinear").fit(X, y)
    estimate = roc_auc_score(y, final.decision_function(X))
    probability = final.predict_proba(te[best["features"]].to_numpy())[:, 1]
    scored.append(pd.DataFrame({"lead_id": te["lead_id"], "probability": probability}))
    report.append({"region": region, "configuration": best["id"], "estimated_auc": estimate})
args.out.mkdir(parents=True, exist_ok=True)
pd.concat(scored).to_csv(args.out / "predictions.csv", index=False)
pd.DataFrame(report).to_csv(args.out / "tuning.csv", index=False)
PY
python3 tune.py --data data --out out
