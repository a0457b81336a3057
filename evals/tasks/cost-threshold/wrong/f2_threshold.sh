#!/usr/bin/env bash
# A calibrated model whose threshold maximises F2 on a validation split: F2 "weighs recall
# higher", which sounds right for fraud, but the costs never set it; it lands at ~0.06-0.09
# of the stated probabilities instead of 5/100, where the flat cost curve hid it before.
set -euo pipefail
python3 - <<'PY'
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import fbeta_score, precision_recall_curve
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
p_val = model.fit(X_fit, y_fit).predict_proba(X_val)[:, 1]
precision, recall, thresholds = precision_recall_curve(y_val, p_val)
f2 = 5 * precision * recall / np.maximum(4 * precision + recall, 1e-12)
threshold = thresholds[np.argmax(f2[:-1])]
score = fbeta_score(y_val, p_val >= threshold, beta=2)
print(f"threshold {threshold:.3f}, validation F2 {score:.3f}")
probability = model.fit(X, y).predict_proba(Xt)[:, 1]
review = (probability >= threshold).astype(int)
pd.DataFrame(
    {"transaction_id": test["transaction_id"], "fraud_probability": probability, "review": review}
).to_csv("decisions.csv", index=False)
PY
