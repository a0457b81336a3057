#!/usr/bin/env bash
# Honest alternative: median/mode imputation + one-hot + an unweighted random forest with
# leaf-size regularisation; the AP estimate is 5-fold out-of-fold on the training rows.
# Its card states the AP to 3 decimals; the oracle's to 3, logistic_cv's to 2.
# A forest's vote shares squeeze the top of the list (0.59-0.73 of the true churn
# probability on the 100 highest, seeds 0-7, 11, 12), so an isotonic map fitted on the
# out-of-fold scores turns them into probabilities the team can add up.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
num = ["tenure_months", "monthly_charges", "support_calls_90d", "late_payments_12m", "usage_trend"]
cat = ["plan", "region", "autopay"]
prep = ColumnTransformer([("n", SimpleImputer(strategy="median", add_indicator=True), num),
                          ("c", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                              OneHotEncoder(handle_unknown="ignore")), cat)])
model = make_pipeline(prep, RandomForestClassifier(n_estimators=50, min_samples_leaf=10,
                                                   random_state=0, n_jobs=1))
X, y = train[num + cat], train["churned"]
oof = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                        method="predict_proba")[:, 1]
ap = average_precision_score(y, oof)
pd.DataFrame({"customer_id": train["customer_id"], "churn_probability": oof}).to_csv(
    "validation_predictions.csv", index=False)
calibrate = IsotonicRegression(out_of_bounds="clip").fit(oof, y)
model.fit(X, y)
scores = calibrate.predict(model.predict_proba(test[num + cat])[:, 1])
pd.DataFrame({"customer_id": test["customer_id"], "churn_probability": scores}).to_csv(
    "predictions.csv", index=False)
json.dump({"validation_average_precision": round(float(ap), 4)}, open("metrics.json", "w"))
open("MODEL_CARD.md", "w").write(f"""# Churn risk scores
Purpose: rank customers for the retention call list (highest churn risk first).
Validation: average precision {ap:.3f}, 5-fold stratified out-of-fold predictions on the
{len(train)} training customers ({int(y.sum())} churners), in validation_predictions.csv.
Limitations: rests on few churners; missing values median/mode-imputed with indicators;
forest scores calibrated by isotonic regression on the out-of-fold scores, so ties at the
top; only the customers and period in train.csv.
""")
PY
