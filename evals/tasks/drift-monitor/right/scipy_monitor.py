"""right/scipy_tests' monitor (see its header); wrong/ scripts edit one rule of it."""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

P_MAX = 1e-4


def proportion(p_ref, n_ref, p_new, n_new, threshold):
    """(effect / threshold, p) for a change of a rate, by Fisher's exact test on the two
    samples' counts: a z-test's normal approximation fails on a few dozen rows (3 missing
    of 25 against the reference's 1.6%: z-test p 5e-5, exact p 0.008)."""
    counts = [[round(p * n), n - round(p * n)] for p, n in ((p_ref, n_ref), (p_new, n_new))]
    return abs(p_new - p_ref) / threshold, stats.fisher_exact(counts).pvalue


def feature(ref, new):
    checks = [proportion(ref.isna().mean(), len(ref), new.isna().mean(), len(new), 0.05)]
    r = ref.dropna()
    if pd.api.types.is_numeric_dtype(ref):
        b = pd.to_numeric(new, errors="coerce").dropna()
        if len(b) >= 3:
            mean_effect = abs(b.mean() - r.mean()) / r.std() / 0.25
            # A z-test against the reference, on its standard deviation: on a few dozen rows
            # a skewed feature's own sample SD runs low (Welch's t gave p 3e-5 to a healthy
            # 58-row batch of incomes; this gives 0.006).
            z = (b.mean() - r.mean()) / (r.std() * np.sqrt(1 / len(r) + 1 / len(b)))
            checks.append((mean_effect, 2 * stats.norm.sf(abs(z))))
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
