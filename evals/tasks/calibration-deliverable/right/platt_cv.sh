#!/usr/bin/env bash
# Another correct route: Platt scaling inside sklearn's CalibratedClassifierCV with its
# default 5 folds, each fold's sigmoid fitted on rows its model never saw (red team,
# 2026-12: failed the old absolute ECE limit of 0.01 on one of two seeds).
set -euo pipefail
cat > calibrate.py <<'PY'
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from train_model import FEATURES, load, make_model

train, score = load("data/train.csv"), load("data/score.csv")
model = CalibratedClassifierCV(make_model(), method="sigmoid").fit(train[FEATURES], train["chargeback"])
probability = model.predict_proba(score[FEATURES])[:, 1]
pd.DataFrame({"id": score["id"], "probability": probability}).to_csv("probabilities.csv", index=False)
PY
python calibrate.py
