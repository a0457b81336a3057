#!/usr/bin/env bash
# "Handles the imbalance" and never uses the costs: class_weight="balanced" and predict(),
# so the effective threshold is set by the class ratio (about 3%), not by 5/100; the
# probabilities it reports are the class-weighted ones, inflated about thirty-fold.
set -euo pipefail
python3 - <<'PY'
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def features(frame):
    out = pd.get_dummies(frame.drop(columns=["transaction_id", "is_fraud"], errors="ignore"))
    out["log_amount_ratio"] = np.log(frame["amount"] / frame["avg_amount_30d"])
    return out.astype(float)


train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
X = features(train)
Xt = features(test).reindex(columns=X.columns, fill_value=0)
medians = X.median()
model = make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=2000))
model.fit(X.fillna(medians), train["is_fraud"])
probability = model.predict_proba(Xt.fillna(medians))[:, 1]
review = model.predict(Xt.fillna(medians)).astype(int)
pd.DataFrame(
    {"transaction_id": test["transaction_id"], "fraud_probability": probability, "review": review}
).to_csv("decisions.csv", index=False)
PY
