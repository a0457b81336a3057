#!/usr/bin/env bash
# Another correct route: process the labels in the order they arrive and run a one-sided
# CUSUM on the model's error rate (reference: the first 3,000 labels to arrive), firing
# when the cumulative excess error passes a threshold. Only labels with arrived_week <= w
# are used for week w.
set -euo pipefail
cat > retrain_trigger.py <<'PY'
import argparse

import pandas as pd

REFERENCE = 3000  # labels used to learn the normal error rate
SLACK = 0.05  # errors above the reference rate + SLACK accumulate
THRESHOLD = 40.0


parser = argparse.ArgumentParser()
for flag in ("--batches", "--labels", "--out"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()
batches = pd.read_csv(args.batches)
labels = pd.read_csv(args.labels).merge(batches[["case_id", "week", "score"]], on="case_id")
labels["error"] = ((labels["score"] >= 0.5).astype(int) != labels["label"]).astype(float)
labels = labels.sort_values(["arrived_week", "week", "case_id"], kind="stable")
reference_rate = None
seen, cusum, fired = [], 0.0, False
by_week = dict(iter(labels.groupby("arrived_week")))
rows = []
for week in sorted(batches["week"].unique()):
    for error in by_week.get(week, pd.DataFrame({"error": []}))["error"]:
        if reference_rate is None:
            seen.append(error)
            if len(seen) == REFERENCE:
                reference_rate = sum(seen) / REFERENCE
            continue
        cusum = max(0.0, cusum + error - reference_rate - SLACK)
    fired = fired or cusum > THRESHOLD
    rows.append({"week": week, "retrain": int(fired), "cusum": round(cusum, 2)})
pd.DataFrame(rows).to_csv(args.out, index=False)
PY
