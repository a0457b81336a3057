#!/usr/bin/env bash
# A sound accuracy monitor, but it reads every label as if it had been available when
# its batch was scored (arrived_week ignored): in a replay it fires weeks before anyone
# could have known, and a rerun on what was known then decides differently.
set -euo pipefail
cat > retrain_trigger.py <<'PY'
import argparse

import numpy as np
import pandas as pd

REFERENCE_WEEKS = 8  # the model's normal accuracy: batch weeks 1-8
RECENT_MIN = 300  # labelled cases needed in the recent window
MIN_DROP = 0.05
Z = 3.5


def decide(known: pd.DataFrame) -> tuple[int, str]:
    """known: labelled cases (week, correct) available at the decision time."""
    reference = known[known["week"] <= REFERENCE_WEEKS]
    counts = known.groupby("week").size()
    if len(reference) < REFERENCE_WEEKS * 300 or counts.empty:
        return 0, "reference weeks not labelled yet"
    ref = reference["correct"].mean()
    # The newest batch weeks, going back until enough labels are pooled.
    weeks, total = [], 0
    for week in sorted(counts.index[counts.index > REFERENCE_WEEKS], reverse=True):
        weeks.append(week)
        total += counts[week]
        if total >= RECENT_MIN:
            break
    if total < RECENT_MIN:
        return 0, "not enough recent labels"
    recent = known[known["week"].isin(weeks)]["correct"].mean()
    z = (ref - recent) / np.sqrt(ref * (1 - ref) / total)
    drop = ref - recent
    why = f"accuracy {recent:.3f} on weeks {min(weeks)}-{max(weeks)} vs {ref:.3f} (z={z:.1f})"
    return int(drop >= MIN_DROP and z >= Z), why


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    batches = pd.read_csv(args.batches)
    labels = pd.read_csv(args.labels)
    cases = labels.merge(batches[["case_id", "week", "score"]], on="case_id", how="inner")
    cases["correct"] = ((cases["score"] >= 0.5).astype(int) == cases["label"]).astype(float)
    rows = []
    for week in sorted(batches["week"].unique()):
        known = cases[cases["week"] <= week]
        retrain, why = decide(known)
        rows.append({"week": week, "retrain": retrain, "reason": why})
    pd.DataFrame(rows).to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
PY
python retrain_trigger.py --batches data/batches.csv --labels data/labels.csv --out decisions.csv
