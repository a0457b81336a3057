#!/usr/bin/env bash
# Every leak fixed (no refund_issued, unique orders, no merchant target mean), an honest
# 5-fold CV estimate and a note, but merchant_id left out as "an identifier, not a
# feature": right/logistic_onehot blind to the merchant risk the data lets a model learn
# (~20 orders per merchant). From the red team (2026-12): dropping the merchant passed
# 0.86-0.94 when 1600 merchants had ~5 orders each. The strongest blind model measured
# (a default booster without the merchant scores 0.770-0.780, this one 0.785-0.790).
set -euo pipefail
cat > train.py <<'PY'
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
categorical = ["payment_method", "device", "email_type", "address_match"]
numeric = ["order_amount", "account_age_days", "n_prev_orders", "hour"]
model = make_pipeline(
    make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categorical),
        (make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()),
         numeric),
    ),  # fmt: skip
    LogisticRegression(max_iter=2000, C=0.5),
)
X, y = train[categorical + numeric], train["chargeback"]
folds = StratifiedKFold(5, shuffle=True, random_state=1)
auc = cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean()
model.fit(X, y)
pd.DataFrame(
    {"order_id": test["order_id"], "chargeback_probability": model.predict_proba(test[X.columns])[:, 1]}
).to_csv("predictions.csv", index=False)
json.dump({"validation_auc": round(float(auc), 4)}, open("metrics.json", "w"))
PY
python3 train.py
cat > VALIDATION.md <<'MD'
The old 0.99 used refund_issued (booked after a chargeback), duplicated orders across
folds and a merchant target mean over all rows. The new estimate is 5-fold CV of the
whole pipeline on unique orders without refund_issued; merchant_id is an identifier and is
left out. It cannot tell how fraud patterns change after the training period.
MD
