#!/usr/bin/env bash
# A linear model and no target encoding: drop refund_issued (booked after the label) and
# duplicate orders, one-hot the merchant with the other categories, logistic regression,
# estimate by 5-fold stratified CV of the whole pipeline. Also writes VALIDATION.md.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

train = pd.read_csv("data/train.csv").drop_duplicates(subset="order_id")
test = pd.read_csv("data/test.csv")
categorical = ["merchant_id", "payment_method", "device", "email_type", "address_match"]
numeric = ["order_amount", "account_age_days", "n_prev_orders", "hour"]
model = make_pipeline(
    make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore", min_frequency=20), categorical),
        (make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
         numeric),
    ),  # fmt: skip
    LogisticRegression(max_iter=2000, C=0.5),
)
X, y = train[categorical + numeric].astype({"merchant_id": str}), train["chargeback"]
folds = StratifiedKFold(5, shuffle=True, random_state=1)
auc = cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean()
model.fit(X, y)
Xt = test[categorical + numeric].astype({"merchant_id": str})
pd.DataFrame(
    {"order_id": test["order_id"], "chargeback_probability": model.predict_proba(Xt)[:, 1]}
).to_csv("predictions.csv", index=False)
json.dump({"validation_auc": round(float(auc), 4)}, open("metrics.json", "w"))
open("VALIDATION.md", "w").write(
    "The old 0.99 used refund_issued (booked after a chargeback), duplicated orders across\n"
    "folds and a merchant target mean over all rows. The new estimate is 5-fold CV of the\n"
    "whole pipeline on unique orders without refund_issued. It cannot tell how fraud\n"
    "patterns change after the training period.\n"
)
PY
