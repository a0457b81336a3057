#!/usr/bin/env bash
# Baseline: default read_csv, to_numeric/to_datetime with errors="coerce", lower-cased
# clinic names and exact duplicates dropped. No units, sentinels, typos or merging.
set -euo pipefail
python3 - <<'PY'
import pandas as pd

raw = pd.read_csv("data/visits_raw.csv")
out = pd.DataFrame({"patient_id": raw["patient_id"]})
dates = pd.to_datetime(raw["visit_date"], format="mixed", errors="coerce")
out["visit_date"] = dates.dt.strftime("%Y-%m-%d")
out["clinic"] = raw["clinic"].str.strip().str.lower()
out["sex"] = raw["sex"]
out["age"] = pd.to_numeric(raw["age"], errors="coerce")
out["weight_kg"] = pd.to_numeric(raw["weight"], errors="coerce")
out["height_cm"] = pd.to_numeric(raw["height"], errors="coerce")
out["systolic_bp"] = pd.to_numeric(raw["systolic_bp"], errors="coerce")
out["smoker"] = raw["smoker"]
out.drop_duplicates().to_csv("clean.csv", index=False)
PY
