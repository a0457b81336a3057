#!/usr/bin/env bash
# Re-weights the rare class (class_weight="balanced") and ships predict_proba as the churn
# probability: the ranking and the honest CV AP are fine, but the "probabilities" average
# ~0.3 for a ~4% churn rate, so a campaign sized on them is off several-fold.
# Passed before the grader checked that the scores are probabilities (1.000, 0.884, 0.897
# on seeds 0-2); now fails the calibration-in-the-large gate.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_predict, StratifiedKFold
from sklearn.metrics import average_precision_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
num = ["tenure_months", "monthly_charges", "support_calls_90d", "late_payments_12m", "usage_trend"]
cat = ["plan", "region", "autopay"]
prep = ColumnTransformer([("n", SimpleImputer(strategy="median"), num),
                          ("c", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                              OneHotEncoder(handle_unknown="ignore")), cat)])
model = make_pipeline(prep, RandomForestClassifier(n_estimators=50, min_samples_leaf=20,
                                                   class_weight="balanced", random_state=0, n_jobs=1))
X, y = train[num + cat], train["churned"]
oof = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                        method="predict_proba")[:, 1]
ap = average_precision_score(y, oof)
pd.DataFrame({"customer_id": train["customer_id"], "churn_probability": oof}).to_csv(
    "validation_predictions.csv", index=False)
model.fit(X, y)
p = model.predict_proba(test[num + cat])[:, 1]
pd.DataFrame({"customer_id": test["customer_id"], "churn_probability": p}).to_csv(
    "predictions.csv", index=False)
json.dump({"validation_average_precision": float(ap)}, open("metrics.json", "w"))
open("MODEL_CARD.md", "w").write(f"""# Churn model card
Purpose: rank customers for the retention calls, riskiest first.
Model: random forest with balanced class weights on imputed, one-hot features.
Validation: 5-fold stratified out-of-fold average precision {ap:.3f} on the training customers.
Limitations: few churners, so the estimate is noisy; missing values are imputed with the
median or the most frequent value; only the period in the export is covered.
""")
PY
