#!/usr/bin/env bash
# The oracle's pipeline (no refund_issued, unique orders, cross-fitted merchant encoding,
# 5-fold CV estimate, a note), but class_weight="balanced", then predict_proba scaled
# linearly so its mean equals the training chargeback rate: the total comes out right, but
# the weighted model's scores are squashed (top score near 0.4 where the riskiest orders
# run near 0.9), so the 100 riskiest orders get about 0.6 of the chargebacks they carry.
# From the red team's w_balanced_mean_rescaled.sh (s13): it passed 0.959 and 0.881 on
# seeds 13-14 while the grader compared only the mean probability with the chargeback rate.
set -euo pipefail
cat > train.py <<'PY'
import json

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

train = pd.read_csv("data/train.csv").drop_duplicates()
test = pd.read_csv("data/test.csv")
categorical = ["payment_method", "device", "email_type", "address_match"]
numeric = ["order_amount", "account_age_days", "n_prev_orders", "hour"]
features = ["merchant_id", *categorical, *numeric]
folds = StratifiedKFold(5, shuffle=True, random_state=0)
model = make_pipeline(
    ColumnTransformer(
        [
            ("merchant", TargetEncoder(cv=folds), ["merchant_id"]),
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ("num", "passthrough", numeric),
        ]
    ),
    HistGradientBoostingClassifier(
        max_iter=75, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=40,
        class_weight="balanced", random_state=0,
    ),
)
X, y = train[features], train["chargeback"]
val_auc = cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean()
model.fit(X, y)
scores = model.predict_proba(test[features])[:, 1]
scores = scores * y.mean() / scores.mean()  # the weights inflate the mean: scale it back
pd.DataFrame({"order_id": test["order_id"], "chargeback_probability": scores}).to_csv(
    "predictions.csv", index=False
)
json.dump({"validation_auc": round(float(val_auc), 4)}, open("metrics.json", "w"))
open("VALIDATION.md", "w").write(
    "The old estimate was optimistic: refund_issued is booked after a chargeback, the\n"
    "merchant chargeback rate was computed on all rows including each row's own label, and\n"
    "duplicated orders sat on both sides of the split. The new estimate is 5-fold CV of the\n"
    "whole pipeline on unique orders, the merchant encoding cross-fitted inside each fold.\n"
    "The class weights inflate the probabilities, so they are scaled to the training rate.\n"
    "It cannot tell how the model does if fraud patterns change after the training window.\n"
)
PY
python3 train.py
