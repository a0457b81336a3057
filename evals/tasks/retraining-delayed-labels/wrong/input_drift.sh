#!/usr/bin/env bash
# Needs no labels at all: retrains when the inputs drift (population stability index of
# any input above 0.25 against the first 8 weeks). Fires on harmless input shifts and
# misses a change in how inputs relate to fraud.
set -euo pipefail
cat > retrain_trigger.py <<'PY'
import argparse

import numpy as np
import pandas as pd

REFERENCE_WEEKS = 8


def psi(reference, current, bins=10):
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)))
    edges[0], edges[-1] = -np.inf, np.inf
    ref = np.histogram(reference, edges)[0] / len(reference) + 1e-4
    cur = np.histogram(current, edges)[0] / len(current) + 1e-4
    return float(np.sum((cur - ref) * np.log(cur / ref)))


parser = argparse.ArgumentParser()
for flag in ("--batches", "--labels", "--out"):
    parser.add_argument(flag, required=True)
args = parser.parse_args()
batches = pd.read_csv(args.batches)
inputs = [c for c in batches.columns if c.startswith("x")] + ["score"]
reference = batches[batches["week"] <= REFERENCE_WEEKS]
rows = []
for week in sorted(batches["week"].unique()):
    current = batches[batches["week"] == week]
    worst = max(psi(reference[c], current[c]) for c in inputs) if week > REFERENCE_WEEKS else 0
    rows.append({"week": week, "retrain": int(worst > 0.25), "max_psi": round(worst, 3)})
pd.DataFrame(rows).to_csv(args.out, index=False)
PY
