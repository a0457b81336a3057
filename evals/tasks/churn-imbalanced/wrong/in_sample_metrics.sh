#!/usr/bin/env bash
# Good scores, dishonest report: a random forest whose "validation" AP is measured on the
# rows it was trained on, so metrics.json promises near-perfect ranking.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import average_precision_score

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
X = pd.get_dummies(train.drop(columns=["customer_id", "churned"]), dtype=float).fillna(-1)
Xt = pd.get_dummies(test.drop(columns=["customer_id"]), dtype=float).fillna(-1)
Xt = Xt.reindex(columns=X.columns, fill_value=0)
model = RandomForestClassifier(100, min_samples_leaf=3, random_state=0).fit(X, train["churned"])
ap = average_precision_score(train["churned"], model.predict_proba(X)[:, 1])
scores = model.predict_proba(Xt)[:, 1]
pd.DataFrame({"customer_id": test["customer_id"], "churn_probability": scores}).to_csv(
    "predictions.csv", index=False
)
with open("metrics.json", "w") as handle:
    json.dump({"validation_average_precision": round(float(ap), 4)}, handle)
PY
