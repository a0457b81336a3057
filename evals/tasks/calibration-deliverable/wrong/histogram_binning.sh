#!/usr/bin/env bash
# Calibrates by histogram binning into twenty levels: the observed rate of each twentieth
# of out-of-fold scores. Calibrated on average, but every case in a bin gets the same
# probability, so the review queue cannot order the cases inside a bin. With ten bins it
# lost 0.008-0.010 of expected AUC and failed the ranking slack; with twenty it loses only
# 0.003 (red team, 2026-12: 0.9998 and 1.0 on seeds 11-12), so the ranking check now
# also counts the pairs the team's model orders that come out tied: 5.0-5.5% here.
set -euo pipefail
cat > calibrate.py <<'PY'
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from train_model import FEATURES, load, make_model

BINS = 20
train, score = load("data/train.csv"), load("data/score.csv")
x, y = train[FEATURES], train["chargeback"].to_numpy()
folds = StratifiedKFold(3, shuffle=True, random_state=0)
out_of_fold = cross_val_predict(make_model(), x, y, cv=folds, method="predict_proba")[:, 1]
edges = np.quantile(out_of_fold, np.linspace(0, 1, BINS + 1))[1:-1]
rates = np.array([y[np.searchsorted(edges, out_of_fold) == k].mean() for k in range(BINS)])
raw = make_model().fit(x, y).predict_proba(score[FEATURES])[:, 1]
probability = rates[np.searchsorted(edges, raw)]
pd.DataFrame({"id": score["id"], "probability": probability}).to_csv("probabilities.csv", index=False)
PY
python calibrate.py
