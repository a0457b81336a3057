#!/usr/bin/env bash
# Default-settings HistGradientBoosting with scikit-learn's TargetEncoder for the merchant
# (it cross-fits the encoding inside fit), no refund_issued, unique orders, estimate from
# 5-fold stratified CV of the whole pipeline, a note: the least-tuned honest model that
# uses the merchant.
set -euo pipefail
cat > train.py <<'PY'
import json

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

train = pd.read_csv("data/train.csv").drop_duplicates(subset="order_id")
test = pd.read_csv("data/test.csv")
categorical = ["payment_method", "device", "email_type", "address_match"]
features = ["merchant_id", *categorical, "order_amount", "account_age_days", "n_prev_orders", "hour"]
model = make_pipeline(
    make_column_transformer(
        (TargetEncoder(random_state=0), ["merchant_id"]),  # its cross-fitting shuffles
        (OneHotEncoder(handle_unknown="ignore"), categorical),
        remainder="passthrough",
        sparse_threshold=0,
    ),
    HistGradientBoostingClassifier(random_state=0),
)
X, y = train[features], train["chargeback"]
auc = cross_val_score(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=2),
                      scoring="roc_auc").mean()
model.fit(X, y)
pd.DataFrame(
    {"order_id": test["order_id"], "chargeback_probability": model.predict_proba(test[features])[:, 1]}
).to_csv("predictions.csv", index=False)
json.dump({"validation_auc": round(float(auc), 4)}, open("metrics.json", "w"))
PY
python3 train.py
cat > VALIDATION.md <<'MD'
The old 0.99 was optimistic: refund_issued is booked after a chargeback, the merchant
chargeback rate was a mean over all rows (each row's own label included) and duplicated
orders sat on both sides of the split. The new estimate is the mean ROC AUC of 5-fold
stratified CV of the whole pipeline on unique orders, the merchant encoding cross-fitted
inside each training fold. It cannot tell how the model holds up for merchants that are
new after the training window or when fraud patterns change.
MD
