#!/usr/bin/env bash
# Every leak fixed, an honest grouped-CV AUC and a note, but class_weight='balanced': the
# 'probabilities' average several times the chargeback rate.
# Passed before the scores were checked as probabilities (0.771, 0.761 on seeds 0-1).
set -euo pipefail
cat > train.py <<'PY'
"""Chargeback model without the leaks: no refund_issued (known only after the outcome), no
merchant target mean, duplicates of an order kept on one side of every fold."""
import json

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
features = [c for c in train.columns if c not in ("order_id", "chargeback", "refund_issued", "merchant_id")]
def encode(df):
    out = df[features].copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].astype("category")
    return out
X, y = encode(train), train["chargeback"]
groups = pd.util.hash_pandas_object(train[features], index=False)
model = HistGradientBoostingClassifier(categorical_features="from_dtype", max_iter=100,
                                       learning_rate=0.1, random_state=0, class_weight="balanced")
oof = pd.Series(0.0, index=train.index)
for fit, hold in GroupKFold(3).split(X, y, groups):
    model.fit(X.iloc[fit], y.iloc[fit])
    oof.iloc[hold] = model.predict_proba(X.iloc[hold])[:, 1]
auc = roc_auc_score(y, oof)
model.fit(X, y)
Xt = encode(test)
for c in Xt.columns:
    if isinstance(X[c].dtype, pd.CategoricalDtype):
        Xt[c] = pd.Categorical(Xt[c], categories=X[c].cat.categories)
pd.DataFrame({"order_id": test["order_id"],
              "chargeback_probability": model.predict_proba(Xt)[:, 1]}).to_csv("predictions.csv", index=False)
json.dump({"validation_auc": round(float(auc), 4)}, open("metrics.json", "w"))
PY
python3 train.py
cat > VALIDATION.md <<'MD'
# Validation note
The old estimate was optimistic for three reasons: `refund_issued` is recorded after the
outcome, the merchant chargeback rate was computed on all rows including each row's own
label, and duplicated orders sat on both sides of the split. The new train.py drops the
first two and builds 3 grouped folds so copies of an order stay together; the reported
AUC is computed on out-of-fold predictions. It cannot tell the board how the model will
do if fraud patterns change after the training window, nor how well the probabilities are
calibrated for rare merchants.
MD
