"""right/wald_chisquare's analysis (see its header); a wrong/ script edits its interval."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import chisquare

log = pd.read_csv("data/exposures.csv")
plan = json.loads(Path("data/experiments.json").read_text())
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
columns = ["experiment", "decision", "effect", "ci_low", "ci_high", "srm_p_value"]
pd.DataFrame(rows, columns=columns).to_csv("decisions.csv", index=False)
