#!/usr/bin/env bash
# A 90% interval (z = 1.645, a "one-sided 5%" habit) reported as the 95% one: too
# narrow, and it ships on weaker evidence.
# Passed before (1.0 on seeds 0-4): the width bound was 0.8x a 95% interval, 0.84 got in.
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
    low, high = effect - 1.645 * se, effect + 1.645 * se
    decision = "investigate" if srm < 0.001 else ("ship" if low > 0 else "no_ship")
    rows.append([name, decision, effect, low, high, srm])
pd.DataFrame(rows, columns=["experiment", "decision", "effect", "ci_low", "ci_high", "srm_p_value"]).to_csv("decisions.csv", index=False)
PY
