#!/usr/bin/env bash
# A sound model and an honest out-of-fold AP, but no MODEL_CARD.md: a named deliverable
# left out.
# Passed before MODEL_CARD.md was graded (0.999, 0.906, 0.945 on seeds 0-2). Its booster
# was 75 rounds at rate 0.1 until its total fell under the calibration gate on seed 2
# (0.70 of the truth), a second mistake; it now fits 200 rounds at 0.05.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score
from sklearn.model_selection import cross_val_predict

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
features = [c for c in train.columns if c not in ("customer_id", "churned")]
def encode(df):
    out = df[features].copy()
    for c in ("plan", "region", "autopay"):
        out[c] = out[c].astype("category")
    return out
X, y = encode(train), train["churned"]
model = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=200,
                                       learning_rate=0.05, max_leaf_nodes=15,
                                       min_samples_leaf=40, random_state=0)
oof = cross_val_predict(model, X, y, cv=5, method="predict_proba")[:, 1]
pd.DataFrame({"customer_id": train["customer_id"], "churn_probability": oof}).to_csv(
    "validation_predictions.csv", index=False)
model.fit(X, y)
pd.DataFrame({"customer_id": test["customer_id"],
              "churn_probability": model.predict_proba(encode(test))[:, 1]}).to_csv(
    "predictions.csv", index=False)
json.dump({"validation_average_precision": float(average_precision_score(y, oof))},
          open("metrics.json", "w"))
PY
