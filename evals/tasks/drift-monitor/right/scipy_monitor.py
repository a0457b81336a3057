"""right/scipy_tests' monitor (see its header); wrong/ scripts edit one rule of it."""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

P_MAX = 1e-4


def proportion(p_ref, n_ref, p_new, n_new, threshold):
    pooled = (p_ref * n_ref + p_new * n_new) / (n_ref + n_new)
    se = np.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_ref + 1 / n_new))
    p_value = 2 * stats.norm.sf(abs(p_new - p_ref) / se)
    return abs(p_new - p_ref) / threshold, p_value


def feature(ref, new):
    checks = [proportion(ref.isna().mean(), len(ref), new.isna().mean(), len(new), 0.05)]
    r = ref.dropna()
    if pd.api.types.is_numeric_dtype(ref):
        b = pd.to_numeric(new, errors="coerce").dropna()
        if len(b) >= 3:
            mean_effect = abs(b.mean() - r.mean()) / r.std() / 0.25
            checks.append((mean_effect, stats.ttest_ind(r, b, equal_var=False).pvalue))
            ratio = b.std() / r.std()
            spread_effect = abs(ratio - 1) / 0.30
            checks.append((spread_effect, stats.levene(r, b, center="median").pvalue))
    else:
        b = new.dropna().astype(str)
        if len(b):
            rs, bs = r.astype(str).value_counts(normalize=True), b.value_counts(normalize=True)
            for level in rs.index.union(bs.index):
                share_r, share_b = rs.get(level, 0.0), bs.get(level, 0.0)
                checks.append(proportion(share_r, len(r), share_b, len(b), 0.10))
    significant = [effect for effect, p in checks if p < P_MAX]
    drifted = any(effect >= 1 for effect in significant)
    return {"drifted": bool(drifted), "score": float(max([*significant, 0.0]))}


parser = argparse.ArgumentParser()
for flag in ("--reference", "--batches", "--out"):
    parser.add_argument(flag, type=Path, required=True)
args = parser.parse_args()
reference = pd.read_csv(args.reference)
args.out.mkdir(parents=True, exist_ok=True)
for path in sorted(args.batches.glob("*.csv")):
    batch = pd.read_csv(path).reindex(columns=reference.columns)
    features = {c: feature(reference[c], batch[c]) for c in reference.columns}
    report = {"alert": any(f["drifted"] for f in features.values()), "features": features}
    (args.out / f"{path.stem}.json").write_text(json.dumps(report, indent=2))
