#!/usr/bin/env bash
# Another honest split of the work, in scikit-learn: per region, each configuration is
# scored by 3-fold cross-validated AUC on train.csv only and the best is fitted on
# train.csv; the estimate is that fit's AUC on validation.csv, which played no part in
# the choice or the fit, and that fit is the delivered model.
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
train = pd.read_csv(args.data / "train.csv")
valid = pd.read_csv(args.data / "validation.csv")
test = pd.read_csv(args.data / "test.csv")
configs = json.loads((args.data / "search_space.json").read_text())["configurations"]


def model(config):
    return LogisticRegression(C=config["C"], solver="liblinear")


report, scored = [], []
for region, tr in train.groupby("region"):
    va, te = valid[valid["region"] == region], test[test["region"] == region]
    y = tr["converted"].to_numpy()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(tr, y))
    cv = []
    for c in configs:
        X = tr[c["features"]].to_numpy()
        cv.append(np.mean([
            roc_auc_score(y[b], model(c).fit(X[a], y[a]).decision_function(X[b]))
            for a, b in folds
        ]))
    best = configs[int(np.argmax(cv))]
    cols = best["features"]
    final = model(best).fit(tr[cols].to_numpy(), y)
    estimate = roc_auc_score(va["converted"], final.decision_function(va[cols].to_numpy()))
    probability = final.predict_proba(te[cols].to_numpy())[:, 1]
    scored.append(pd.DataFrame({"lead_id": te["lead_id"], "probability": probability}))
    report.append({"region": region, "configuration": best["id"], "estimated_auc": estimate})
args.out.mkdir(parents=True, exist_ok=True)
pd.concat(scored).to_csv(args.out / "predictions.csv", index=False)
pd.DataFrame(report).to_csv(args.out / "tuning.csv", index=False)
PY
python3 tune.py --data data --out out
