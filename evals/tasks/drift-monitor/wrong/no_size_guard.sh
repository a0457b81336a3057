#!/usr/bin/env bash
# The ticket's thresholds applied to the batch's point estimates, with no regard for batch
# size: right on large batches, but a quiet hour of a few dozen rows moves shares and
# spreads past the thresholds by chance, and pages.
set -euo pipefail
cat > monitor.py <<'PY'
import argparse
import json
from pathlib import Path

import pandas as pd

parser = argparse.ArgumentParser()
for flag in ("--reference", "--batches", "--out"):
    parser.add_argument(flag, type=Path, required=True)
args = parser.parse_args()
ref = pd.read_csv(args.reference)
args.out.mkdir(parents=True, exist_ok=True)


def effect(r, b):
    size = abs(b.isna().mean() - r.isna().mean()) / 0.05
    r, b = r.dropna(), b.dropna()
    if pd.api.types.is_numeric_dtype(r):
        size = max(size, abs(b.mean() - r.mean()) / r.std() / 0.25, abs(b.std() / r.std() - 1) / 0.3)
    else:
        rs, bs = r.value_counts(normalize=True), b.value_counts(normalize=True)
        levels = rs.index.union(bs.index)
        gap = (bs.reindex(levels, fill_value=0) - rs.reindex(levels, fill_value=0)).abs().max()
        size = max(size, gap / 0.10)
    return float(size)


for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path)
    features = {}
    for c in ref.columns:
        score = effect(ref[c], batch[c])
        features[c] = {"drifted": score >= 1, "score": score}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
