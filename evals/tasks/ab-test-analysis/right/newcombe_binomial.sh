#!/usr/bin/env bash
# An alternative correct analysis: an exact binomial test of the treatment count against
# the planned share for the sample ratio, and Newcombe's hybrid score interval (from two
# Wilson intervals) for the difference in conversion instead of the Wald interval.
set -euo pipefail
python3 - <<'PY'
import json

import numpy as np
import pandas as pd
from scipy import stats

Z = stats.norm.ppf(0.975)


def wilson(successes, n):
    p = successes / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


log = pd.read_csv("data/exposures.csv")
plans = json.load(open("data/experiments.json"))
rows = []
for name, plan in plans.items():
    exp = log[log["experiment"] == name]
    t = exp.loc[exp["variant"] == "treatment", "converted"]
    c = exp.loc[exp["variant"] == "control", "converted"]
    srm_p = stats.binomtest(len(t), len(t) + len(c), plan["planned_treatment_share"]).pvalue
    p_t, p_c = t.mean(), c.mean()
    (lt, ut), (lc, uc) = wilson(t.sum(), len(t)), wilson(c.sum(), len(c))
    effect = p_t - p_c
    low = effect - np.sqrt((p_t - lt) ** 2 + (uc - p_c) ** 2)
    high = effect + np.sqrt((ut - p_t) ** 2 + (p_c - lc) ** 2)
    decision = "investigate" if srm_p < 0.001 else ("ship" if low > 0 else "no_ship")
    rows.append({"experiment": name, "decision": decision, "effect": effect,
                 "ci_low": low, "ci_high": high, "srm_p_value": srm_p})
pd.DataFrame(rows).to_csv("decisions.csv", index=False)
PY
