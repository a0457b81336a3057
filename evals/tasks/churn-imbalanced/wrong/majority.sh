#!/usr/bin/env bash
# Predicts "nobody churns": 96% accurate and useless for ranking.
set -euo pipefail
python3 - <<'PY'
import pandas as pd
test = pd.read_csv("data/test.csv")
pd.DataFrame({"customer_id": test["customer_id"], "churn_probability": 0.0}).to_csv(
    "predictions.csv", index=False
)
PY
