#!/usr/bin/env bash
# A linear model instead of boosting: ridge on scaled numbers and one-hot categories, with
# the error estimated by GroupKFold on patient_id (whole patients held out, as at the clinic).
set -euo pipefail
python3 - <<'PY'
import json

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = pd.read_csv("data/train.csv"), pd.read_csv("data/test.csv")
drop = ["visit_id", "patient_id", "hba1c"]
X = pd.get_dummies(train.drop(columns=drop), dtype=float)
X_test = pd.get_dummies(test.drop(columns=drop[:2]), dtype=float).reindex(columns=X.columns, fill_value=0)
y = train["hba1c"]
model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-2, 3, 12)))
oof = cross_val_predict(model, X, y, cv=GroupKFold(5), groups=train["patient_id"])
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
