#!/usr/bin/env bash
# Honest and plain: a Wald interval on the full data, scipy's chi-square goodness-of-fit
# test against the planned split, investigate below p = 0.001, ship when the interval is
# above zero.
set -euo pipefail
python - <<'PY'
import json

import numpy as np
import pandas as pd
from scipy.stats import chisquare

log = pd.read_csv("data/exposures.csv")
plan = json.load(open("data/experiments.json"))
rows = []
for name, g in log.groupby("experiment"):
    t, c = g[g["variant"] == "treatment"]["converted"], g[g["variant"] == "control"]["converted"]
    share = plan[name]["planned_treatment_share"]
    srm = chisquare([len(t), len(c)], [len(g) * share, len(g) * (1 - share)]).pvalue
    effect = t.mean() - c.mean()
    se = np.sqrt(t.mean() * (1 - t.mean()) / len(t) + c.mean() * (1 - c.mean()) / len(c))
    low, high = effect - 1.96 * se, effect + 1.96 * se
    decision = "investigate" if srm < 0.001 else ("ship" if low > 0 else "no_ship")
    rows.append([name, decision, effect, low, high, srm])
pd.DataFrame(rows, columns=["experiment", "decision", "effect", "ci_low", "ci_high", "srm_p_value"]).to_csv("decisions.csv", index=False)
PY
