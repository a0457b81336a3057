"""Reference fix of train.py: an estimate that matches what the model does on new orders.

Three changes, each worth a few points of optimism in the starter's 0.99:
1. Drop `refund_issued`: refunds are booked after a chargeback, so the column is the label
   in disguise in train and empty at checkout time (test).
2. Drop the duplicated rows (same order_id exported twice) before any split, otherwise
   copies of validation orders sit in the training fold.
3. Encode merchant risk inside the pipeline with TargetEncoder, which cross-fits the
   encoding; a target mean over all rows contains each row's own label.
The estimate is the mean ROC AUC of 5-fold stratified CV of the whole pipeline on the
unique orders; the final model is refit on all of them.
"""

import json

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, TargetEncoder

train = pd.read_csv("data/train.csv").drop_duplicates()
test = pd.read_csv("data/test.csv")
categorical = ["payment_method", "device", "email_type", "address_match"]
numeric = ["order_amount", "account_age_days", "n_prev_orders", "hour"]
features = ["merchant_id", *categorical, *numeric]  # everything known at checkout

folds = StratifiedKFold(5, shuffle=True, random_state=0)
model = make_pipeline(
    ColumnTransformer(
        [
            ("merchant", TargetEncoder(cv=folds), ["merchant_id"]),
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical),
            ("num", "passthrough", numeric),  # HistGradientBoosting handles the NaNs
        ]
    ),
    HistGradientBoostingClassifier(
        max_iter=75, learning_rate=0.1, max_leaf_nodes=15, min_samples_leaf=40, random_state=0
    ),
)
X, y = train[features], train["chargeback"]
val_auc = cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean()
model.fit(X, y)
pd.DataFrame(
    {
        "order_id": test["order_id"],
        "chargeback_probability": model.predict_proba(test[features])[:, 1],
    }
).to_csv("predictions.csv", index=False)
with open("metrics.json", "w") as handle:
    json.dump({"validation_auc": round(float(val_auc), 4)}, handle, indent=2)
print(f"{len(train)} unique orders, 5-fold CV ROC AUC {val_auc:.3f}")
with open("VALIDATION.md", "w") as handle:
    handle.write(
        f"""# Validation note for the model review

**Why the old 0.99 was optimistic.** `refund_issued` is booked after a chargeback, so it
leaks the outcome; the merchant chargeback rate was computed on all rows, each row's own
label included; and duplicated orders sat on both sides of the split.

**The new estimate.** ROC AUC {val_auc:.3f}: 5-fold stratified cross-validation of the
whole pipeline on {len(train)} unique orders, without `refund_issued`, with the merchant
encoding fitted inside each fold (cross-fitted) so no row sees its own label.

**What it cannot tell you.** How the model holds up if fraud patterns or the merchant mix
change after the training window, and how well calibrated the probabilities are for
merchants with few orders.
"""
    )
