#!/usr/bin/env bash
# The oracle's well-regularised boosting model, but validated with a shuffled row-level
# KFold: its predictions are as good as the oracle's, its reported RMSE ~12% too low.
set -euo pipefail
python3 - <<'PY'
import json

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import KFold, cross_val_predict

train, test = pd.read_csv("data/train.csv"), pd.read_csv("data/test.csv")
drop = ["visit_id", "patient_id", "hba1c"]
X = pd.get_dummies(train.drop(columns=drop), dtype=float)
X_test = pd.get_dummies(test.drop(columns=drop[:2]), dtype=float).reindex(columns=X.columns, fill_value=0)
y = train["hba1c"]
model = HistGradientBoostingRegressor(
    max_iter=100, learning_rate=0.1, max_leaf_nodes=8, min_samples_leaf=80, random_state=0
)
oof = cross_val_predict(model, X, y, cv=KFold(5, shuffle=True, random_state=0))
rmse = float(np.sqrt(np.mean((oof - y) ** 2)))
model.fit(X, y)
pd.DataFrame({"visit_id": test["visit_id"], "hba1c": model.predict(X_test)}).to_csv(
    "predictions.csv", index=False
)
pd.DataFrame({"visit_id": train["visit_id"], "hba1c": oof}).to_csv(
    "validation_predictions.csv", index=False
)
json.dump({"validation_rmse": round(rmse, 4)}, open("metrics.json", "w"))
PY
