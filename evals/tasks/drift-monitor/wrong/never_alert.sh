#!/usr/bin/env bash
# Checks only the schema (every feature present with the reference's type): a distribution
# that moves while keeping its type is never noticed, so it never alerts.
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
        same = c in batch and (
            pd.api.types.is_numeric_dtype(ref[c]) == pd.api.types.is_numeric_dtype(batch[c])
        )
        features[c] = {"drifted": not same, "score": 0.0 if same else 1.0}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
