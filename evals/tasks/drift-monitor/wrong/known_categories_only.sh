#!/usr/bin/env bash
# Material and significant changes, but category shares are compared only over the
# reference's categories (value_counts reindexed on the reference): a new category shows
# up only as small drops of the known ones, and goes unflagged.
set -euo pipefail
cat > monitor.py <<'PY'
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd


def z_rate(p_ref, n_ref, p_new, n_new):
    pooled = (p_ref * n_ref + p_new * n_new) / (n_ref + n_new)
    return abs(p_new - p_ref) / np.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_ref + 1 / n_new))


def feature(r, b):
    checks = [(abs(b.isna().mean() - r.isna().mean()) / 0.05,
               z_rate(r.isna().mean(), len(r), b.isna().mean(), len(b)))]
    r, b = r.dropna(), b.dropna()
    if pd.api.types.is_numeric_dtype(r) and len(b) > 2:
        se = np.sqrt(r.var() / len(r) + b.var() / len(b))
        checks.append((abs(b.mean() - r.mean()) / r.std() / 0.25, abs(b.mean() - r.mean()) / se))
        log_ratio = abs(np.log(b.std() / r.std()))
        checks.append((abs(b.std() / r.std() - 1) / 0.3, log_ratio / np.sqrt(1 / len(r) + 1 / len(b))))
    elif len(b):
        rs = r.value_counts(normalize=True)
        bs = b.value_counts().reindex(rs.index, fill_value=0) / len(b)
        for level in rs.index:
            checks.append((abs(bs[level] - rs[level]) / 0.1, z_rate(rs[level], len(r), bs[level], len(b))))
    hits = [e for e, z in checks if z >= 5]
    return {"drifted": any(e >= 1 for e in hits), "score": float(max(hits + [0.0]))}


parser = argparse.ArgumentParser()
for flag in ("--reference", "--batches", "--out"):
    parser.add_argument(flag, type=Path, required=True)
args = parser.parse_args()
ref = pd.read_csv(args.reference)
args.out.mkdir(parents=True, exist_ok=True)
for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path)
    features = {c: feature(ref[c], batch[c]) for c in ref.columns}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
