"""Reference analysis: trust first, then the fixed-horizon test the experiment was planned for.

For each experiment: a chi-square sample-ratio check of the user counts against the
*planned* split (not 50/50); if it fails (p < 0.001) the data cannot be trusted and the
decision is "investigate", whatever the effect looks like. Otherwise the effect is the
difference in conversion on all users of the full planned duration, with a 95% Wald
interval; ship only when the interval lies above 0. Daily looks are not used to decide:
stopping at the first significant day inflates false positives.
"""

import json

import numpy as np
import pandas as pd
from scipy import stats

SRM_ALPHA = 0.001
log = pd.read_csv("data/exposures.csv")
with open("data/experiments.json") as handle:
    plans = json.load(handle)
rows = []
for name, plan in plans.items():
    exp = log[(log["experiment"] == name) & (log["day"] <= plan["planned_days"])]
    t, c = exp[exp["variant"] == "treatment"], exp[exp["variant"] == "control"]
    share = plan["planned_treatment_share"]
    n = len(t) + len(c)
    srm_p = stats.chisquare([len(t), len(c)], [n * share, n * (1 - share)]).pvalue
    p_t, p_c = t["converted"].mean(), c["converted"].mean()
    effect = p_t - p_c
    se = np.sqrt(p_t * (1 - p_t) / len(t) + p_c * (1 - p_c) / len(c))
    low, high = effect - 1.959964 * se, effect + 1.959964 * se
    # Untrustworthy data first: no effect estimate outranks a failed sample-ratio check.
    decision = "investigate" if srm_p < SRM_ALPHA else "ship" if low > 0 else "no_ship"
    rows.append(
        {
            "experiment": name,
            "decision": decision,
            "effect": effect,
            "ci_low": low,
            "ci_high": high,
            "srm_p_value": srm_p,
        }
    )
    print(f"{name}: {decision} effect {effect:+.4f} [{low:+.4f}, {high:+.4f}] SRM p {srm_p:.2g}")
pd.DataFrame(rows).to_csv("decisions.csv", index=False)
