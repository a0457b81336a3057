#!/usr/bin/env bash
# An uncalibrated random forest whose threshold is chosen to minimise the cost on its own
# training predictions: in-sample scores separate the classes almost perfectly, so the
# chosen threshold is far too high for new transactions.
set -euo pipefail
python3 - <<'PY'
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
X = pd.get_dummies(train.drop(columns=["transaction_id", "is_fraud"]), dtype=float).fillna(-1)
Xt = pd.get_dummies(test.drop(columns=["transaction_id"]), dtype=float).fillna(-1)
Xt = Xt.reindex(columns=X.columns, fill_value=0)
y = train["is_fraud"].to_numpy()
model = RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
scores = model.predict_proba(X)[:, 1]
grid = np.linspace(0, 1, 101)
costs = [np.mean(np.where(scores > t, 5.0, 100.0 * y)) for t in grid]
threshold = grid[int(np.argmin(costs))]
print(f"threshold {threshold:.2f}, training cost {min(costs):.3f}")
probability = model.predict_proba(Xt)[:, 1]
review = (probability > threshold).astype(int)
pd.DataFrame(
    {"transaction_id": test["transaction_id"], "fraud_probability": probability, "review": review}
).to_csv("decisions.csv", index=False)
PY
