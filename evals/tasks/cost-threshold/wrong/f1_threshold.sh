#!/usr/bin/env bash
# A good model whose threshold maximises F1 on a validation split: F1 weighs a missed
# fraud like a needless review, so the threshold ignores the 20:1 costs (it lands near 0.13).
set -euo pipefail
python3 - <<'PY'
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def features(frame):
    out = pd.get_dummies(frame.drop(columns=["transaction_id", "is_fraud"], errors="ignore"))
    out["log_amount_ratio"] = np.log(frame["amount"] / frame["avg_amount_30d"])
    return out.astype(float)


train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
X, y = features(train), train["is_fraud"]
Xt = features(test).reindex(columns=X.columns, fill_value=0)
medians = X.median()
X, Xt = X.fillna(medians), Xt.fillna(medians)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
precision, recall, thresholds = precision_recall_curve(
    y_val, model.fit(X_fit, y_fit).predict_proba(X_val)[:, 1]
)
f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
threshold = thresholds[np.argmax(f1[:-1])]
probability = model.fit(X, y).predict_proba(Xt)[:, 1]
review = (probability > threshold).astype(int)
pd.DataFrame(
    {"transaction_id": test["transaction_id"], "fraud_probability": probability, "review": review}
).to_csv("decisions.csv", index=False)
PY
