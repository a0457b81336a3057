#!/usr/bin/env bash
# Replaces the boosted trees by an unweighted logistic regression: its probabilities are
# calibrated on average, but a linear model misses the non-linear risk, so the ranking is
# worse than the team's model's (red team, 2026-12: passed the old ranking check, AUC
# within 0.08 of the truth's).
set -euo pipefail
cat > calibrate.py <<'PY'
import pandas as pd
from sklearn.linear_model import LogisticRegression

train, score = pd.read_csv("data/train.csv"), pd.read_csv("data/score.csv")
x = pd.get_dummies(train.drop(columns=["id", "chargeback"]), columns=["region"])
x_score = pd.get_dummies(score.drop(columns=["id"]), columns=["region"])[x.columns]
model = LogisticRegression(max_iter=2000).fit(x, train["chargeback"])
probability = model.predict_proba(x_score)[:, 1]
pd.DataFrame({"id": score["id"], "probability": probability}).to_csv("probabilities.csv", index=False)
PY
python calibrate.py
