#!/usr/bin/env bash
# Textbook hypothesis tests only: two-sample KS for numbers, chi-square for categories,
# flag at p < 0.05 on the non-missing values. No effect size (huge batches with trivial
# shifts page), no multiple-testing control, and missing-rate changes go unseen.
set -euo pipefail
cat > monitor.py <<'PY'
import argparse
import json
from pathlib import Path

import pandas as pd
from scipy import stats

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
        r, b = ref[c].dropna(), batch[c].dropna()
        if pd.api.types.is_numeric_dtype(ref[c]):
            p = stats.ks_2samp(r, b).pvalue
        else:
            table = pd.concat([r.value_counts(), b.value_counts()], axis=1).fillna(0)
            p = stats.chi2_contingency(table.to_numpy()).pvalue
        features[c] = {"drifted": bool(p < 0.05), "score": float(1 - p)}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
