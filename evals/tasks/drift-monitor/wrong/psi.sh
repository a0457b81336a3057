#!/usr/bin/env bash
# Population stability index with the usual fixed cut-off (PSI > 0.2), ten reference-decile
# bins, missing values dropped. PSI ignores sample size, so tiny healthy batches page on
# noise, and a jump in missing values is invisible once NaNs are dropped.
set -euo pipefail
cat > monitor.py <<'PY'
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

parser = argparse.ArgumentParser()
for flag in ("--reference", "--batches", "--out"):
    parser.add_argument(flag, type=Path, required=True)
args = parser.parse_args()
ref = pd.read_csv(args.reference)
args.out.mkdir(parents=True, exist_ok=True)


def psi(r, b):
    if pd.api.types.is_numeric_dtype(r):
        edges = np.unique(np.quantile(r, np.linspace(0, 1, 11)))
        edges[0], edges[-1] = -np.inf, np.inf
        r, b = pd.cut(r, edges), pd.cut(b, edges)
    rs = r.value_counts(normalize=True)
    bs = b.value_counts(normalize=True).reindex(rs.index.union(b.unique()), fill_value=0)
    rs = rs.reindex(bs.index, fill_value=0)
    rs, bs = rs.clip(lower=1e-4), bs.clip(lower=1e-4)
    return float(((bs - rs) * np.log(bs / rs)).sum())


for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path)
    features = {}
    for c in ref.columns:
        score = psi(ref[c].dropna(), batch[c].dropna())
        features[c] = {"drifted": score > 0.2, "score": score}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
