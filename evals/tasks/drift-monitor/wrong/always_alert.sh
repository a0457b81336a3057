#!/usr/bin/env bash
# Flags any difference at all between batch and reference statistics, with no tolerance for
# sampling noise or immaterial change: every feature of every batch is "drifted".
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
for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path)
    features = {}
    for c in ref.columns:
        if pd.api.types.is_numeric_dtype(ref[c]):
            diff = abs(batch[c].mean() - ref[c].mean()) + abs(batch[c].std() - ref[c].std())
        else:
            diff = (batch[c].value_counts(normalize=True) - ref[c].value_counts(normalize=True))
            diff = diff.abs().fillna(1).sum()
        features[c] = {"drifted": bool(diff > 0), "score": float(diff)}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
