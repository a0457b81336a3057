#!/usr/bin/env bash
# "Cleaning" by coercing types and dropping every row with a missing value: visits with a
# genuinely unknown field vanish, and nothing messy is actually repaired.
set -euo pipefail
python3 - <<'PY'
import pandas as pd

raw = pd.read_csv("data/visits_raw.csv").drop(columns="record_id")
raw = raw.rename(columns={"weight": "weight_kg", "height": "height_cm"})
for column in ("age", "weight_kg", "height_cm", "systolic_bp"):
    raw[column] = pd.to_numeric(raw[column], errors="coerce")
dates = pd.to_datetime(raw["visit_date"], format="mixed", errors="coerce")
raw["visit_date"] = dates.dt.strftime("%Y-%m-%d")
raw.dropna().drop_duplicates().to_csv("clean.csv", index=False)
PY
