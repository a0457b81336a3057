#!/usr/bin/env bash
# The best constant decision (fraud is rare, so approve everything): the baseline.
set -euo pipefail
python3 - <<'PY'
import pandas as pd

test = pd.read_csv("data/test.csv")
pd.DataFrame({"transaction_id": test["transaction_id"], "review": 0}).to_csv(
    "decisions.csv", index=False
)
PY
