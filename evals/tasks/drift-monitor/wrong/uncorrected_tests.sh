#!/usr/bin/env bash
# Material and significant, but with no correction for multiple tests: each of a batch's
# ~40 checks (missing rate, mean, spread, every category's share) is a one-sided test that
# the change exceeds the ticket's threshold, at the textbook 5% level (z = 1.645). Quiet
# hours of two to three dozen rows then page 4-8% of the time, against a budget of 1%.
# Passed every healthy batch (score 1.0 on seeds 11 and 12, found by a red team) until the
# grader measured the false-alarm rate on 300 quiet hours.
set -euo pipefail
cat > monitor.py <<'PY'
import argparse
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

Z = 1.645  # one-sided 5% per check

parser = argparse.ArgumentParser()
for flag in ("--reference", "--batches", "--out"):
    parser.add_argument(flag, type=Path, required=True)
args = parser.parse_args()
ref = pd.read_csv(args.reference)
args.out.mkdir(parents=True, exist_ok=True)


def rate(p_ref, n_ref, p_new, n_new, threshold):
    """(effect / threshold, z of the change's excess over the threshold)."""
    diff = p_new - p_ref
    p0 = min(max(p_ref + math.copysign(threshold, diff), 1e-4), 1 - 1e-4)
    se = math.sqrt(p0 * (1 - p0) / n_new + p_ref * (1 - p_ref) / n_ref)
    return abs(diff) / threshold, (abs(diff) - threshold) / se


def checks(r, b):
    out = [rate(r.isna().mean(), len(r), b.isna().mean(), len(b), 0.05)]
    r, b = r.dropna(), b.dropna()
    if pd.api.types.is_numeric_dtype(r):
        if len(b) >= 2:
            sd, n = r.std(), len(b)
            shift = (b.mean() - r.mean()) / sd
            se = math.sqrt(b.var() / sd**2 / n + 1 / len(r))
            out.append((abs(shift) / 0.25, (abs(shift) - 0.25) / se))
            kurt = max(float(((r - r.mean()) ** 4).mean() / r.var() ** 2) - 1, 0.5)
            log_ratio = math.log(max(b.std(), 1e-12) / sd)
            limit = math.log(1.3) if log_ratio > 0 else -math.log(0.7)
            se = math.sqrt(kurt / (4 * n) + kurt / (4 * len(r)))
            out.append((abs(b.std() / sd - 1) / 0.3, (abs(log_ratio) - limit) / se))
    elif len(b):
        rs, bs = r.value_counts(normalize=True), b.value_counts(normalize=True)
        for level in rs.index.union(bs.index):
            out.append(rate(rs.get(level, 0.0), len(r), bs.get(level, 0.0), len(b), 0.10))
    return out


for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path).reindex(columns=ref.columns)
    features = {}
    for c in ref.columns:
        found = checks(ref[c], batch[c])
        features[c] = {"drifted": any(z >= Z for _, z in found),
                       "score": float(np.nan_to_num(max(e for e, _ in found)))}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report))
PY
