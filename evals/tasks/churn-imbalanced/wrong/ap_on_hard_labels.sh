#!/usr/bin/env bash
# A sound model and sound probabilities, but the validation predictions are
# cross_val_predict's default output, hard 0/1 labels, so their AP, and metrics.json,
# report about 0.1 for scores that reach 0.3-0.4: a campaign sized on it is planned far too
# small (0.27-0.51 of the expected AP, seeds 0-7, 11, 12). The claim matches its
# predictions; the predictions are labels.
# From the red team's w8_ap_on_hard_labels.sh; it passed (0.944 on seed 11) while the claim
# was allowed 0.25 either side of the measured AP.
set -euo pipefail
python3 - <<'PY'
import json

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

train = pd.read_csv("data/train.csv")
test = pd.read_csv("data/test.csv")
y = train["churned"].to_numpy()


def features(frame):
    X = frame.drop(columns=[c for c in ("customer_id", "churned") if c in frame])
    for c in ("plan", "region", "autopay"):
        X[c] = pd.Categorical(X[c], categories=sorted(train[c].dropna().unique()))
    return X


X, X_test = features(train), features(test)
model = HistGradientBoostingClassifier(
    learning_rate=0.05, max_iter=200, max_leaf_nodes=15, min_samples_leaf=40,
    categorical_features="from_dtype", random_state=0,
)
oof = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))
ap = average_precision_score(y, oof)  # oof holds predict()'s labels, not probabilities
pd.DataFrame({"customer_id": train["customer_id"], "churn_probability": oof}).to_csv(
    "validation_predictions.csv", index=False)
p = model.fit(X, y).predict_proba(X_test)[:, 1]
pd.DataFrame({"customer_id": test["customer_id"], "churn_probability": p}).to_csv(
    "predictions.csv", index=False)
json.dump({"validation_average_precision": round(float(ap), 4)}, open("metrics.json", "w"))
open("MODEL_CARD.md", "w").write(f"""# Churn risk scores: model card
Purpose: the probability that a customer cancels within 90 days, to order the retention
call list. Model: gradient-boosted trees, unweighted, categories native.
Validation: average precision {ap:.3f} from out-of-fold predictions of stratified 5-fold CV
on the {len(y)} training customers ({int(y.sum())} churners).
Limitations: few churners, so the estimate is uncertain; one extract period; missing
values handled natively by the trees; probabilities not separately calibrated.
""")
PY
