#!/usr/bin/env bash
# Routes every ticket to the biggest queue (billing): right for a quarter of the tickets,
# useless for every other team.
set -euo pipefail
python3 - <<'PY'
import pandas as pd

train, test = pd.read_csv("data/train.csv"), pd.read_csv("data/test.csv")
biggest = train["queue"].mode()[0]
pd.DataFrame({"ticket_id": test["ticket_id"], "queue": biggest}).to_csv(
    "predictions.csv", index=False
)
PY
