#!/usr/bin/env bash
# Checks the sample ratio, but against 50/50 whatever split the experiment planned: every
# experiment with an uneven planned split is flagged as a mismatch and sent to
# "investigate". Otherwise a correct fixed-horizon analysis.
set -euo pipefail
python3 - <<'PY'
import json

import numpy as np
import pandas as pd
from scipy import stats

log = pd.read_csv("data/exposures.csv")
rows = []
for name in json.load(open("data/experiments.json")):
    exp = log[log["experiment"] == name]
    t = exp[exp["variant"] == "treatment"]["converted"]
    c = exp[exp["variant"] == "control"]["converted"]
    srm_p = stats.chisquare([len(t), len(c)]).pvalue
    effect = t.mean() - c.mean()
    se = np.sqrt(t.mean() * (1 - t.mean()) / len(t) + c.mean() * (1 - c.mean()) / len(c))
    low, high = effect - 1.96 * se, effect + 1.96 * se
    decision = "investigate" if srm_p < 0.001 else ("ship" if low > 0 else "no_ship")
    rows.append({"experiment": name, "decision": decision, "effect": effect,
                 "ci_low": low, "ci_high": high, "srm_p_value": srm_p})
pd.DataFrame(rows).to_csv("decisions.csv", index=False)
PY
