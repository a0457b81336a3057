#!/usr/bin/env bash
# The reference analysis, with importance measured as the increase in mean squared error
# when a group is shuffled (a common default, e.g. permutation importance's
# neg_mean_squared_error scoring), not the drop in R² the ticket asks for. Every ranking
# and interval is the same; every number is in squared spend, thousands here.
# Passed before (1.0 on seeds 11-12, red team): no check looked at the unit.
set -euo pipefail
cp "$(dirname "$0")/reference_explain.py" explain.py
python3 - <<'PY'
from pathlib import Path

code = Path("explain.py").read_text()
edits = {
    "from sklearn.metrics import r2_score\n":
        "from sklearn.metrics import mean_squared_error, r2_score\n",
    "base = r2_score(truth, fitted)\n": "base = -mean_squared_error(truth, fitted)\n",
    "drops = np.array([base - r2_score(truth, p) for p in permuted])\n":
        "drops = np.array([base + mean_squared_error(truth, p) for p in permuted])\n",
    "return 1 - ((actual - predicted) ** 2).sum(axis=-1) / (centred**2).sum(axis=-1)\n":
        "return -((actual - predicted) ** 2).mean(axis=-1)\n",
}
for old, new in edits.items():
    assert code.count(old) == 1, old
    code = code.replace(old, new)
Path("explain.py").write_text(code)
PY
python3 explain.py
