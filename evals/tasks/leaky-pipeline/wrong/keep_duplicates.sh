#!/usr/bin/env bash
# A clean pipeline (no leak, cross-fitted merchant encoding, honest CV) on the raw rows:
# the orders exported twice land on both sides of every fold, so the estimate is too high.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

train, test = pd.read_csv("data/train.csv"), pd.read_csv("data/test.csv")
categorical = ["payment_method", "device", "email_type", "address_match"]
numeric = ["order_amount", "account_age_days", "n_prev_orders", "hour"]
features = ["merchant_id", *categorical, *numeric]
folds = StratifiedKFold(5, shuffle=True, random_state=0)
encode = ColumnTransformer(
    [
        ("merchant", TargetEncoder(cv=folds), ["merchant_id"]),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
    ],
    remainder="passthrough",
)
model = make_pipeline(encode, HistGradientBoostingClassifier(random_state=0))
X, y = train[features], train["chargeback"]
auc = cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean()
model.fit(X, y)
scores = model.predict_proba(test[features])[:, 1]
pd.DataFrame({"order_id": test["order_id"], "chargeback_probability": scores}).to_csv(
    "predictions.csv", index=False
)
json.dump({"validation_auc": round(float(auc), 4)}, open("metrics.json", "w"))
PY
# A note long enough for the note gate, so the grade shows the mistake this script is about.
cat > VALIDATION.md <<'MD'
The old estimate looked optimistic to us; this version keeps the model and reports the
validation AUC from the hold-out in train.py. It cannot tell the board how the model will
do on orders from merchants or periods the training data does not cover.
MD
