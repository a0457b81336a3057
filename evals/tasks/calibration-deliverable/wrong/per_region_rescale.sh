#!/usr/bin/env bash
# Fixes the sums region by region, not the probabilities: scales the weighted model's scores
# in each region so their mean equals that region's training rate. Every region's sum is
# right; within a region the low-risk cases are under-predicted and the riskier ones over,
# so "of the cases we give 0.10" is not one in ten (red team, 2026-12: its ECE, 0.0086-0.0127
# on seeds 0-7 with 16,000 rows of history, sat on both sides of the old limit of 0.01).
set -euo pipefail
cat > calibrate.py <<'PY'
import pandas as pd
from train_model import FEATURES, load, make_model

train, score = load("data/train.csv"), load("data/score.csv")
probability = make_model().fit(train[FEATURES], train["chargeback"]).predict_proba(score[FEATURES])[:, 1]
rates = train.groupby("region", observed=True)["chargeback"].mean()
for region, rate in rates.items():
    rows = (score["region"] == region).to_numpy()
    probability[rows] *= rate / probability[rows].mean()
pd.DataFrame({"id": score["id"], "probability": probability.clip(0, 1)}).to_csv("probabilities.csv", index=False)
PY
python calibrate.py
